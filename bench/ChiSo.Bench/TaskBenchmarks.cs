using BenchmarkDotNet.Attributes;
using ChiSo.Data;
using ChiSo.Features.Plans;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Bench;

/// <summary>The task pages over 3,000 tasks (one generated plan for 2025 on top of the seeded data): the task
/// list of a year, one agency's board, the Gantt-style timeline of the year and the accountability report,
/// each as a page load pays for it (load from SQLite, apply the standing rules).</summary>
[MemoryDiagnoser]
public class TaskBenchmarks
{
    const int Tasks = 3000;
    static readonly DateOnly AsOf = new(2025, 7, 1);
    string file = "";
    SqliteChiSoDb db = default!;

    [GlobalSetup]
    public void Setup()
    {
        file = Path.Combine(Path.GetTempPath(), $"chiso-bench-tasks-{Guid.NewGuid():N}.db");
        db = Open(file);
        BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System).GetAwaiter().GetResult();
        Generate();
        db.ChangeTracker.Clear();
    }

    static SqliteChiSoDb Open(string path)
    {
        var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
        DatabaseSetup.ConfigureSqlite(o, $"Data Source={path}");
        return new SqliteChiSoDb(o.Options);
    }

    void Generate()
    {
        var departments = db.Units.Where(u => u.Kind == ChiSo.Features.Units.UnitKind.Department).OrderBy(u => u.Id).ToList();
        var group = db.UnitGroups.OrderBy(g => g.Id).First();
        string[] deadlines = ["Tháng {0}/2025", "Quý II/2025", "Quý IV/2025", "Hằng quý", "Thường xuyên", "Từ 3/2025 đến {0}/2025", "Trong năm 2025", "Hàng tháng"];
        var plan = new Plan { Number = "9999/KH-BENCH", Title = "Kế hoạch đo hiệu năng", Year = 2025, Kind = PlanKind.AnnualPar, Status = PlanStatus.Issued };
        db.Plans.Add(plan);
        db.SaveChanges();
        var random = new Random(42);
        for (var i = 0; i < Tasks; i++)
        {
            var lead = departments[random.Next(departments.Count)];
            var task = new PlanTask
            {
                PlanId = plan.Id, Number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Description = $"Nhiệm vụ số {i + 1}: nâng cao chất lượng cải cách hành chính", Order = i,
                Agencies =
                [
                    new TaskAgency { Role = AgencyRole.Lead, Name = lead.Name, UnitId = lead.Id },
                    new TaskAgency { Role = AgencyRole.Cooperating, Name = group.Name, GroupId = group.Id },
                ],
                Criteria = [new TaskCriterion { Framework = "par-province", Code = $"{1 + i % 8}" }],
            };
            PlanTasks.ApplyDeadline(task, Deadline.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, deadlines[i % deadlines.Length], 4 + i % 9), 2025));
            if (i % 3 != 0)
            {
                task.Progress.Add(Update(lead.Id, ProgressStatus.InProgress, 40, new DateOnly(2025, 3, 1 + i % 28)));
                task.Progress.Add(Update(lead.Id, i % 2 == 0 ? ProgressStatus.Done : ProgressStatus.InProgress, i % 2 == 0 ? 100 : 70, new DateOnly(2025, 5, 1 + i % 28)));
            }
            db.PlanTasks.Add(task);
        }
        db.SaveChanges();
    }

    static ProgressUpdate Update(int unit, ProgressStatus status, int percent, DateOnly date) => new()
    {
        UnitId = unit, Role = AgencyRole.Lead, Status = status, Percent = percent, Date = date,
        FiledAt = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), FiledBy = "bench",
    };

    [Benchmark]
    public async Task<int> TaskListOfYear() => (await TaskBoardQueries.ListAsync(db, new TaskFilter(Year: 2025), AsOf))!.Count;

    [Benchmark]
    public async Task<int> BoardOfOneAgency() => (await TaskBoardQueries.ListAsync(db, new TaskFilter(Year: 2025, Unit: "SNV"), AsOf))!.Count;

    [Benchmark]
    public async Task<int> OverdueOfYear() => (await TaskBoardQueries.ListAsync(db, new TaskFilter(Year: 2025, Overdue: true), AsOf))!.Count;

    [Benchmark]
    public async Task<int> GanttTimelineOfYear() => (await TaskTimeline.PageAsync(db, new TaskFilter(Year: 2025), AsOf, 1, TaskBoardQueries.MaxPageSize))!.Total;

    [Benchmark]
    public async Task<int> AccountabilityOfYear() => (await TaskBoardAccountability.BuildAsync(db, AsOf)).Heads.Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        db.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(file);
    }
}
