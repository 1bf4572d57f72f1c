using ChiSo.Data;
using ChiSo.Features.Backups;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;

namespace ChiSo.Tests.Data;

/// <summary>Database, log, secret, first password, backups and temporary files are readable by the service account alone.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public abstract class FileModesTests(Provider provider)
{
    const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task The_files_the_app_keeps_and_writes_are_owner_only()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var dir = Path.Combine(Path.GetTempPath(), $"chiso-modes-{Guid.NewGuid():N}");
        try
        {
            var connection = database.ConnectionString;
            var data = Path.Combine(dir, ".data");
            if (provider == Provider.Sqlite)
            {
                // The layout an earlier version left: .data and the database readable by everyone (umask 022).
                Directory.CreateDirectory(data);
                new DirectoryInfo(data).UnixFileMode = (UnixFileMode)0b111_101_101;
                var file = Path.Combine(data, "chiso.db");
                File.Copy(new SqliteConnectionStringBuilder(connection).DataSource, file);
                File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
                // Pooled: the app's connections stay open, and with them the -wal and -shm files to look at.
                connection = $"Data Source={file}";
            }
            // SQLite with nothing configured: the secret is made beside the database (PostgreSQL needs one: the tests' stays).
            await using (var app = new ChiSoApp(database, b =>
            {
                b.UseSetting("ConnectionStrings:ChiSo", connection).UseSetting("Database:MigrateOnStartup", "true");
                if (provider == Provider.Sqlite) b.UseSetting(ServerSecret.Setting, "");
            }))
            {
                using var client = app.CreateClient();
                if (provider == Provider.Sqlite)
                {
                    Assert.Equal(OwnerOnlyFiles.FolderMode, new DirectoryInfo(data).UnixFileMode);
                    foreach (var name in new[] { "chiso.db", "chiso.db-wal", "chiso.db-shm", ServerSecret.FileName, "initial-admin-password.txt" })
                        Assert.True(File.Exists(Path.Combine(data, name)) && File.GetUnixFileMode(Path.Combine(data, name)) == OwnerOnly,
                            $"{name}: {(File.Exists(Path.Combine(data, name)) ? File.GetUnixFileMode(Path.Combine(data, name)) : "missing")}");
                }
                // The process's umask: whatever else it writes, by any API, is owner-only too.
                var any = Path.Combine(dir, "bat-ky.txt");
                Directory.CreateDirectory(dir);
                await File.WriteAllTextAsync(any, "x");
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(any));
            }

            await using var db = provider == Provider.Sqlite ? OpenSqlite(connection) : database.NewContext();
            var backup = Path.Combine(dir, "sao-luu", "chiso.bak");
            await Backup.WriteAsync(db, backup);
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(backup));
            Assert.Equal(OwnerOnlyFiles.FolderMode, new DirectoryInfo(Path.GetDirectoryName(backup)!).UnixFileMode);

            var temporary = Path.Combine(Path.GetTempPath(), $"chiso-responses-{Guid.NewGuid():N}.xlsx");
            await using (OwnerOnlyFiles.Create(temporary, FileOptions.DeleteOnClose))
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(temporary));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    static ChiSoDb OpenSqlite(string connection)
    {
        var o = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<SqliteChiSoDb>();
        DatabaseSetup.ConfigureSqlite(o, connection);
        return new SqliteChiSoDb(o.Options);
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModesSqliteTests() : FileModesTests(Provider.Sqlite);

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModesPostgresTests() : FileModesTests(Provider.Postgres);
