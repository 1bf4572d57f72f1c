using System.Security.Cryptography;
using System.Text;
using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChiSo.Features.Cluster;

/// <summary>A PostgreSQL session advisory lock held on an unpooled connection of its own: it lives as long as that connection,
/// so an instance that dies releases it with its session, and no pooled connection is ever handed on still holding it. On
/// SQLite one process owns the file and there is nothing to lock.</summary>
public static class AdvisoryLock
{
    /// <summary>Start-up's migration, seeding and first admin, one instance at a time.</summary>
    public const string Startup = "startup";

    /// <summary>A stable 64-bit key per name (SHA-256 of "chiso:" + name), apart from the audit chain's lock.</summary>
    public static long Key(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("chiso:" + name)), 0);

    /// <summary>Takes the lock named <paramref name="name"/>; with <paramref name="wait"/> waits for it (as long as it takes,
    /// until <paramref name="ct"/>), else gives null at once when another session holds it. Disposing releases it.</summary>
    public static async Task<IAsyncDisposable?> TakeAsync(ChiSoDb db, string name, bool wait, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return new Nothing();
        var cs = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString;
        var conn = new NpgsqlConnection(cs);
        try
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock(@k)" : "SELECT pg_try_advisory_lock(@k)", conn);
            cmd.Parameters.AddWithValue("k", Key(name));
            // The wait is the other holder's work (a first migration and seeding can take minutes on a busy machine).
            if (wait) cmd.CommandTimeout = 0;
            // Closing the unpooled connection ends the session, which releases the lock even if no unlock is ever sent.
            if (await cmd.ExecuteScalarAsync(ct) is not false) return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
        await conn.DisposeAsync();
        return null;
    }

    /// <summary>Makes the PostgreSQL database if it does not exist yet: the start-up lock lives in it, so it must exist before
    /// the lock is taken (EF's migration would make it, but only once under the lock). Asked and made over a connection of its
    /// own to the server's maintenance database rather than through EF, which would log the expected race below at Error.</summary>
    public static async Task EnsureDatabaseAsync(ChiSoDb db, ILogger log, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        await EnsureDatabaseAsync(db.Database.GetConnectionString()!, log, ct);
    }

    /// <summary>True when this call made the database. Instances racing to make it: the one that loses gets 42P04 (or a unique
    /// violation in the catalogue), finds it made, and says so at Information: nothing went wrong.</summary>
    public static async Task<bool> EnsureDatabaseAsync(string connectionString, ILogger log, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var name = target.Database ?? throw new InvalidOperationException("ConnectionStrings:ChiSo không có Database.");
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var admin = new NpgsqlConnection(maintenance.ConnectionString);
        await admin.OpenAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @n)", admin) { Parameters = { new("n", name) } })
            if ((bool)(await exists.ExecuteScalarAsync(ct))!) return false;
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Backups.Restore.Quote(name)}", admin);
            await create.ExecuteNonQueryAsync(ct);
            log.LogInformation("Made the PostgreSQL database {Database}.", name);
            return true;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            log.LogInformation("The PostgreSQL database {Database} was made meanwhile by another instance ({SqlState}).", name, e.SqlState);
            return false;
        }
    }

    sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
