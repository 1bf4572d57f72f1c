using System.Security.Cryptography;
using ChiSo.Data;
using ChiSo.Features.Backups;
using ChiSo.Tests.Infrastructure;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChiSo.Tests.Data;

/// <summary>./chiso restore: a good backup replaces the database and the old one is kept; a damaged or foreign one, or a
/// database in use, is refused with nothing changed.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public abstract class RestoreTests(Provider provider)
{
    static async Task<int> RoundsAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        return await db.SurveyRounds.CountAsync();
    }

    static async Task AddRoundAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
    }

    static async Task<RestoreOutcome> RestoreAsync(TestDatabase database, string backup, bool force = false)
    {
        await using var db = database.NewContext();
        var outcome = await Restore.RunAsync(db, backup, force, TimeProvider.System);
        SqliteConnection.ClearAllPools();
        return outcome;
    }

    static async Task BackupAsync(TestDatabase database, string path)
    {
        await using var db = database.NewContext();
        await Backup.WriteAsync(db, path);
        SqliteConnection.ClearAllPools();
    }

    string SqliteFile(TestDatabase database) => new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;

    /// <summary>What says the database is unchanged: the file's bytes (SQLite), and no copy or scratch database left behind.</summary>
    async Task<string> StateAsync(TestDatabase database)
    {
        if (provider == Provider.Sqlite)
        {
            var file = SqliteFile(database);
            var left = Directory.GetFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + ".*");
            return Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(file))) + " " + string.Join(",", left);
        }
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        await using var c = new NpgsqlConnection(TestDatabase.PostgresServer);
        await c.OpenAsync();
        await using var list = new NpgsqlCommand("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE @n", c) { Parameters = { new("n", name + "%") } };
        return $"{await list.ExecuteScalarAsync()} {await RoundsAsync(database)}";
    }

    static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"chiso-restore-{Guid.NewGuid():N}-{name}");

    async Task DropKeptAsync(TestDatabase database, string? kept)
    {
        if (kept is null) return;
        if (provider == Provider.Sqlite)
        {
            foreach (var f in new[] { kept, kept + "-wal", kept + "-shm" }) File.Delete(f);
            return;
        }
        await using var c = new NpgsqlConnection(TestDatabase.PostgresServer);
        await c.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{kept}\" WITH (FORCE)", c);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_good_backup_replaces_the_database_and_the_one_it_replaced_is_kept_under_a_dated_name()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await AddRoundAsync(database);
        var rounds = await RoundsAsync(database);
        var backup = Temp("good.bak");
        RestoreOutcome? outcome = null;
        try
        {
            await BackupAsync(database, backup);
            await AddRoundAsync(database);   // after the backup: gone once it is restored, kept in the dated copy

            outcome = await RestoreAsync(database, backup);

            Assert.True(outcome.Restored, outcome.Message);
            Assert.Contains("Đã khôi phục", outcome.Message);
            Assert.Equal(rounds, await RoundsAsync(database));
            Assert.NotNull(outcome.KeptAs);
            if (provider == Provider.Sqlite)
            {
                Assert.Equal(OwnerOnlyFiles.Mode, File.GetUnixFileMode(SqliteFile(database)));
                Assert.Equal(OwnerOnlyFiles.Mode, File.GetUnixFileMode(outcome.KeptAs));
                Assert.False(File.Exists(SqliteFile(database) + "-wal"));
                await using var kept = new SqliteConnection($"Data Source={outcome.KeptAs};Mode=ReadOnly;Pooling=False");
                await kept.OpenAsync();
                await using var count = new SqliteCommand("SELECT COUNT(*) FROM \"SurveyRounds\"", kept);
                Assert.Equal(rounds + 1, Convert.ToInt32(await count.ExecuteScalarAsync()));
            }
            else
            {
                await using var kept = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = outcome.KeptAs }.ConnectionString);
                await kept.OpenAsync();
                await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM \"SurveyRounds\"", kept);
                Assert.Equal(rounds + 1, Convert.ToInt32(await count.ExecuteScalarAsync()));
            }
            // The restored database is a working ChiSo database of this build.
            await using var db = database.NewContext();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            File.Delete(backup);
            SqliteConnection.ClearAllPools();
            await DropKeptAsync(database, outcome?.KeptAs);
        }
    }

    [Fact]
    public async Task An_empty_a_random_a_truncated_a_foreign_or_a_newer_backup_is_refused_and_nothing_changes()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var good = Temp("good.bak");
        var files = new List<string> { good };
        try
        {
            await BackupAsync(database, good);
            var bytes = await File.ReadAllBytesAsync(good);
            string Write(string name, byte[] content)
            {
                var path = Temp(name);
                File.WriteAllBytes(path, content);
                files.Add(path);
                return path;
            }
            var cases = new Dictionary<string, string>
            {
                ["rỗng"] = Write("empty.bak", []),
                ["ngẫu nhiên"] = Write("random.bak", RandomNumberGenerator.GetBytes(64 * 1024)),
                ["cắt cụt"] = Write("truncated.bak", bytes[..(bytes.Length / 2)]),
                ["không phải ChiSo"] = await ForeignAsync(files),
                ["phiên bản mới hơn"] = await NewerAsync(database, files),
            };
            var before = await StateAsync(database);
            foreach (var (name, path) in cases)
            {
                var outcome = await RestoreAsync(database, path);
                Assert.False(outcome.Restored, $"{name}: {outcome.Message}");
                Assert.EndsWith("Không có gì bị thay đổi.", outcome.Message);
                Assert.True(before == await StateAsync(database), $"{name} changed something: {outcome.Message}");
            }
        }
        finally
        {
            foreach (var f in files) File.Delete(f);
        }
    }

    /// <summary>A backup of a database that is not ChiSo's.</summary>
    async Task<string> ForeignAsync(List<string> files)
    {
        var path = Temp("foreign.bak");
        files.Add(path);
        if (provider == Provider.Sqlite)
        {
            await using var c = new SqliteConnection($"Data Source={path};Pooling=False");
            await c.OpenAsync();
            await using var create = new SqliteCommand("CREATE TABLE hoa_don (so TEXT); INSERT INTO hoa_don VALUES ('HD-1')", c);
            await create.ExecuteNonQueryAsync();
            return path;
        }
        var name = $"chiso_test_foreign_{Guid.NewGuid():N}";
        await using var server = new NpgsqlConnection(TestDatabase.PostgresServer);
        await server.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", server)) await create.ExecuteNonQueryAsync();
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer) { Database = name, Pooling = false }.ConnectionString;
            await using (var c = new NpgsqlConnection(connection))
            {
                await c.OpenAsync();
                await using var table = new NpgsqlCommand("CREATE TABLE hoa_don (so text); INSERT INTO hoa_don VALUES ('HD-1')", c);
                await table.ExecuteNonQueryAsync();
            }
            var o = new DbContextOptionsBuilder<PostgresChiSoDb>();
            DatabaseSetup.ConfigurePostgres(o, connection);
            File.Delete(path);
            await using var db = new PostgresChiSoDb(o.Options);
            await Backup.WriteAsync(db, path);
        }
        finally
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
        }
        return path;
    }

    /// <summary>A backup whose migration history has a migration this build does not know (made by a later ChiSo).</summary>
    static async Task<string> NewerAsync(TestDatabase database, List<string> files)
    {
        var path = Temp("newer.bak");
        files.Add(path);
        await using var db = database.NewContext();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('29991231000000_TuongLai', '10.0.0')");
        await Backup.WriteAsync(db, path);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = '29991231000000_TuongLai'");
        SqliteConnection.ClearAllPools();
        return path;
    }

    [Fact]
    public async Task A_database_in_use_is_not_replaced_unless_forced_on_PostgreSQL()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var backup = Temp("good.bak");
        RestoreOutcome? outcome = null;
        try
        {
            await BackupAsync(database, backup);
            await using var other = database.NewContext();   // another session that has read the database: the web app, say
            await other.Database.OpenConnectionAsync();
            await other.Units.AnyAsync();
            var before = await StateAsync(database);

            var refused = await RestoreAsync(database, backup);
            Assert.False(refused.Restored);
            Assert.Contains(provider == Provider.Sqlite ? "đang được dùng" : "phiên đang kết nối", refused.Message);
            Assert.Equal(before, await StateAsync(database));

            outcome = await RestoreAsync(database, backup, force: true);
            // SQLite cannot end another process's connection, and swapping the file under it would lose its writes: refused even so.
            Assert.Equal(provider == Provider.Postgres, outcome.Restored);
            if (provider == Provider.Postgres) await Assert.ThrowsAnyAsync<Exception>(() => other.Units.AnyAsync());
        }
        finally
        {
            File.Delete(backup);
            SqliteConnection.ClearAllPools();
            await DropKeptAsync(database, outcome?.KeptAs);
        }
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RestoreSqliteTests() : RestoreTests(Provider.Sqlite);

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RestorePostgresTests() : RestoreTests(Provider.Postgres);
