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

    public static IServiceCollection AddChiSoData(this IServiceCollection services, IConfiguration config)
    {
        var provider = (config["Database:Provider"] ?? "sqlite").ToLowerInvariant();
        var connection = config.GetConnectionString("ChiSo");
        switch (provider)
        {
            case "sqlite":
                connection ??= DefaultSqlite;
                EnsureSqliteFolder(connection);
                services.AddDbContext<SqliteChiSoDb>(o => ConfigureSqlite(o, connection));
                services.AddScoped<ChiSoDb>(sp => sp.GetRequiredService<SqliteChiSoDb>());
                break;
            case "postgres":
                if (string.IsNullOrWhiteSpace(connection))
                    throw new InvalidOperationException("Database:Provider is postgres but ConnectionStrings:ChiSo is empty.");
                services.AddDbContext<PostgresChiSoDb>(o => ConfigurePostgres(o, connection));
                services.AddScoped<ChiSoDb>(sp => sp.GetRequiredService<PostgresChiSoDb>());
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{provider}' (sqlite or postgres).");
        }
        return services;
    }

    // Both hosts (through AddChiSoData), the tests and the design-time factories configure the context here, so all of
    // them save text in NFC.
    public static void ConfigureSqlite(DbContextOptionsBuilder o, string connection) =>
        o.UseSqlite(connection, s => s.MigrationsAssembly(typeof(ChiSoDb).Assembly.FullName)).AddInterceptors(NfcInterceptor.Instance);

    public static void ConfigurePostgres(DbContextOptionsBuilder o, string connection) =>
        o.UseNpgsql(connection, s => s.MigrationsAssembly(typeof(ChiSoDb).Assembly.FullName)).AddInterceptors(NfcInterceptor.Instance);

    /// <summary>SQLite: write-ahead logging (docs/decisions/0012). Readers (scores, progress, exports) then never block the
    /// intake's writer nor it them, and a commit appends to the log instead of rewriting pages through a rollback journal.
    /// The mode is kept in the database file, so setting it after each migration is enough. Nothing to do on PostgreSQL.</summary>
    public static async Task UseWriteAheadLogAsync(ChiSoDb db, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL", ct);
    }

    static void EnsureSqliteFolder(string connection)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connection);
        var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(dir) && builder.DataSource != ":memory:") Directory.CreateDirectory(dir);
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
