using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Data;

/// <summary>Which database the app uses: <c>Database:Provider</c> is "sqlite" (default, a file under
/// .data/) or "postgres", with <c>ConnectionStrings:ChiSo</c>.</summary>
public static class DatabaseSetup
{
    public const string DefaultSqlite = "Data Source=.data/chiso.db";

    /// <summary>The key of the context that read-only statistics endpoints take (<c>[FromKeyedServices(DatabaseSetup.Read)]</c>):
    /// <c>ConnectionStrings:Read</c> when set (a streaming replica, bench/nation), else the one database. Only reads that may
    /// lag the primary by the replica's delay take it: a round's scores, its progress and its response list; pages, rules and
    /// every write stay on <c>ConnectionStrings:ChiSo</c>.</summary>
    public const string Read = "read";

    public static string Provider(IConfiguration config) => (config["Database:Provider"] ?? "sqlite").ToLowerInvariant();

    /// <summary>The SQLite database file the configuration names (the default .data/chiso.db when none).</summary>
    public static string SqliteFile(IConfiguration config) =>
        new SqliteConnectionStringBuilder(config.GetConnectionString("ChiSo") ?? DefaultSqlite).DataSource;

    /// <summary>The database (per provider) and the server secret, which lives outside it (<see cref="ServerSecret"/>): loaded on
    /// first use, so a host resolves it at start to fail there when it is missing.</summary>
    public static IServiceCollection AddChiSoData(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(_ => ServerSecret.Load(config));
        services.AddSingleton<Features.Surveys.SurveyMarkers>();
        var provider = Provider(config);
        var connection = config.GetConnectionString("ChiSo");
        var read = config.GetConnectionString("Read") is { Length: > 0 } r ? r : null;
        switch (provider)
        {
            case "sqlite":
                connection ??= DefaultSqlite;
                EnsureSqliteFolder(connection);
                services.AddDbContext<SqliteChiSoDb>(o => ConfigureSqlite(o, connection));
                services.AddScoped<ChiSoDb>(sp => sp.GetRequiredService<SqliteChiSoDb>());
                if (read is not null)
                {
                    var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
                    ConfigureSqlite(o, read);
                    services.AddKeyedScoped<ChiSoDb>(Read, (_, _) => new SqliteChiSoDb(o.Options));
                }
                break;
            case "postgres":
                if (string.IsNullOrWhiteSpace(connection))
                    throw new InvalidOperationException("Database:Provider is postgres but ConnectionStrings:ChiSo is empty.");
                services.AddDbContext<PostgresChiSoDb>(o => ConfigurePostgres(o, connection));
                services.AddScoped<ChiSoDb>(sp => sp.GetRequiredService<PostgresChiSoDb>());
                if (read is not null)
                {
                    var o = new DbContextOptionsBuilder<PostgresChiSoDb>();
                    ConfigurePostgres(o, read);
                    services.AddKeyedScoped<ChiSoDb>(Read, (_, _) => new PostgresChiSoDb(o.Options));
                }
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{provider}' (sqlite or postgres).");
        }
        if (read is null) services.AddKeyedScoped<ChiSoDb>(Read, (sp, _) => sp.GetRequiredService<ChiSoDb>());
        return services;
    }

    // Both hosts (through AddChiSoData), the tests and the design-time factories configure the context here, so all of
    // them save text in NFC.
    public static void ConfigureSqlite(DbContextOptionsBuilder o, string connection) =>
        o.UseSqlite(connection, s => s.MigrationsAssembly(typeof(ChiSoDb).Assembly.FullName)).AddInterceptors(NfcInterceptor.Instance, QueryTimings.Instance);

    public static void ConfigurePostgres(DbContextOptionsBuilder o, string connection) =>
        o.UseNpgsql(connection, s => s.MigrationsAssembly(typeof(ChiSoDb).Assembly.FullName)).AddInterceptors(NfcInterceptor.Instance, QueryTimings.Instance);

    /// <summary>SQLite: write-ahead logging (docs/decisions/0012). Readers (scores, progress, exports) then never block the
    /// intake's writer nor it them, and a commit appends to the log instead of rewriting pages through a rollback journal.
    /// The mode is kept in the database file, so setting it after each migration is enough. Nothing to do on PostgreSQL.</summary>
    public static async Task UseWriteAheadLogAsync(ChiSoDb db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL", ct);
    }

    static void EnsureSqliteFolder(string connection)
    {
        var builder = new SqliteConnectionStringBuilder(connection);
        var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(dir) && builder.DataSource != ":memory:") OwnerOnlyFiles.CreateFolder(dir);
    }
}

// Design-time factories: `dotnet ef migrations add X --context SqliteChiSoDb` (or PostgresChiSoDb) uses these.
internal sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteChiSoDb>
{
    public SqliteChiSoDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
        DatabaseSetup.ConfigureSqlite(o, "Data Source=design.db");
        return new SqliteChiSoDb(o.Options);
    }
}

internal sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresChiSoDb>
{
    public PostgresChiSoDb CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<PostgresChiSoDb>();
        DatabaseSetup.ConfigurePostgres(o, "Host=localhost;Database=chiso_design");
        return new PostgresChiSoDb(o.Options);
    }
}
