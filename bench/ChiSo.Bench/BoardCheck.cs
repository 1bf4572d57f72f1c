using System.Diagnostics;
using ChiSo.Data;
using ChiSo.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Bench;

/// <summary>Where a board's time goes, phase by phase, over the database bench/tasks/tasks.sh leaves (BENCH_KEEP=1):
/// each read the loader makes, the same reads as EF Includes (what it did before), the rules alone, and the boards.
/// Stopwatch, 40 runs after 3 warm-ups, the first quartile and the best (the machine is shared: the median moves with
/// the load, the quartile much less). Run: dotnet run -c Release --project bench/ChiSo.Bench -- --board-check DB [UNIT]</summary>
public static class BoardCheck
{
    public static async Task RunAsync(string path, string unit)
    {
        var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
        DatabaseSetup.ConfigureSqlite(o, $"Data Source={path}");
        await using var db = new SqliteChiSoDb(o.Options);
        var plan = await db.Plans.Where(p => p.Number == "9999/KH-BENCH").Select(p => p.Id).SingleAsync();
        var asOf = new DateOnly(2025, 7, 1);
        var ids = db.PlanTasks.Where(t => t.PlanId == plan).Select(t => t.Id);
        Console.WriteLine($"plan {plan}, {await ids.CountAsync()} tasks, unit {unit}, as of {asOf:dd/MM/yyyy}; load average {File.ReadAllText("/proc/loadavg")[..14]}");

        async Task Time(string what, Func<Task> f)
        {
            for (var i = 0; i < 3; i++) await f();
            var ms = new List<double>();
            for (var i = 0; i < 40; i++)
            {
                var sw = Stopwatch.StartNew();
                await f();
                ms.Add(sw.Elapsed.TotalMilliseconds);
                db.ChangeTracker.Clear();
            }
            ms.Sort();
            Console.WriteLine($"{what,-44} p25 {ms[ms.Count / 4],7:0.0} ms   best {ms[0],7:0.0} ms");
        }

        await Time("tasks", () => db.PlanTasks.AsNoTracking().Where(t => t.PlanId == plan).ToListAsync());
        await Time("their agencies", () => db.Set<TaskAgency>().AsNoTracking().Where(a => ids.Contains(a.TaskId)).ToListAsync());
        await Time("their criteria", () => db.Set<TaskCriterion>().AsNoTracking().Where(c => ids.Contains(c.TaskId)).ToListAsync());
        await Time("their updates, whole (files parsed)", () => db.ProgressUpdates.AsNoTracking().Where(p => p.Date <= asOf && ids.Contains(p.TaskId)).ToListAsync());
        await Time("the same as EF Includes (split query)", () => db.PlanTasks.AsNoTracking().Where(t => t.PlanId == plan)
            .Include(t => t.Agencies).Include(t => t.Criteria).Include(t => t.Progress.Where(p => p.Date <= asOf)).AsSplitQuery().ToListAsync());
        await Time("the loader (TaskBoardQueries.LoadAsync)", () => TaskBoardQueries.LoadAsync(db, new TaskFilter(PlanId: plan), asOf));
        var set = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(PlanId: plan), asOf))!;
        await Time("the rules alone, every task", () =>
        {
            foreach (var t in set.Tasks) TaskBoardQueries.Judge(set, t, asOf, null);
            return Task.CompletedTask;
        });
        await Time("board of the whole plan (25 a column)", () => TaskKanban.BuildAsync(db, new TaskFilter(PlanId: plan), asOf, 1, TaskKanban.DefaultPageSize));
        await Time("board of the whole plan, fresh context", async () =>
        {
            await using var fresh = new SqliteChiSoDb(o.Options);
            await TaskKanban.BuildAsync(fresh, new TaskFilter(PlanId: plan), asOf, 1, TaskKanban.DefaultPageSize);
        });
        await Time($"board of {unit} (25 a column)", () => TaskKanban.BuildAsync(db, new TaskFilter(PlanId: plan, Unit: unit), asOf, 1, TaskKanban.DefaultPageSize));
    }
}
