using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>Rules about a task's deadline that every writer of tasks shares.</summary>
public static class PlanTasks
{
    /// <summary>Stores what the parser understood of the deadline, keeping the text as written.</summary>
    public static void ApplyDeadline(PlanTask task, Deadline deadline)
    {
        task.DeadlineText = deadline.Text;
        task.DeadlineKind = deadline.Kind;
        task.Start = deadline.Start;
        task.Due = deadline.Due;
        task.Recurrence = deadline.Recurrence;
        task.Tentative = deadline.Tentative;
        task.Event = deadline.Event;
    }

    /// <summary>Stores again what the parser understands of every task's deadline text, where it now reads it otherwise
    /// ("trước ngày 01/3/2024" is due 29/02, "Theo quy định" is no longer continuous work). An event's date, set by hand,
    /// is kept. Returns how many tasks changed; one audit row says so.</summary>
    public static async Task<int> RereadDeadlinesAsync(ChiSoDb db, TimeProvider clock, CancellationToken ct = default)
    {
        var tasks = await db.PlanTasks.Include(t => t.Plan).Where(t => t.DeadlineKind != DeadlineKind.Event).ToListAsync(ct);
        var changed = 0;
        foreach (var t in tasks)
        {
            var d = Deadline.Parse(t.DeadlineText, t.Plan!.Year);
            if ((d.Kind, d.Start, d.Due, d.Recurrence, d.Tentative) == (t.DeadlineKind, t.Start, t.Due, t.Recurrence, t.Tentative)) continue;
            ApplyDeadline(t, d);
            changed++;
        }
        if (changed == 0) return 0;
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = Actor.System.Name, Subject = "plan-tasks", Field = "deadline",
            NewValue = $"{changed} nhiệm vụ", Reason = "Đọc lại thời hạn theo cách hiểu mới (quyết định 0021)",
        });
        await db.SaveChangesAsync(ct);
        return changed;
    }
}
