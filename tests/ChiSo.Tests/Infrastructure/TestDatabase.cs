using ChiSo.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChiSo.Tests.Infrastructure;

public enum Provider { Sqlite, Postgres }

/// <summary>A fresh database of its own for one test, built from the migrations. A seeded one is copied
/// from a template that is migrated and seeded once per run (file copy on SQLite, CREATE DATABASE ...
/// TEMPLATE on PostgreSQL), so every test starts from the built-in data without paying for seeding.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public Provider Provider { get; }
    public string ConnectionString { get; }
    readonly string? pgName;

    TestDatabase(Provider provider, string connection, string? pgName)
    {
        Provider = provider;
        ConnectionString = connection;
        this.pgName = pgName;
    }

    public string ProviderName => Provider == Provider.Sqlite ? "sqlite" : "postgres";

    /// <summary>The server secret (Security:Secret) every app and CLI run of the tests uses on these databases.</summary>
    public const string ServerSecret = "PpvNtVddhuD4/l91u+0qFq/OETvSyk1yj/12BhRGRjfGmy6r7HH3WMNKM9bHNYLY";

    /// <summary>Set by ./chiso test, which starts Debian's PostgreSQL on a local port.</summary>
    public static string PostgresServer => Environment.GetEnvironmentVariable("CHISO_TEST_PG")
        ?? throw new InvalidOperationException("CHISO_TEST_PG is not set: run the tests with ./chiso test, which starts PostgreSQL.");

    static readonly SemaphoreSlim TemplateLock = new(1, 1);
    static string? sqliteTemplate;
    static bool pgTemplateReady;
    // One template per test process, so that parallel runs (two test projects, two developers) never drop
    // each other's template.
    static readonly string PgTemplate = $"chiso_test_template_{Guid.NewGuid():N}";

    /// <summary>A database of its own: seeded (a copy of the template), or migrated only, or with <paramref name="migrated"/>
    /// false and not seeded, empty as a new server's (the app's start-up migrates it).</summary>
    public static async Task<TestDatabase> CreateAsync(Provider provider, bool seeded = true, bool migrated = true)
    {
        if (seeded) await EnsureTemplateAsync(provider);
        if (provider == Provider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"chiso-test-{Guid.NewGuid():N}.db");
            if (seeded) File.Copy(sqliteTemplate!, file);
            var db = new TestDatabase(provider, $"Data Source={file};Pooling=False", null);
            if (!seeded && migrated) await using (var ctx = db.NewContext()) await ctx.Database.MigrateAsync();
            return db;
        }
        var name = $"chiso_test_{Guid.NewGuid():N}";
        await using (var conn = new NpgsqlConnection(PostgresServer))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(seeded ? $"CREATE DATABASE {name} TEMPLATE {PgTemplate}" : $"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var pg = new TestDatabase(provider, new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name, Pooling = false }.ConnectionString, name);
        if (!seeded && migrated) await using (var ctx = pg.NewContext()) await ctx.Database.MigrateAsync();
        return pg;
    }

    static async Task EnsureTemplateAsync(Provider provider)
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (provider == Provider.Sqlite && sqliteTemplate is null)
            {
                var file = Path.Combine(Path.GetTempPath(), $"chiso-template-{Guid.NewGuid():N}.db");
                var t = new TestDatabase(provider, $"Data Source={file};Pooling=False", null);
                await using (var ctx = t.NewContext()) await BuiltInData.MigrateAndSeedIfEmptyAsync(ctx, TimeProvider.System);
                SqliteConnection.ClearAllPools();
                sqliteTemplate = file;
            }
            if (provider == Provider.Postgres && !pgTemplateReady)
            {
                await using (var conn = new NpgsqlConnection(PostgresServer))
                {
                    await conn.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {PgTemplate}", conn);
                    await create.ExecuteNonQueryAsync();
                }
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DropTemplate();
                var t = new TestDatabase(provider, new NpgsqlConnectionStringBuilder(PostgresServer) { Database = PgTemplate, Pooling = false }.ConnectionString, null);
                await using (var ctx = t.NewContext()) await BuiltInData.MigrateAndSeedIfEmptyAsync(ctx, TimeProvider.System);
                pgTemplateReady = true;
            }
        }
        finally { TemplateLock.Release(); }
    }

    static void DropTemplate()
    {
        try
        {
            using var conn = new NpgsqlConnection(PostgresServer);
            conn.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {PgTemplate} WITH (FORCE)", conn);
            cmd.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // Best effort at exit: the test cluster is thrown away anyway.
        }
    }

    public ChiSoDb NewContext()
    {
        if (Provider == Provider.Sqlite)
        {
            var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
            DatabaseSetup.ConfigureSqlite(o, ConnectionString);
            return new SqliteChiSoDb(o.Options);
        }
        var p = new DbContextOptionsBuilder<PostgresChiSoDb>();
        DatabaseSetup.ConfigurePostgres(p, ConnectionString);
        return new PostgresChiSoDb(p.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == Provider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) if (File.Exists(f)) File.Delete(f);
            return;
        }
        await using var conn = new NpgsqlConnection(PostgresServer);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {pgName} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
