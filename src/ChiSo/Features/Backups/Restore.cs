using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChiSo.Features.Backups;

/// <summary>What <c>./chiso restore</c> did: the database replaced (and where the one it replaced was kept), or refused with
/// the reason and nothing changed.</summary>
public sealed record RestoreOutcome(bool Restored, string Message, string? KeptAs = null)
{
    public static RestoreOutcome Refused(string message) => new(false, message + " Không có gì bị thay đổi.");
}

/// <summary>Puts a backup (<see cref="Backup"/>) in place of the database, after checking it where it cannot harm anything:
/// SQLite checks a private copy (integrity, ChiSo's migrations, the audit readable) and renames it over the database file;
/// PostgreSQL restores into a scratch database, checks it there and renames it in. The database it replaces is kept under a
/// dated name. Refused, with nothing changed, for a damaged or foreign backup, one from a newer ChiSo, or while the database
/// is in use (PostgreSQL: unless forced, which ends the other sessions).</summary>
public static class Restore
{
    /// <param name="db">The configured database (not opened: it is not migrated before it is replaced).</param>
    public static async Task<RestoreOutcome> RunAsync(ChiSoDb db, string backupPath, bool force, TimeProvider clock, CancellationToken ct = default)
    {
        var backup = Path.GetFullPath(backupPath);
        if (!File.Exists(backup)) return RestoreOutcome.Refused($"Không có tệp sao lưu {backup}.");
        if (new FileInfo(backup).Length == 0) return RestoreOutcome.Refused($"Tệp sao lưu {backup} rỗng.");
        var stamp = clock.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var known = db.Database.GetMigrations().ToHashSet();
        var audit = db.Model.FindEntityType(typeof(AuditEntry))!.GetTableName()!;
        return db.Database.GetDbConnection() switch
        {
            SqliteConnection sqlite => await SqliteAsync(new SqliteConnectionStringBuilder(sqlite.ConnectionString).DataSource, backup, known, audit, stamp, ct),
            NpgsqlConnection pg => await PostgresAsync(new NpgsqlConnectionStringBuilder(pg.ConnectionString), backup, force, known, audit, stamp, ct),
            var other => RestoreOutcome.Refused($"Không khôi phục được cơ sở dữ liệu loại {other.GetType().Name}."),
        };
    }

