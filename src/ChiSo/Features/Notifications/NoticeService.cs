using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace ChiSo.Features.Notifications;

public enum NoticeKind { DeadlineNear, Overdue, AppraisalResult, ExplanationDue, ReportLate, ToAppraise, UnitsLate }

/// <summary>One thing a user should know now. <see cref="Key"/> names the event (a task's deadline, an appraisal sent on
/// a date), so a read mark or a sent mail stays with that event and a new one (a new deadline) is new again.</summary>
public sealed record Notice(string Key, NoticeKind Kind, string Title, string Text, string? Link, DateTime? At, bool Read);

/// <summary>The notification centre. Notices are derived from the data for the signed-in user on every read (their unit's
/// tasks, assessment and reports; an appraiser's queue; the standing agency's late units), never produced by a job that
/// could run twice; only the user's read marks and the mails sent are stored.</summary>
public sealed class NoticeService(ChiSoDb db, TimeProvider clock, IConfiguration config)
{
    /// <summary>How many days ahead a task's deadline counts as near (<c>Notifications:DaysAhead</c>, 7 by default).</summary>
    int DaysAhead => int.TryParse(config["Notifications:DaysAhead"], out var d) && d is >= 0 and <= 90 ? d : 7;

    /// <summary>Every signed-in user has their own notices; nobody else's.</summary>
    public static bool MayRead(Actor a) => a.IsSignedIn;

