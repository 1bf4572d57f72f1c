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
        OwnerOnlyFiles.CreateFolder(Path.GetDirectoryName(full)!);
        if (File.Exists(full)) throw new IOException($"Tệp {full} đã có; hãy chọn tên khác để không ghi đè bản sao lưu cũ.");
        // Made empty and owner-only first: SQLite and pg_dump then write into it and keep its mode.
        await OwnerOnlyFiles.Create(full).DisposeAsync();
        try
        {
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
        }
        catch
        {
            // A half-written backup must not stay to be mistaken for a good one (nor block the next try under the same name).
            File.Delete(full);
            throw;
        }
        return new FileInfo(full).Length;
    }

    static async Task DumpAsync(NpgsqlConnectionStringBuilder c, string path, CancellationToken ct)
    {
        var run = await RunToolAsync("pg_dump", c, ct, "--format=custom", "--no-owner", $"--file={path}", c.Database ?? "");
        if (run.ExitCode != 0) throw new InvalidOperationException("pg_dump báo lỗi: " + run.Error);
    }

    /// <summary>Runs pg_dump or pg_restore against the server of <paramref name="c"/> (its host, port, user and password);
    /// returns the exit code and what it wrote to stderr.</summary>
    internal static async Task<(int ExitCode, string Error)> RunToolAsync(string tool, NpgsqlConnectionStringBuilder c, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo(Tool(tool)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { $"--host={c.Host}", $"--port={c.Port}", $"--username={c.Username}" }.Concat(args)) start.ArgumentList.Add(a);
        if (c.Password is { Length: > 0 } password) start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Không chạy được {tool}.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = await process.StandardError.ReadToEndAsync(ct);
        await output;
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, error.Trim());
    }

    /// <summary>The tool from PATH, or else from the newest PostgreSQL of Debian's layout (/usr/lib/postgresql/N/bin), where a
    /// server installed without the client wrappers keeps it.</summary>
    static string Tool(string name)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        if (onPath is not null || !Directory.Exists("/usr/lib/postgresql")) return onPath ?? name;
        return Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", name)).Where(File.Exists)
            .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0)
            .FirstOrDefault() ?? name;
    }
}
