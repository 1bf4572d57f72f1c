using ChiSo.Data;
using ChiSo.Features.Backups;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Data;

public abstract class BackupTests(Provider provider)
{
    [Fact]
    public async Task A_backup_holds_the_same_data_and_never_overwrites_an_older_one()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var path = Path.Combine(Path.GetTempPath(), $"chiso-backup-{Guid.NewGuid():N}.bak");
        try
        {
            await using var db = database.NewContext();
            Assert.True(await Backup.WriteAsync(db, path) > 0);
            await Assert.ThrowsAsync<IOException>(() => Backup.WriteAsync(db, path));
            if (provider != Provider.Sqlite) return;
            var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
            DatabaseSetup.ConfigureSqlite(o, $"Data Source={path};Pooling=False");
            await using var copy = new SqliteChiSoDb(o.Options);
            Assert.Equal(await db.PlanTasks.CountAsync(), await copy.PlanTasks.CountAsync());
            Assert.Equal(await db.Results.SumAsync(r => (double)(r.Total ?? 0)), await copy.Results.SumAsync(r => (double)(r.Total ?? 0)));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}

public sealed class BackupSqliteTests() : BackupTests(Provider.Sqlite);

public sealed class BackupPostgresTests() : BackupTests(Provider.Postgres);