    public async Task<List<Notice>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayRead(actor), "Cần đăng nhập để xem thông báo.");
        var notices = await DeriveAsync(actor, ct);
        var keys = notices.Select(n => n.Key).ToList();
        var read = (await db.Set<NoticeRead>().AsNoTracking().Where(r => r.UserId == actor.UserId && keys.Contains(r.Key)).Select(r => r.Key).ToListAsync(ct)).ToHashSet();
        return [.. notices.Select(n => n with { Read = read.Contains(n.Key) }).OrderBy(n => n.Read).ThenBy(n => Urgency(n.Kind)).ThenBy(n => n.At)];
    }

    public async Task<int> UnreadCountAsync(Actor actor, CancellationToken ct = default) => (await ListAsync(actor, ct)).Count(n => !n.Read);

    /// <summary>Marks the actor's own notices read; keys that are not (or no longer) among them are ignored. Not audited:
    /// a read mark is the user's own bookkeeping, not a change to anything the audit log answers for.</summary>
    public async Task<int> MarkReadAsync(IReadOnlyCollection<string> keys, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayRead(actor), "Cần đăng nhập để đánh dấu thông báo đã đọc.");
        var mine = (await DeriveAsync(actor, ct)).Select(n => n.Key).Intersect(keys).ToList();
        var already = await db.Set<NoticeRead>().Where(r => r.UserId == actor.UserId && mine.Contains(r.Key)).Select(r => r.Key).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var added = 0;
        foreach (var key in mine.Except(already))
        {
            db.Set<NoticeRead>().Add(new NoticeRead { UserId = actor.UserId, Key = key, ReadAt = now });
            added++;
        }
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // The same user marked it in another tab or instance at the same moment: it is read either way.
            db.ChangeTracker.Clear();
        }
        return added;
    }

    static int Urgency(NoticeKind k) => k switch
    {
        NoticeKind.Overdue or NoticeKind.ReportLate or NoticeKind.ExplanationDue => 0,
        NoticeKind.DeadlineNear or NoticeKind.ToAppraise => 1,
        _ => 2,
    };

    async Task<List<Notice>> DeriveAsync(Actor actor, CancellationToken ct)
    {
        var today = TaskBoard.Today(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var list = new List<Notice>();
        if (actor.UnitId is { } unitId && (actor.Is(Roles.UnitEditor) || actor.Is(Roles.UnitHead)))
        {
            var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId, ct);
            if (unit is not null)
            {
                await TasksAsync(unit, today, list, ct);
                await AssessmentAsync(unitId, now, list, ct);
                await ReportsAsync(unit, today, list, ct);
            }
        }
        if (actor.Is(Roles.Appraiser)) await ToAppraiseAsync(actor.UserId, list, ct);
        if (actor.ReadsAll) await LateUnitsAsync(today, now, list, ct);
        return list;
    }

    async Task TasksAsync(Unit unit, DateOnly today, List<Notice> list, CancellationToken ct)
    {
        var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: unit.Code), today, ct);
        if (set is null) return;
        foreach (var n in Reminders.For(set, today, unit.Id, DaysAhead))
        {
            var near = n.Kind == NotificationKind.Reminder;
            list.Add(new Notice($"task:{n.TaskId}:{unit.Id}:{(near ? "due" : "late")}:{n.Due:yyyyMMdd}",
                near ? NoticeKind.DeadlineNear : NoticeKind.Overdue,
                n.Title, n.Text, n.Link, n.Due.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), false));
        }
    }

    async Task AssessmentAsync(int unitId, DateTime now, List<Notice> list, CancellationToken ct)
    {
        var units = await db.CycleUnits.AsNoTracking().Where(u => u.UnitId == unitId && u.AppraisalSentAt != null)
            .Select(u => new
            {
                u.Id, u.CycleId, Cycle = u.Cycle!.Name, Code = u.Unit!.Code, u.Stage, u.AppraisalSentAt, u.ExplanationDue, u.ExplainedAt,
                Accepted = u.Items.Count(i => i.Verdict == AppraisalVerdict.Accepted),
                Adjusted = u.Items.Count(i => i.Verdict == AppraisalVerdict.Adjusted),
            }).ToListAsync(ct);
        foreach (var u in units)
        {
            var link = $"/danh-gia/{u.CycleId}/don-vi/{u.Code}";
            list.Add(new Notice($"appraisal:{u.Id}:{u.AppraisalSentAt:yyyyMMddHHmmss}", NoticeKind.AppraisalResult,
                $"Kết quả thẩm định: {u.Cycle}",
                $"Công nhận {u.Accepted} tiêu chí, điều chỉnh {u.Adjusted} tiêu chí.", link, u.AppraisalSentAt, false));
            if (u.Stage == UnitStage.Appraised && u.Adjusted > 0 && u.ExplainedAt is null && u.ExplanationDue is { } due && due > now)
                list.Add(new Notice($"explain:{u.Id}:{due:yyyyMMddHHmmss}", NoticeKind.ExplanationDue,
                    $"Hạn giải trình {ViText.DateTime(due)}: {u.Cycle}",
                    $"{u.Adjusted} tiêu chí bị điều chỉnh; đơn vị có thể giải trình đến {ViText.DateTime(due)}.", link, due, false));
        }
    }

    async Task ReportsAsync(Unit unit, DateOnly today, List<Notice> list, CancellationToken ct)
    {
        if (!ReportingSchedule.ReportingKinds.Contains(unit.Kind)) return;
        var schedule = ReportingSchedule.From(config);
        // Late reports of the last four months: an older one is the standing agency's matter, not a daily notice.
        var periods = schedule.Periods(today.Year - 1).Concat(schedule.Periods(today.Year))
            .Where(p => p.IsLate(today) && today.DayNumber - p.Due.DayNumber <= 120 && unit.ExistsOn(p.End)).ToList();
        if (periods.Count == 0) return;
        var years = periods.Select(p => p.Year).Distinct().ToList();
        var submitted = await db.PeriodicReports.AsNoTracking()
            .Where(r => r.UnitId == unit.Id && r.Area == null && r.Status == ReportStatus.Submitted && years.Contains(r.Year))
            .Select(r => new { r.Year, r.Period }).ToListAsync(ct);
        foreach (var p in periods.Where(p => !submitted.Any(s => s.Year == p.Year && s.Period == p.Kind)))
            list.Add(new Notice($"report:{unit.Id}:{p.Year}:{p.Kind}", NoticeKind.ReportLate,
                $"Chậm gửi báo cáo {p.Phrase}",
                $"Hạn gửi {ViText.Date(p.Due)}, đã quá {today.DayNumber - p.Due.DayNumber} ngày.",
                $"/reports/{unit.Code}/{p.Year}/{p.Key}", p.Due.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), false));
    }

    async Task ToAppraiseAsync(string userId, List<Notice> list, CancellationToken ct)
    {
        var waiting = await db.CycleUnits.AsNoTracking()
            .Where(u => u.Stage == UnitStage.Submitted && u.Cycle!.Status == CycleStatus.Open
                && db.Set<AppraiserAssignment>().Any(a => a.UserId == userId && a.CycleId == u.CycleId && (a.UnitId == null || a.UnitId == u.UnitId)))
            .Select(u => new { u.Id, u.CycleId, Cycle = u.Cycle!.Name, u.Unit!.Code, u.Unit.Name, u.SubmittedAt }).ToListAsync(ct);
        foreach (var u in waiting)
            list.Add(new Notice($"to-appraise:{u.Id}:{u.SubmittedAt:yyyyMMddHHmmss}", NoticeKind.ToAppraise,
                $"Chờ thẩm định: {u.Name}", $"{u.Name} đã gửi bản tự đánh giá ({u.Cycle}) lúc {ViText.DateTime(u.SubmittedAt)}.",
                $"/danh-gia/{u.CycleId}/don-vi/{u.Code}", u.SubmittedAt, false));
    }

    async Task LateUnitsAsync(DateOnly today, DateTime now, List<Notice> list, CancellationToken ct)
    {
        var cycles = await db.Cycles.AsNoTracking().Where(c => c.Status == CycleStatus.Open && c.SelfAssessmentDue < now)
            .Select(c => new { c.Id, c.Name, c.SelfAssessmentDue, Late = c.Units.Count(u => u.Stage == UnitStage.Draft) }).ToListAsync(ct);
        foreach (var c in cycles.Where(c => c.Late > 0))
            list.Add(new Notice($"cycle-late:{c.Id}:{today:yyyyMMdd}", NoticeKind.UnitsLate,
                $"{c.Late} đơn vị chậm gửi tự đánh giá", $"{c.Name}: hạn {ViText.DateTime(c.SelfAssessmentDue)} đã qua.",
                $"/danh-gia/{c.Id}", c.SelfAssessmentDue, false));
        var schedule = ReportingSchedule.From(config);
        foreach (var p in schedule.Periods(today.Year).Where(p => p.IsLate(today) && today.DayNumber - p.Due.DayNumber <= 120))
        {
            var dashboard = await Consolidations.DashboardAsync(db, p, today, ct);
            if (dashboard.Late > 0)
                list.Add(new Notice($"reports-late:{p.Year}:{p.Kind}:{dashboard.Late}", NoticeKind.UnitsLate,
                    $"{dashboard.Late} đơn vị chậm gửi báo cáo {p.Phrase}", $"Hạn gửi {ViText.Date(p.Due)}.",
                    "/reports", p.Due.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), false));
        }
    }
}
