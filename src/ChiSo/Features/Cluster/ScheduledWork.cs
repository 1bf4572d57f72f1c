using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChiSo.Features.Cluster;

/// <summary>One run of a scheduled job, and the instance that ran it (docs/decisions/0023-cluster-behind-nginx.md).</summary>
public sealed class ScheduledRun
{
    public long Id { get; set; }
    public required string Job { get; set; }
    public required string Instance { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
    /// <summary>What the job counted (reminders sent, audit rows checked).</summary>
    public long Count { get; set; }
    /// <summary>What the job found wrong (a broken audit chain), or why it failed; null when all went well.</summary>
    public string? Problem { get; set; }
    /// <summary>It threw (the database or the mail server away): the period is not done, the next tick tries again.</summary>
    public bool Failed { get; set; }
}

internal sealed class ScheduledRunConfiguration : IEntityTypeConfiguration<ScheduledRun>
{
    public void Configure(EntityTypeBuilder<ScheduledRun> b)
    {
        b.Property(r => r.Job).HasMaxLength(64);
        b.Property(r => r.Instance).HasMaxLength(128);
        b.Property(r => r.Problem).HasMaxLength(2000);
        b.HasIndex(r => new { r.Job, r.StartedAt });
    }
}

/// <summary>The name an instance goes by in logs, traces, the X-ChiSo-Instance header and <see cref="ScheduledRun"/>:
/// <c>Instance:Name</c>, else the host name and process id.</summary>
public static class InstanceName
{
    public static string Of(IConfiguration configuration) =>
        configuration["Instance:Name"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}";
}

/// <summary>Runs a job on one instance of the cluster at a time, at most once per period. On PostgreSQL the job holds a
/// session advisory lock (<c>pg_try_advisory_lock</c>, on a connection of its own) while it runs: an instance that finds it
/// taken skips this tick, and a dead instance's lock goes with its connection. Under the lock the last recorded run
/// decides whether the period is already done, so two instances ticking a second apart run the job once. On SQLite one
/// process owns the file and simply runs it.</summary>
public sealed class ScheduledWork(IServiceScopeFactory scopes, IConfiguration config, TimeProvider clock, ILogger<ScheduledWork> log)
{
    public string Instance { get; } = InstanceName.Of(config);

    /// <summary>Runs <paramref name="work"/> unless another instance holds the job or ran it less than
    /// <paramref name="every"/> ago; returns the run recorded, or null when skipped.</summary>
    public async Task<ScheduledRun?> RunAsync(string job, TimeSpan every, Func<IServiceProvider, CancellationToken, Task<(long Count, string? Problem)>> work,
        CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        await using var held = await AdvisoryLock.TakeAsync(db, "job:" + job, wait: false, ct);
        if (held is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        // A little short of the period, so a tick that comes a moment early does not skip a whole period.
        var since = now - every * 0.95;
        if (await db.ScheduledRuns.AnyAsync(r => r.Job == job && r.StartedAt > since && !r.Failed, ct)) return null;
        var run = new ScheduledRun { Job = job, Instance = Instance, StartedAt = now };
        try { (run.Count, run.Problem) = await work(scope.ServiceProvider, ct); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            (run.Failed, run.Problem) = (true, e.Message.Length > 2000 ? e.Message[..2000] : e.Message);
            log.LogError(e, "Việc định kỳ {Job} thất bại trên {Instance}.", job, Instance);
        }
        run.FinishedAt = clock.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        db.ScheduledRuns.Add(run);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Việc định kỳ {Job} chạy trên {Instance}: {Count}, {Problem}.", job, Instance, run.Count, run.Problem ?? "ổn");
        return run;
    }
}
