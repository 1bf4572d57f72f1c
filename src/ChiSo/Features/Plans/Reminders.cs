using ChiSo.Data;
using ChiSo.Features.Units;

namespace ChiSo.Features.Plans;

public enum NotificationKind { Reminder, Overdue }

/// <summary>An in-app notification for one unit: a deadline 7, 3 or 1 days ahead, or a task past due.</summary>
public sealed record Notification(
    NotificationKind Kind, string Unit, string UnitName, AgencyRole Role, int TaskId, string Plan, string Number,
    string Description, DateOnly Due, int Days, string Message, string PlanTitle = "")
{
    /// <summary>What a person reads first: how near or late, and which task by its name.</summary>
    public string Title => Kind == NotificationKind.Reminder
        ? (Days == 0 ? $"Đến hạn hôm nay: {TaskViews.Name(Number, Description)}" : $"Còn {Days} ngày đến hạn {TaskViews.Name(Number, Description)}")
        : $"Quá hạn {Days} ngày: {TaskViews.Name(Number, Description)}";

    /// <summary>The task in full, its plan by title and its deadline; the same in the notice centre and in mails.</summary>
    public string Text => $"Nhiệm vụ {Number}: {Description} — {TaskViews.PlanName(PlanTitle, Plan)}. Hạn {ViText.Date(Due)}"
        + (Role == AgencyRole.Lead ? "." : " (đơn vị phối hợp).");

    public string Link => $"/tasks/{TaskId}";
}

/// <summary>Reminders are computed from the tasks and the day, never stored: the only table is
/// <see cref="ReminderSent"/>, which keeps e-mail from going out twice.</summary>
public static class Reminders
{
    public static readonly int[] DaysBefore = [7, 3, 1];

    /// <summary>Every unit on a task whose due date (or next occurrence) is exactly 7, 3 or 1 days after
    /// <paramref name="asOf"/> (or, with <paramref name="within"/>, any day from today to that many days ahead) and that is
    /// not done. A lead's own share decides for a lead; the whole task for a cooperating agency, which has no deadline of
    /// its own.</summary>
    public static IEnumerable<Notification> For(TaskSet set, DateOnly asOf, int? unitId = null, int? within = null)
    {
        foreach (var task in set.Tasks)
        {
            var window = task.Plan!.Window;
            var whole = TaskBoard.Evaluate(task, window, asOf);
            foreach (var party in set.Parties(task).Units)
            {
                var (unit, role) = (party.Unit, party.Role);
                if (unitId is { } only && unit.Id != only) continue;
                if (!unit.ExistsOn(asOf)) continue;
                var s = role == AgencyRole.Lead ? TaskSet.ShareOf(task, party, asOf) : whole;
                if (s.Status == ProgressStatus.Done && s.Missed.Count == 0) continue;
                if (s.Due is { } due && Near(due.DayNumber - asOf.DayNumber, within) && s.Status != ProgressStatus.Done)
                {
                    var days = due.DayNumber - asOf.DayNumber;
                    yield return Make(NotificationKind.Reminder, unit, role, task, due, days,
                        $"Còn {days} ngày đến hạn {ViText.Date(due)}: {TaskViews.Name(task.Number, task.Description)} — {TaskViews.PlanName(task.Plan.Title, task.Plan.Label)}.");
                }
                if (s.Overdue)
                {
                    var late = s.Missed.Count > 0 ? s.Missed[0] : s.Due!.Value;
                    yield return Make(NotificationKind.Overdue, unit, role, task, late, s.DaysLate,
                        $"Quá hạn {s.DaysLate} ngày (hạn {ViText.Date(late)}): {TaskViews.Name(task.Number, task.Description)} — {TaskViews.PlanName(task.Plan.Title, task.Plan.Label)}.");
                }
            }
        }
    }

    static bool Near(int days, int? within) => within is { } w ? days >= 0 && days <= w : DaysBefore.Contains(days);

    static Notification Make(NotificationKind kind, Unit unit, AgencyRole role, PlanTask task, DateOnly due, int days, string message) =>
        new(kind, unit.Code, unit.Name, role, task.Id, task.Plan!.Label, task.Number, task.Description, due, days,
            (role == AgencyRole.Lead ? "Chủ trì. " : "Phối hợp. ") + message, task.Plan.Title);

    public static async Task<List<Notification>?> ForUnitAsync(ChiSoDb db, string unit, DateOnly asOf, CancellationToken ct = default)
    {
        var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: unit), asOf, ct);
        if (set is null) return null;
        var id = set.Units.Values.First(u => string.Equals(u.Code, unit.Trim(), StringComparison.OrdinalIgnoreCase)).Id;
        return For(set, asOf, id).OrderBy(n => n.Kind).ThenBy(n => n.Due).ToList();
    }
}
