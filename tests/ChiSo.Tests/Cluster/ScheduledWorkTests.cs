using System.Net;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Cluster;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChiSo.Tests.Cluster;

/// <summary>A job through <see cref="ScheduledWork"/>, as two instances run it on one database: once per period, recorded
/// with the instance that ran it; on PostgreSQL an instance that finds the job running elsewhere skips it.</summary>
public abstract class ScheduledWorkTests(Provider provider)
{
    protected static (ScheduledWork Work, ServiceProvider Services) Instance(TestDatabase database, string name)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.ProviderName,
            ["ConnectionStrings:ChiSo"] = database.ConnectionString,
            ["Security:Secret"] = TestDatabase.ServerSecret,
            ["Instance:Name"] = name,
        }).Build();
        var services = new ServiceCollection().AddChiSoData(config).BuildServiceProvider();
        return (new ScheduledWork(services.GetRequiredService<IServiceScopeFactory>(), config, TimeProvider.System, NullLogger<ScheduledWork>.Instance), services);
    }

    [Fact]
    public async Task A_job_runs_once_per_period_and_says_which_instance_ran_it()
    {
        await using var database = await TestDatabase.CreateAsync(provider, seeded: false);
        var (a, sa) = Instance(database, "app1");
        var (b, sb) = Instance(database, "app2");
        await using var _ = sa;
        await using var __ = sb;
        var runs = 0;
        Task<(long, string?)> Job(IServiceProvider sp, CancellationToken ct) => Task.FromResult(((long)Interlocked.Increment(ref runs), (string?)null));

        var first = await a.RunAsync("test-job", TimeSpan.FromHours(1), Job, default);
        Assert.Equal("app1", first?.Instance);
        Assert.Null(await b.RunAsync("test-job", TimeSpan.FromHours(1), Job, default));
        Assert.Null(await a.RunAsync("test-job", TimeSpan.FromHours(1), Job, default));
        Assert.Equal(1, runs);

        // A failed run does not count: the next tick (here on the other instance) runs the job.
        await b.RunAsync("other-job", TimeSpan.FromHours(1), (_, _) => throw new IOException("máy chủ thư không trả lời"), default);
        Assert.Equal("app1", (await a.RunAsync("other-job", TimeSpan.FromHours(1), Job, default))?.Instance);
        await using var db = database.NewContext();
        var recorded = await db.ScheduledRuns.OrderBy(r => r.Id).Select(r => new { r.Job, r.Instance, r.Failed, r.Problem }).ToListAsync();
        Assert.Equal([("test-job", "app1", false), ("other-job", "app2", true), ("other-job", "app1", false)],
            recorded.Select(r => (r.Job, r.Instance, r.Failed)));
        Assert.Equal("máy chủ thư không trả lời", recorded[1].Problem);
    }
}

public sealed class ScheduledWorkSqliteTests() : ScheduledWorkTests(Provider.Sqlite);

public sealed class ScheduledWorkPostgresTests() : ScheduledWorkTests(Provider.Postgres)
{
    /// <summary>Every line logged, with its level and category, from any number of hosts at once.</summary>
    sealed class Levels : ILoggerProvider
    {
        readonly List<(LogLevel Level, string Category, string Message)> lines = [];

        public List<string> AtLeast(LogLevel level)
        {
            lock (lines) return [.. lines.Where(l => l.Level >= level).Select(l => $"{l.Level} {l.Category}: {l.Message}")];
        }

