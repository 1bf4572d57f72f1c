using System.Diagnostics;
using ChiSo.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChiSo.Features.Backups;

/// <summary>A consistent copy of the whole database while the app keeps running: SQLite's online backup into a
/// new file, or pg_dump's custom format for PostgreSQL (restore with pg_restore).</summary>
public static class Backup
{
    public static async Task<long> WriteAsync(ChiSoDb db, string path, CancellationToken ct = default)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (File.Exists(full)) throw new IOException($"Tệp {full} đã có; hãy chọn tên khác để không ghi đè bản sao lưu cũ.");
        var connection = db.Database.GetDbConnection();
        switch (connection)
        {
            case SqliteConnection sqlite:
                await using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ConnectionString))
                {
                    await sqlite.OpenAsync(ct);
                    await target.OpenAsync(ct);
                    sqlite.BackupDatabase(target);
                }
                break;
            case NpgsqlConnection pg:
                await DumpAsync(new NpgsqlConnectionStringBuilder(pg.ConnectionString), full, ct);
                break;
            default:
                throw new NotSupportedException($"Không sao lưu được cơ sở dữ liệu loại {connection.GetType().Name}.");
        }
        return new FileInfo(full).Length;
    }

    static async Task DumpAsync(NpgsqlConnectionStringBuilder c, string path, CancellationToken ct)
    {
        var start = new ProcessStartInfo("pg_dump") { RedirectStandardError = true };
        foreach (var a in new[] { "--format=custom", "--no-owner", $"--file={path}", $"--host={c.Host}", $"--port={c.Port}", $"--username={c.Username}", c.Database ?? "" })
            start.ArgumentList.Add(a);
        if (c.Password is { Length: > 0 } password) start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Không chạy được pg_dump.");
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException("pg_dump báo lỗi: " + error.Trim());
    }
}
