using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Notifications;
using ChiSo.Features.Plans;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChiSo.Features.Cluster;

/// <summary>The web app's scheduled work, on every instance, each job through <see cref="ScheduledWork"/> so that the cluster
/// runs it once per period: the e-mail reminders and notices (every half hour, <c>Notifications:Every</c>) (hourly, only when <c>Smtp:Host</c> is set; <c>Reminders:Every</c>) and the
/// audit chain's checkpoint (daily, <c>Audit:CheckpointEvery</c>: the whole chain verified, its head recorded with the run).
/// <c>Scheduler:Tick</c> (default a minute) is how often each instance looks.</summary>
public sealed class Scheduler(ScheduledWork work, IConfiguration config, TimeProvider clock, ILogger<Scheduler> log) : BackgroundService
{
    public const string Reminders = "reminders";
    public const string AuditCheckpoint = "audit-checkpoint";
    public const string Notices = "notices";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var jobs = new List<(string Name, TimeSpan Every, Func<IServiceProvider, CancellationToken, Task<(long, string?)>> Run)>
        {
            (AuditCheckpoint, config.GetValue("Audit:CheckpointEvery", TimeSpan.FromDays(1)), CheckpointAsync),
        };
        if (!string.IsNullOrWhiteSpace(config["Smtp:Host"]))
        {
            jobs.Add((Reminders, config.GetValue("Reminders:Every", TimeSpan.FromHours(1)),
                async (sp, ct) => (await sp.GetRequiredService<RemindersMailer>().RunOnceAsync(ct), null)));
            jobs.Add((Notices, config.GetValue("Notifications:Every", TimeSpan.FromMinutes(30)),
                async (sp, ct) => (await sp.GetRequiredService<NoticeMailer>().RunOnceAsync(ct), null)));
        }
        using var timer = new PeriodicTimer(config.GetValue("Scheduler:Tick", TimeSpan.FromMinutes(1)), clock);
        // The first look a tick after the start: the start itself (migrations, seeding, warm-up) stays short, and a test
        // host that lives a few seconds runs no job.
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var job in jobs)
            {
                try { await work.RunAsync(job.Name, job.Every, job.Run, stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database away (a restart, a failover): the next tick tries again; the app keeps serving.
                    log.LogWarning(e, "Việc định kỳ {Job} chưa chạy được trên {Instance}; thử lại ở lượt sau.", job.Name, work.Instance);
                }
            }
        }
    }

    static async Task<(long, string?)> CheckpointAsync(IServiceProvider sp, CancellationToken ct)
    {
        var report = await AuditChain.VerifyAsync(sp.GetRequiredService<ChiSoDb>(), Actor.System, ct);
        var head = report.Head is { } h ? $"{h.Seq}:{h.Hash}" : "rỗng";
        return (report.Head?.Seq ?? 0, report.Whole ? null : $"Chuỗi nhật ký bị phá vỡ ({head}): {report.FirstBreak?.Message}");
    }
}

public static class SchedulerSetup
{
    public static IServiceCollection AddScheduledWork(this IServiceCollection services) =>
        services.AddSingleton<ScheduledWork>().AddSingleton<RemindersMailer>().AddSingleton<NoticeMailer>().AddHostedService<Scheduler>();
}
