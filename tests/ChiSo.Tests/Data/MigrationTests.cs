using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Data;

public abstract class MigrationTests(Provider provider)
{
    [Fact]
    public async Task An_empty_database_migrates_to_the_latest_migration()
    {
        await using var database = await TestDatabase.CreateAsync(provider, seeded: false);
        await using var db = database.NewContext();

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // Every table the model maps answers a query.
        Assert.False(await db.Units.AnyAsync());
        Assert.False(await db.Frameworks.AnyAsync());
        Assert.False(await db.Audit.AnyAsync());
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        await using var database = await TestDatabase.CreateAsync(provider, seeded: false);
        await using var db = database.NewContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model differs from the {provider} migrations: run ./chiso dev add-migration Name.");
    }

    [Fact]
    public async Task Migrating_again_is_a_no_op()
    {
        await using var database = await TestDatabase.CreateAsync(provider, seeded: false);
        await using var db = database.NewContext();

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }
}

public sealed class MigrationSqliteTests() : MigrationTests(Provider.Sqlite);

public sealed class MigrationPostgresTests() : MigrationTests(Provider.Postgres);
