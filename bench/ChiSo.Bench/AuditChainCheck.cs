using System.Diagnostics;
using ChiSo.Data;
using ChiSo.Features.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChiSo.Bench;

/// <summary>`-- --audit-check [rows]`: the audit chain on a fresh SQLite file and, when CHISO_TEST_PG names a server, a fresh
/// PostgreSQL database. Writes the rows through SaveChanges (1,000 a save, each chained by ChiSoDb), times 1,000 saves of
/// one row each (a transaction, the lock and a head read apiece), then verifies the whole chain three times, sampling the
/// managed heap to show that verify streams.</summary>
public static class AuditChainCheck
{
    public static async Task RunAsync(int rows)
    {
        var file = Path.Combine(Path.GetTempPath(), $"chiso-audit-bench-{Guid.NewGuid():N}.db");
        try
        {
            await RunAsync("SQLite", () =>
            {
                var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
                DatabaseSetup.ConfigureSqlite(o, $"Data Source={file}");
                return new SqliteChiSoDb(o.Options);
            }, rows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        }
        if (Environment.GetEnvironmentVariable("CHISO_TEST_PG") is not { } server) return;
        var name = $"chiso_audit_bench_{Guid.NewGuid():N}";
        await Admin(server, $"CREATE DATABASE {name}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
            await RunAsync("PostgreSQL", () =>
            {
                var o = new DbContextOptionsBuilder<PostgresChiSoDb>();
                DatabaseSetup.ConfigurePostgres(o, connection);
                return new PostgresChiSoDb(o.Options);
            }, rows);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Admin(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    static async Task Admin(string server, string sql)
    {
        await using var c = new NpgsqlConnection(server);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    static AuditEntry Row(int i) => new()
    {
        At = DateTime.UtcNow, User = "Nguyễn Văn A (nguyen.van.a)", Subject = $"assessment:2026:1:U{i % 200:000}", Field = $"{i % 40}.{i % 7}:appraisal",
        OldValue = (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture), NewValue = "3.5", Reason = "Điều chỉnh: hồ sơ chứng minh chưa đầy đủ",
    };

    static async Task RunAsync(string provider, Func<ChiSoDb> open, int rows)
    {
        await using (var db = open()) await db.Database.MigrateAsync();
        var watch = Stopwatch.StartNew();
        for (var written = 0; written < rows; written += 1000)
        {
            await using var db = open();
            db.Audit.AddRange(Enumerable.Range(written, Math.Min(1000, rows - written)).Select(Row));
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"{provider}: wrote {rows:N0} rows in saves of 1,000 in {watch.Elapsed.TotalSeconds:0.0} s ({rows / watch.Elapsed.TotalSeconds:N0} rows/s)");

        watch.Restart();
        await using (var db = open())
            for (var i = 0; i < 1000; i++)
            {
                db.Audit.Add(Row(i));
                await db.SaveChangesAsync();
            }
        Console.WriteLine($"{provider}: 1,000 saves of one audit row each in {watch.Elapsed.TotalSeconds:0.00} s ({watch.Elapsed.TotalMilliseconds / 1000:0.00} ms a save)");

        for (var run = 1; run <= 3; run++)
        {
            GC.Collect();
            var before = GC.GetTotalMemory(true);
            var allocated = GC.GetTotalAllocatedBytes(true);
            long peak = before;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(false));
                    await Task.Delay(5);
                }
            });
            watch.Restart();
            ChainReport report;
            await using (var db = open()) report = await AuditChain.VerifyAsync(db, ChiSo.Features.Accounts.Actor.Cli());
            var elapsed = watch.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            if (!report.Whole) throw new InvalidOperationException(string.Join("\n", report.Lines()));
            Console.WriteLine($"{provider}: verify run {run}: {report.RowsChecked:N0} rows in {elapsed:0.00} s ({report.RowsChecked / elapsed:N0} rows/s); " +
                $"allocated {(GC.GetTotalAllocatedBytes(true) - allocated) / 1048576.0:N0} MB in all, managed heap at most " +
                $"{(peak - before) / 1048576.0:N1} MB above its {before / 1048576.0:N1} MB start");
        }
    }
}
