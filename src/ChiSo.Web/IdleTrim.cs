using System.Runtime;

namespace ChiSo.Web;

/// <summary>Gives memory back once the server goes quiet (docs/decisions/0026-lean-memory.md). The workstation GC collects
/// only when allocations use up its budget, so after a burst (the start-up's seeding check, a year's timeline, an export, a
/// crowd of respondents) an idle server keeps every page it committed, for hours. Every <c>Memory:TrimCheck</c> (30 s) this
/// looks at what was allocated since the last look; when it is under <c>Memory:IdleBytes</c> (16 MB) and more than
/// <c>Memory:TrimAfter</c> (24 MB) was allocated since the last trim, one blocking, compacting collection in the aggressive
/// mode returns what the GC does not need to the system. The GC's own figures cannot say whether its heap is garbage (after
/// a soak its "heap after the last collection" was 167 MB of mostly dead requests, 16 MB below what it had committed), so
/// the burst itself is the reason. A busy server never pays for it; a quiet one pays once per quiet spell.</summary>
public sealed class IdleTrim(IConfiguration config, ILogger<IdleTrim> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idleBytes = config.GetValue("Memory:IdleBytes", 16L << 20);
        var burst = config.GetValue("Memory:TrimAfter", 24L << 20);
        using var timer = new PeriodicTimer(config.GetValue("Memory:TrimCheck", TimeSpan.FromSeconds(30)));
        var last = GC.GetTotalAllocatedBytes();
        var sinceTrim = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = GC.GetTotalAllocatedBytes();
            var allocated = now - last;
            last = now;
            sinceTrim += allocated;
            if (allocated >= idleBytes || sinceTrim < burst) continue;
            var before = Environment.WorkingSet;
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            (sinceTrim, last) = (0, GC.GetTotalAllocatedBytes());
            log.LogInformation("Máy chủ rảnh: trả lại bộ nhớ, {Before} MB → {After} MB.", before >> 20, Environment.WorkingSet >> 20);
        }
    }
}