        public List<string> Messages(LogLevel level)
        {
            lock (lines) return [.. lines.Where(l => l.Level == level).Select(l => l.Message)];
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        sealed class Logger(Levels owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.lines) owner.lines.Add((logLevel, category, formatter(state, exception) + (exception is null ? "" : " — " + exception.Message)));
            }
        }
    }

    [Fact]
    public async Task Instances_making_a_missing_database_at_once_make_it_once_and_log_no_error()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Postgres, seeded: false, migrated: false);
        await using (var gone = database.NewContext()) await gone.Database.EnsureDeletedAsync();
        using var logs = new Levels();
        var log = logs.CreateLogger("start-up");

        var made = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => AdvisoryLock.EnsureDatabaseAsync(database.ConnectionString, log, default))));
        Assert.Equal(1, made.Count(m => m));
        Assert.False(await AdvisoryLock.EnsureDatabaseAsync(database.ConnectionString, log, default));
        Assert.Empty(logs.AtLeast(LogLevel.Warning));
        Assert.Single(logs.Messages(LogLevel.Information), m => m.StartsWith("Made the PostgreSQL database", StringComparison.Ordinal));
        await using var db = database.NewContext();
        Assert.True(await db.Database.CanConnectAsync());
    }

    [Fact]
    public async Task While_one_instance_runs_a_job_the_other_skips_it()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Postgres, seeded: false);
        var (a, sa) = Instance(database, "app1");
        var (b, sb) = Instance(database, "app2");
        await using var _ = sa;
        await using var __ = sb;
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var running = a.RunAsync("long-job", TimeSpan.FromSeconds(1), async (_, _) =>
        {
            started.SetResult();
            await release.Task;
            return (1, null);
        }, default);
        await started.Task;
        // Its period is over, but the lock is held: skipped, not run beside it.
        await Task.Delay(1100);
        Assert.Null(await b.RunAsync("long-job", TimeSpan.FromSeconds(1), (_, _) => Task.FromResult((2L, (string?)null)), default));
        release.SetResult();
        Assert.Equal("app1", (await running)?.Instance);
        await using var db = database.NewContext();
        Assert.Equal(["app1"], await db.ScheduledRuns.Select(r => r.Instance).ToListAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Two_instances_starting_at_once_on_an_empty_database_migrate_and_seed_it_once(bool databaseMade)
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Postgres, seeded: false, migrated: false);
        // A server whose database was never made (only the connection string names it): the instances make it.
        if (!databaseMade) await using (var gone = database.NewContext()) await gone.Database.EnsureDeletedAsync();
        await using var reference = await TestDatabase.CreateAsync(Provider.Postgres);
        var logs = new Levels();
        ChiSoApp Instance(string name) => new(database, b => b
            .UseSetting("Database:MigrateOnStartup", "true")
            .UseSetting("Accounts:InitialAdminPassword", ChiSoApp.TestPassword)
            .UseSetting("Instance:Name", name)
            .ConfigureLogging(l => l.AddProvider(logs)));
        await using var a = Instance("app1");
        await using var b = Instance("app2");

        // Both hosts start (migrate, seed, first admin) at the same moment; neither fails, nor logs an error for the race.
        await Task.WhenAll(Task.Run(() => a.Services), Task.Run(() => b.Services));
        Assert.True(logs.AtLeast(LogLevel.Error) is [], string.Join("\n", logs.AtLeast(LogLevel.Error)));

        await using var db = database.NewContext();
        await using var seeded = reference.NewContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal([AccountsSetup.FirstAdmin], await db.Users.Select(u => u.UserName!).ToListAsync());
        // The built-in data once: as many rows as the template's single seeding made, and no key twice.
        Assert.Equal(await seeded.Units.CountAsync(), await db.Units.CountAsync());
        Assert.Equal(await seeded.Units.Select(u => u.Code).Distinct().CountAsync(), await db.Units.Select(u => u.Code).Distinct().CountAsync());
        Assert.Equal(await seeded.Frameworks.CountAsync(), await db.Frameworks.CountAsync());
        Assert.Equal(await seeded.Plans.CountAsync(), await db.Plans.CountAsync());
        Assert.Equal(await seeded.Roles.CountAsync(), await db.Roles.CountAsync());
        Assert.True(await db.Plans.CountAsync() > 0);
        // Both serve.
        Assert.Equal(HttpStatusCode.OK, (await a.AnonymousClient().GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.AnonymousClient().GetAsync("/readyz")).StatusCode);
    }
}
