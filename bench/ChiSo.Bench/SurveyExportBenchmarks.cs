using ChiSo.Features.Accounts;
using System.Diagnostics;
using ChiSo.Features.Surveys;

namespace ChiSo.Bench;

/// <summary>The export case: 132,229 responses × 510 questions to XLSX, once, with its time, allocations and the
/// process's peak working set (which includes generating the data; the working set before the export is printed too).</summary>
public static class SurveyExportCheck
{
    public static async Task RunAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"chiso-bench-export-{Guid.NewGuid():N}.db");
        var xlsx = Path.ChangeExtension(file, ".xlsx");
        try
        {
            var data = SurveyData.Generate(file, responses: 132_229, questions: 510, units: 200);
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            var before = process.WorkingSet64;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            await using (var db = SurveyData.Open(file))
            await using (var output = File.Create(xlsx))
                await ResponseExport.WriteAsync(db, data.RoundId, output, Actor.Cli());
            watch.Stop();
            process.Refresh();
            Console.WriteLine($"export 132,229 × 510 → XLSX: {watch.Elapsed.TotalSeconds:0.0} s, file {new FileInfo(xlsx).Length / 1e6:0.0} MB, " +
                $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6:0} MB, working set before {before / 1e6:0} MB, " +
                $"peak working set {process.PeakWorkingSet64 / 1e6:0} MB");
        }
        finally
        {
            SurveyData.Delete(file);
            if (File.Exists(xlsx)) File.Delete(xlsx);
        }
    }
}
