using System.Globalization;
using System.Text;
using System.Security.Cryptography;
using ChiSo.Data;
using Microsoft.AspNetCore.DataProtection;

namespace ChiSo.Features.Plans;

/// <summary>A due date on the calendar: a task's deadline, or one occurrence of a recurring task.</summary>
public sealed record CalendarEntry(DateOnly Date, int TaskId, string Plan, string Number, string Description, string Lead,
    AgencyRole? Role, bool Done, bool Overdue);

/// <summary>Deadlines by day, for the month view and the iCal feed (RFC 5545) an agency subscribes to.</summary>
public static class TaskBoardCalendar
{
    public const string ContentType = "text/calendar; charset=utf-8";

    /// <summary>Due dates between two days; with a unit, only its tasks and its own share of those it leads.</summary>
    public static IEnumerable<CalendarEntry> Entries(TaskSet set, DateOnly from, DateOnly to, DateOnly asOf, int? unitId = null)
    {
        foreach (var task in set.Tasks)
        {
            var window = task.Plan!.Window;
            var role = unitId is { } u ? set.RoleOf(task, u) : null;
            var s = role == AgencyRole.Lead ? TaskBoard.EvaluateFor(task, window, asOf, unitId!.Value) : TaskBoard.Evaluate(task, window, asOf);
            var d = TaskBoard.DeadlineOf(task, window);
            var lead = string.Join("; ", task.Agencies.Where(a => a.Role == AgencyRole.Lead).Select(a => a.Name));
            // The deadline recurs within the plan's window only: the next plan restates its recurring tasks.
            var dates = d.Kind == DeadlineKind.Recurring
                ? d.Occurrences(from, to)
                : d.Kind is DeadlineKind.Date or DeadlineKind.Range && d.Due is { } due && due >= from && due <= to ? [due] : [];
            foreach (var date in dates)
            {
                var missed = s.Missed.Contains(date);
                var done = d.Kind == DeadlineKind.Recurring ? (date < asOf ? !missed : s.Due == date && s.Status == ProgressStatus.Done) : s.Status == ProgressStatus.Done;
                yield return new CalendarEntry(date, task.Id, task.Plan.Label, task.Number, task.Description, lead, role, done,
                    d.Kind == DeadlineKind.Recurring ? missed : s.Overdue);
            }
        }
    }

    /// <summary>The key in a feed's address. Calendar apps (Outlook, Google Calendar) subscribe without signing in, so the
    /// address itself is the permission: the agency code protected with the app's data-protection keys, which live in the
    /// database, so every instance reads every feed address.</summary>
    public static string FeedKey(IDataProtectionProvider protection, string unitCode) =>
        Protector(protection).Protect(unitCode.Trim().ToUpperInvariant());

    public static bool IsFeedKey(IDataProtectionProvider protection, string unitCode, string? key)
    {
        if (string.IsNullOrEmpty(key)) return false;
        try { return Protector(protection).Unprotect(key) == unitCode.Trim().ToUpperInvariant(); }
        catch (CryptographicException) { return false; }
    }

    static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector("ChiSo.Plans.CalendarFeed");

    public static async Task<(string Name, string Ics)?> FeedAsync(ChiSoDb db, string unitCode, TimeProvider clock, CancellationToken ct = default)
    {
        var today = TaskBoard.Today(clock);
        var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: unitCode), today, ct);
        if (set is null) return null;
        var unit = set.Units.Values.First(u => string.Equals(u.Code, unitCode.Trim(), StringComparison.OrdinalIgnoreCase));
        // Recurring deadlines run on without end: bound the feed by the plans' years.
        var years = set.Tasks.Select(t => t.Plan!.Year).DefaultIfEmpty(today.Year).ToList();
        var entries = Entries(set, new DateOnly(years.Min() - 1, 1, 1), new DateOnly(years.Max() + 1, 12, 31), today, unit.Id).OrderBy(e => e.Date).ThenBy(e => e.TaskId);
        return (unit.Name, Ics(unit.Name, unit.Code, entries, clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>All-day events, CRLF line ends, text escaped and lines folded at 75 octets without splitting a
    /// UTF-8 character. UIDs are stable per task and date so that calendar clients update rather than duplicate.</summary>
    public static string Ics(string unitName, string unitCode, IEnumerable<CalendarEntry> entries, DateTime stampUtc)
    {
        var sb = new StringBuilder();
        void Line(string line) => sb.Append(Fold(line)).Append("\r\n");
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//ChiSo//Nhiem vu CCHC//VI");
        Line("CALSCALE:GREGORIAN");
        Line("METHOD:PUBLISH");
        Line("X-WR-CALNAME:" + Escape($"Hạn nhiệm vụ CCHC — {unitName}"));
        Line("X-WR-TIMEZONE:Asia/Ho_Chi_Minh");
        var stamp = stampUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        foreach (var e in entries)
        {
            Line("BEGIN:VEVENT");
            Line($"UID:task-{e.TaskId}-{e.Date:yyyyMMdd}-{unitCode.ToLowerInvariant()}@chiso");
            Line("DTSTAMP:" + stamp);
            Line("DTSTART;VALUE=DATE:" + e.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            Line("DTEND;VALUE=DATE:" + e.Date.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            var role = e.Role switch { AgencyRole.Lead => " (chủ trì)", AgencyRole.Cooperating => " (phối hợp)", _ => "" };
            Line("SUMMARY:" + Escape($"Hạn nhiệm vụ {e.Number}{role}: {ViText.Shorten(e.Description, 120)}"));
            Line("DESCRIPTION:" + Escape($"{e.Plan}, nhiệm vụ {e.Number}\n{e.Description}\nChủ trì: {e.Lead}\nHạn: {ViText.Date(e.Date)}"));
            Line("CATEGORIES:" + Escape(e.Done ? "Hoàn thành" : e.Overdue ? "Quá hạn" : "Chưa hoàn thành"));
            Line("TRANSP:TRANSPARENT");
            Line("END:VEVENT");
        }
        Line("END:VCALENDAR");
        return sb.ToString();
    }


    /// <summary>TEXT values: backslash, semicolon and comma escaped, line breaks as \n.</summary>
    public static string Escape(string s) => s.Replace("\\", "\\\\").Replace(";", "\\;").Replace(",", "\\,")
        .Replace("\r\n", "\\n").Replace("\n", "\\n").Replace("\r", "\\n");

    /// <summary>Lines longer than 75 octets continue on the next line after CRLF and one space.</summary>
    public static string Fold(string line)
    {
        if (Encoding.UTF8.GetByteCount(line) <= 75) return line;
        var sb = new StringBuilder();
        var octets = 0;
        var limit = 75;
        for (var i = 0; i < line.Length; i++)
        {
            var width = char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(line.AsSpan(i, width));
            if (octets + bytes > limit)
            {
                sb.Append("\r\n ");
                octets = 0;
                limit = 74; // the leading space counts
            }
            sb.Append(line, i, width);
            octets += bytes;
            i += width - 1;
        }
        return sb.ToString();
    }
}
