using BenchmarkDotNet.Attributes;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Gaps;
using ChiSo.Features.Results;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Bench;

/// <summary>The index overview and gap analysis as a page load pays for them: load a snapshot from SQLite,
/// build the tree report and the gap report; and the Excel export of one framework year.</summary>
[MemoryDiagnoser]
public class IndexBenchmarks
{
    string file = "";
    SqliteChiSoDb db = default!;

    [GlobalSetup]
    public void Setup()
    {
        file = Path.Combine(Path.GetTempPath(), $"chiso-bench-{Guid.NewGuid():N}.db");
        db = Open(file);
        BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System).GetAwaiter().GetResult();
    }

    static SqliteChiSoDb Open(string path)
    {
        var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
        DatabaseSetup.ConfigureSqlite(o, $"Data Source={path}");
        return new SqliteChiSoDb(o.Options);
    }

    [Benchmark]
    public async Task<int> OverviewPar2023()
    {
        var s = await IndexSnapshot.LoadAsync(db, "par-province", 2023, null);
        return IndexReport.From(s!).Criteria.Count;
    }

    [Benchmark]
    public async Task<int> GapsPar2023()
    {
        var s = await IndexSnapshot.LoadAsync(db, "par-province", 2023, null);
        return GapReport.From(s!).Criteria.Count;
    }

    [Benchmark]
    public async Task<long> ExcelExportPar2023()
    {
        var doc = await FrameworkExport.DocumentAsync(db, "par-province", 2023);
        using var ms = new MemoryStream();
        new FrameworkExcel(new FrameworkImporter(db, TimeProvider.System)).Write(doc!, 2023, ms);
        return ms.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        db.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(file);
    }
}