    /// <summary>Why a database is not a good ChiSo database of this build, or null when it is.</summary>
    static async Task<string?> CheckAsync(System.Data.Common.DbConnection c, HashSet<string> known, string audit, CancellationToken ct)
    {
        List<string> applied = [];
        try
        {
            await using var history = c.CreateCommand();
            history.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"";
            await using (var reader = await history.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));
        }
        catch (System.Data.Common.DbException) { return "Bản sao lưu không phải cơ sở dữ liệu ChiSo (không có bảng lịch sử nâng cấp)."; }
        if (applied.Count == 0) return "Bản sao lưu không phải cơ sở dữ liệu ChiSo (lịch sử nâng cấp trống).";
        if (applied.FirstOrDefault(m => !known.Contains(m)) is { } unknown)
            return $"Bản sao lưu được tạo bởi một phiên bản ChiSo khác hoặc mới hơn (có bản nâng cấp {unknown} mà phiên bản này không biết).";
        try
        {
            await using var count = c.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{audit}\"";
            await count.ExecuteScalarAsync(ct);
        }
        catch (System.Data.Common.DbException e) { return $"Không đọc được nhật ký thay đổi trong bản sao lưu: {e.Message}"; }
        return null;
    }

    static async Task<RestoreOutcome> SqliteAsync(string databaseFile, string backup, HashSet<string> known, string audit, string stamp, CancellationToken ct)
    {
        var database = Path.GetFullPath(databaseFile);
        var folder = Path.GetDirectoryName(database)!;
        OwnerOnlyFiles.CreateFolder(folder);
        // The copy that is checked is the copy that is renamed in: the backup file can change after it was checked, this cannot.
        var candidate = Path.Combine(folder, $"{Path.GetFileName(database)}.khoi-phuc-{Guid.NewGuid():N}.tmp");
        SqliteConnection? current = null;
        try
        {
            await using (var from = File.OpenRead(backup))
            await using (var to = OwnerOnlyFiles.Create(candidate))
                await from.CopyToAsync(to, ct);
            if (await CheckSqliteAsync(candidate, known, audit, ct) is { } problem) return RestoreOutcome.Refused(problem);

            string? kept = null;
            if (File.Exists(database))
            {
                // Leaving WAL mode needs the database to itself: it fails while any other connection that has read it (the web app's,
                // even idle in its pool) has it open. Swapping the file under a running app would lose what it writes next, so this is
                // refused even when forced: stop the app first. Then an exclusive lock keeps everyone out until the rename.
                current = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 1 }.ConnectionString);
                await current.OpenAsync(ct);
                try
                {
                    await using var alone = current.CreateCommand();
                    alone.CommandText = "PRAGMA journal_mode = DELETE";
                    if (await alone.ExecuteScalarAsync(ct) is not "delete") throw new SqliteException("busy", 5);
                    await ExecuteAsync(current, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; SELECT COUNT(*) FROM sqlite_master; COMMIT", ct);
                }
                catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
                {
                    return RestoreOutcome.Refused("Cơ sở dữ liệu đang được dùng (ứng dụng web hoặc một lệnh khác đang mở nó): hãy dừng ứng dụng rồi khôi phục.");
                }
                kept = $"{database}.truoc-khoi-phuc-{stamp}";
                await OwnerOnlyFiles.Create(kept).DisposeAsync();
                try
                {
                    await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = kept, Pooling = false }.ConnectionString);
                    await copy.OpenAsync(ct);
                    current.BackupDatabase(copy);
                }
                catch
                {
                    File.Delete(kept);
                    throw;
                }
            }
            // One rename: the database file is the old one or the new one, never half of each.
            File.Move(candidate, database, overwrite: true);
            // A log or index of the old file beside the new one would be replayed into it.
            File.Delete(database + "-wal");
            File.Delete(database + "-shm");
            return new RestoreOutcome(true, kept is null ? $"Đã khôi phục {database} từ {backup}." :
                $"Đã khôi phục {database} từ {backup}. Cơ sở dữ liệu trước đó được giữ ở {kept}.", kept);
        }
        finally
        {
            if (current is not null) await current.DisposeAsync();
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { candidate, candidate + "-wal", candidate + "-shm" }) File.Delete(f);
        }
    }

    static async Task<string?> CheckSqliteAsync(string file, HashSet<string> known, string audit, CancellationToken ct)
    {
        try
        {
            await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            await c.OpenAsync(ct);
            await using var integrity = c.CreateCommand();
            integrity.CommandText = "PRAGMA integrity_check";
            var verdict = (string?)await integrity.ExecuteScalarAsync(ct);
            if (verdict != "ok") return $"Tệp sao lưu bị hỏng (kiểm tra toàn vẹn của SQLite: {verdict}).";
            return await CheckAsync(c, known, audit, ct);
        }
        catch (SqliteException e) { return $"Tệp sao lưu không phải cơ sở dữ liệu SQLite đọc được ({e.Message})."; }
    }

    static async Task ExecuteAsync(System.Data.Common.DbConnection c, string sql, CancellationToken ct)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    static async Task<RestoreOutcome> PostgresAsync(NpgsqlConnectionStringBuilder target, string backup, bool force, HashSet<string> known, string audit,
        string stamp, CancellationToken ct)
    {
        var name = target.Database ?? throw new InvalidOperationException("ConnectionStrings:ChiSo không có Database.");
        var listed = await Backup.RunToolAsync("pg_restore", target, ct, "--list", backup);
        if (listed.ExitCode != 0) return RestoreOutcome.Refused($"Tệp không phải bản sao lưu pg_dump đọc được ({listed.Error}).");

        var compact = stamp.Replace("-", "", StringComparison.Ordinal);
        var scratch = Fit(name, "_kp_" + compact);
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var admin = new NpgsqlConnection(maintenance.ConnectionString);
        await admin.OpenAsync(ct);
        await ExecuteAsync(admin, $"CREATE DATABASE {Quote(scratch)}", ct);
        var swapped = false;
        try
        {
            var restored = await Backup.RunToolAsync("pg_restore", target, ct, "--no-owner", "--exit-on-error", "--single-transaction", $"--dbname={scratch}", backup);
            if (restored.ExitCode != 0) return RestoreOutcome.Refused($"Bản sao lưu không khôi phục được trọn vẹn ({restored.Error}).");
            await using (var check = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = scratch, Pooling = false }.ConnectionString))
            {
                await check.OpenAsync(ct);
                if (await CheckAsync(check, known, audit, ct) is { } problem) return RestoreOutcome.Refused(problem);
            }

            await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @n)", admin) { Parameters = { new("n", name) } };
            string? kept = null;
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                await using var sessions = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = @n AND pid <> pg_backend_pid()", admin) { Parameters = { new("n", name) } };
                var pids = new List<int>();
                await using (var reader = await sessions.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct)) pids.Add(reader.GetInt32(0));
                if (pids.Count > 0 && !force)
                    return RestoreOutcome.Refused($"Có {pids.Count} phiên đang kết nối tới cơ sở dữ liệu {name} (ứng dụng đang chạy?): hãy dừng ứng dụng, " +
                        "hoặc dùng --force để ngắt các phiên đó.");
                foreach (var pid in pids)
                {
                    // Waits (up to 5 s) until the session has gone: a database is renamed only when nobody is connected.
                    await using var end = new NpgsqlCommand("SELECT pg_terminate_backend(@p, 5000)", admin) { Parameters = { new("p", pid) } };
                    await end.ExecuteScalarAsync(ct);
                }
                kept = Fit(name, "_truoc_" + compact);
                await ExecuteAsync(admin, $"ALTER DATABASE {Quote(name)} RENAME TO {Quote(kept)}", ct);
            }
            try { await ExecuteAsync(admin, $"ALTER DATABASE {Quote(scratch)} RENAME TO {Quote(name)}", ct); }
            catch (NpgsqlException) when (kept is not null)
            {
                await ExecuteAsync(admin, $"ALTER DATABASE {Quote(kept)} RENAME TO {Quote(name)}", ct);
                throw;
            }
            swapped = true;
            return new RestoreOutcome(true, kept is null ? $"Đã khôi phục cơ sở dữ liệu {name} từ {backup}." :
                $"Đã khôi phục cơ sở dữ liệu {name} từ {backup}. Cơ sở dữ liệu trước đó được giữ với tên {kept}.", kept);
        }
        finally
        {
            if (!swapped) await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {Quote(scratch)} WITH (FORCE)", CancellationToken.None);
        }
    }

    // PostgreSQL cuts names at 63 bytes: the suffix (what tells the databases apart) is kept whole.
    static string Fit(string name, string suffix) => name[..Math.Min(name.Length, 63 - suffix.Length)] + suffix;

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
