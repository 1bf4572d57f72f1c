using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Tasks;

/// <summary>A plan of many tasks over the seeded departments, with every kind of deadline (dated, ranges, recurring,
/// continuous, regulated, event-triggered with and without a date, unreadable), sections, sub-tasks and progress.</summary>
public static class GeneratedPlan
{
    static readonly string[] Deadlines =
    [
        "Tháng {0}/2025", "Quý II/2025", "Hằng quý", "Thường xuyên", "Từ 3/2025 đến {0}/2025", "Trong năm 2025", "Hàng tháng",
        "Trước ngày 15/{0}/2025", "Theo quy định", "Sau khi ban hành", "Sau khi ban hành", "khi nào xong", "Tháng {0}/2026", "Hằng năm",
    ];

    public static async Task<int> AddAsync(ChiSoDb db, int count, int year = 2025)
    {
        var departments = await db.Units.Where(u => u.Kind == UnitKind.Department).OrderBy(u => u.Id).Take(12).ToListAsync();
        var plan = new Plan { Number = $"{count}/KH-SINH", Title = "Kế hoạch sinh ra để thử", Year = year, Kind = PlanKind.AnnualPar, Status = PlanStatus.Issued };
        db.Plans.Add(plan);
        await db.SaveChangesAsync();
        var sections = Enumerable.Range(1, 4).Select(i => new PlanSection { PlanId = plan.Id, Code = Roman(i), Title = $"Nhóm nhiệm vụ {i}", Order = i }).ToList();
        db.AddRange(sections);
        await db.SaveChangesAsync();
        var random = new Random(7);
        var tasks = new List<PlanTask>();
        for (var i = 0; i < count; i++)
        {
            var lead = departments[random.Next(departments.Count)];
            var task = new PlanTask
            {
                PlanId = plan.Id, SectionId = sections[i * sections.Count / count].Id, Number = (i + 1).ToString(CultureInfo.InvariantCulture),
                Description = $"Nhiệm vụ sinh số {i + 1}", Order = i,
                Agencies = [new TaskAgency { Role = AgencyRole.Lead, Name = lead.Name, UnitId = lead.Id }],
                Criteria = [new TaskCriterion { Framework = "par-province", Code = $"{1 + i % 8}" }],
            };
            var text = string.Format(CultureInfo.InvariantCulture, Deadlines[i % Deadlines.Length], 1 + i % 12);
            PlanTasks.ApplyDeadline(task, Deadline.Parse(text, year));
            // Every other event-triggered task has had its event.
            if (task.DeadlineKind == DeadlineKind.Event && i % 4 == 1) task.EventDate = new DateOnly(year, 1 + i % 12, 10);
            if (i % 3 != 0)
                task.Progress.Add(new ProgressUpdate
                {
                    UnitId = lead.Id, Role = AgencyRole.Lead, Status = i % 2 == 0 ? ProgressStatus.Done : ProgressStatus.InProgress,
                    Percent = i % 2 == 0 ? 100 : 40, Date = new DateOnly(year, 1 + i % 6, 1 + i % 28), FiledAt = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc), FiledBy = "sinh",
                });
            tasks.Add(task);
        }
        db.PlanTasks.AddRange(tasks);
        await db.SaveChangesAsync();
        // A heading with no lead of its own over the next three tasks: it stands as they do.
        var heading = tasks[10];
        heading.Agencies.Clear();
        foreach (var t in tasks.Skip(11).Take(3)) t.ParentId = heading.Id;
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return plan.Id;
    }

    static string Roman(int i) => i switch { 1 => "I", 2 => "II", 3 => "III", _ => "IV" };
}
