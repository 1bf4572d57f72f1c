using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Reports;

/// <summary>A unit's report for one period as the form shows it: its texts, the KPI values of the unit's plans,
/// and the status of the unit's tasks as tracking knew it on the last day of the data window.</summary>
public sealed record ReportForm(
    string Unit,
    string UnitName,
    ReportingPeriod Period,
    string? Area,
    string Status,
    DateTime? SubmittedAt,
    string? SubmittedBy,
    Guid? Concurrency,
    IReadOnlyList<SectionText> Sections,
    IReadOnlyList<KpiValue> Kpis,
    IReadOnlyList<TaskStatusRow> Tasks)
{
    public bool Locked => Status == ReportStates.Submitted;
}

public sealed record SectionText(string Area, string Name, string? Text);

public sealed record KpiValue(int TargetId, string Plan, string Metric, string? Comparator, decimal? Threshold, string? Unit, decimal? Value, bool? Met);

/// <summary>A task the unit leads as the report sees it; <see cref="Note"/> is the unit's latest progress text on or before the
/// period's end, <see cref="Section"/> the plan's heading the task sits under.</summary>
public sealed record TaskStatusRow(int TaskId, int PlanId, string Plan, string Number, string Description, string? DeadlineText,
    DateOnly? Due, ProgressStatus Status, int Percent, DateOnly? UpdatedOn, bool Overdue, string? Note = null, string? Section = null);

/// <summary>What a unit saves: a text per reform area, a value per KPI target (null clears it), and the version
/// of the report it read (null for a report not created yet).</summary>
/// <summary>A save of a report. <see cref="Preparer"/> is the name typed as "Người lập báo cáo", kept beside the signed-in user's.</summary>
public sealed record ReportEdit(Guid? Concurrency, Dictionary<string, string?>? Sections, Dictionary<int, decimal?>? Kpis, string? Preparer = null);

public sealed record SubmitRequest(Guid? Concurrency, string? Preparer = null);

public enum ReportOutcomeKind { Ok, NotFound, Invalid, Conflict, Locked }

public sealed record ReportOutcome(ReportOutcomeKind Kind, ReportForm? Form = null, Dictionary<string, string[]>? Errors = null);

public static class ReportStates
{
    public const string Missing = "missing", Draft = "draft", Submitted = "submitted";

    public static string Vietnamese(ProgressStatus s) => s switch
    {
        ProgressStatus.NotStarted => "Chưa triển khai",
        ProgressStatus.InProgress => "Đang thực hiện",
        ProgressStatus.Done => "Hoàn thành",
        ProgressStatus.Blocked => "Vướng mắc",
        _ => s.ToString(),
    };

    public static string English(ProgressStatus s) => s switch
    {
        ProgressStatus.NotStarted => "Not started",
        ProgressStatus.InProgress => "In progress",
        ProgressStatus.Done => "Done",
        ProgressStatus.Blocked => "Blocked",
        _ => s.ToString(),
    };
}

/// <summary>Filing periodic reports: read, save a draft, submit (which locks it).</summary>
public sealed class ReportService(ChiSoDb db, TimeProvider clock, ReportingSchedule schedule)
{
    const int MaxText = 50_000;

    public async Task<ReportOutcome> GetAsync(string unitCode, int year, ReportingPeriodKind kind, string? area, CancellationToken ct = default)
    {
        if (area is not null && ReformAreas.Find(area) is null) return new(ReportOutcomeKind.NotFound);
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode, ct);
        if (unit is null) return new(ReportOutcomeKind.NotFound);
        var report = await db.PeriodicReports.AsNoTracking().Include(r => r.Sections)
            .FirstOrDefaultAsync(r => r.UnitId == unit.Id && r.Year == year && r.Period == kind && r.Area == area, ct);
        return new(ReportOutcomeKind.Ok, await FormAsync(unit, schedule.Period(year, kind), area, report, ct));
    }

    public async Task<ReportOutcome> SaveAsync(string unitCode, int year, ReportingPeriodKind kind, string? area, ReportEdit edit, Actor actor, CancellationToken ct = default)
    {
        TaskBoardProgress.RequireFiler(actor);
        var user = WithPreparer(actor, edit.Preparer);
        if (area is not null && ReformAreas.Find(area) is null) return new(ReportOutcomeKind.NotFound);
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode, ct);
        if (unit is null) return new(ReportOutcomeKind.NotFound);
        TaskBoardProgress.RequireFilerFor(actor, unit);
        var period = schedule.Period(year, kind);

        var kpiTargets = area is null ? await KpiTargetIdsAsync([unit.Id], year, ct) : [];
        var errors = new Dictionary<string, string[]>();
        if (!unit.ExistsOn(period.End))
            errors["unit"] = [$"Đơn vị {unit.Name} không còn tồn tại vào ngày {ViText.Date(period.End)}, cuối kỳ báo cáo."];
        foreach (var (key, text) in edit.Sections ?? [])
        {
            if (ReformAreas.Find(key) is null || (area is not null && key != area))
                errors[$"sections.{key}"] = [area is null ? $"Không có lĩnh vực '{key}'." : $"Báo cáo chuyên đề chỉ có phần '{area}'."];
            else if (text?.Length > MaxText)
                errors[$"sections.{key}"] = [$"Nội dung dài quá {MaxText} ký tự."];
        }
        foreach (var (id, value) in edit.Kpis ?? [])
        {
            if (!kpiTargets.Contains(id)) errors[$"kpis.{id}"] = ["Chỉ tiêu này không thuộc kế hoạch của đơn vị trong năm báo cáo."];
            else if (value is < -1_000_000_000 or > 1_000_000_000) errors[$"kpis.{id}"] = ["Giá trị không hợp lệ."];
        }
        if (errors.Count > 0) return new(ReportOutcomeKind.Invalid, Errors: errors);

        var report = await db.PeriodicReports.Include(r => r.Sections)
            .FirstOrDefaultAsync(r => r.UnitId == unit.Id && r.Year == year && r.Period == kind && r.Area == area, ct);
        if (report is null)
        {
            // Someone else created the report after this client read it empty.
            if (edit.Concurrency is not null) return new(ReportOutcomeKind.Conflict);
            db.PeriodicReports.Add(report = new PeriodicReport { UnitId = unit.Id, Year = year, Period = kind, Area = area, Status = ReportStatus.Draft });
        }
        else
        {
            if (report.Status == ReportStatus.Submitted) return new(ReportOutcomeKind.Locked);
            if (edit.Concurrency != report.Concurrency) return new(ReportOutcomeKind.Conflict);
            // A new token on every save, so the UPDATE ... WHERE Concurrency = old catches a save that raced this one.
            report.Concurrency = Guid.NewGuid();
        }
        foreach (var (key, text) in edit.Sections ?? [])
        {
            var section = report.Sections.FirstOrDefault(s => s.Area == key);
            if (section is null) report.Sections.Add(section = new ReportSection { Area = key });
            section.Text = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        }
        if (edit.Kpis is { Count: > 0 } kpis)
        {
            var ids = kpis.Keys.ToList();
            var actuals = await db.Set<TargetActual>().Where(a => ids.Contains(a.PlanTargetId) && a.Year == year && a.Period == kind).ToListAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (id, value) in kpis)
            {
                var actual = actuals.FirstOrDefault(a => a.PlanTargetId == id);
                if (value is not { } v)
                {
                    if (actual is not null) db.Remove(actual);
                    continue;
                }
                if (actual is null) db.Add(actual = new TargetActual { PlanTargetId = id, Year = year, Period = kind, RecordedBy = user });
                if (actual.Value != v || actual.RecordedAt == default)
                {
                    actual.Value = v;
                    actual.RecordedAt = now;
                    actual.RecordedBy = user;
                }
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(ReportOutcomeKind.Conflict);
        }
        catch (DbUpdateException) when (report.Id == 0 || edit.Concurrency is null)
        {
            // The unique index refused a second report for the same unit and period: another save won.
            return new(ReportOutcomeKind.Conflict);
        }
        db.ChangeTracker.Clear();
        return await GetAsync(unitCode, year, kind, area, ct);
    }

    public async Task<ReportOutcome> SubmitAsync(string unitCode, int year, ReportingPeriodKind kind, string? area, Guid? concurrency, Actor actor, string? preparer = null,
        CancellationToken ct = default)
    {
        TaskBoardProgress.RequireFiler(actor);
        if (area is not null && ReformAreas.Find(area) is null) return new(ReportOutcomeKind.NotFound);
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode, ct);
        if (unit is null) return new(ReportOutcomeKind.NotFound);
        TaskBoardProgress.RequireFilerFor(actor, unit);
        var report = await db.PeriodicReports.Include(r => r.Sections)
            .FirstOrDefaultAsync(r => r.Unit!.Code == unitCode && r.Year == year && r.Period == kind && r.Area == area, ct);
        if (report is null) return new(ReportOutcomeKind.NotFound);
        if (report.Status == ReportStatus.Submitted) return new(ReportOutcomeKind.Locked);
        if (concurrency is not null && concurrency != report.Concurrency) return new(ReportOutcomeKind.Conflict);
        if (report.Sections.All(s => string.IsNullOrWhiteSpace(s.Text)))
            return new(ReportOutcomeKind.Invalid, Errors: new() { ["sections"] = ["Báo cáo chưa có nội dung: cần ít nhất một phần."] });
        report.Status = ReportStatus.Submitted;
        report.SubmittedAt = clock.GetUtcNow().UtcDateTime;
        report.SubmittedBy = WithPreparer(actor, preparer);
        report.Concurrency = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(ReportOutcomeKind.Conflict);
        }
        db.ChangeTracker.Clear();
        return await GetAsync(unitCode, year, kind, area, ct);
    }

    /// <summary>Words that place a task in a reform area, looked for in its plan heading first, then in its text.</summary>
    static readonly (string Area, string[] Words)[] AreaWords =
    [
        ("institutions", ["thể chế", "văn bản quy phạm"]),
        ("procedures", ["thủ tục hành chính", "tthc", "một cửa", "dịch vụ công"]),
        ("apparatus", ["tổ chức bộ máy", "bộ máy"]),
        ("civil-service", ["công vụ", "công chức", "viên chức"]),
        ("public-finance", ["tài chính công", "tài chính", "ngân sách"]),
        ("e-government", ["chính quyền điện tử", "chính quyền số", "chuyển đổi số", "công nghệ thông tin"]),
    ];

    /// <summary>A first text for each area of a report not yet started, from the tasks the unit leads and their latest progress:
    /// each task placed by its plan heading (or, failing that, its text) under one area, with its standing and the unit's last note.
    /// Tasks no area's words name stay in the table only. The unit edits it before saving; nothing is stored until then.</summary>
    public static Dictionary<string, string> Prefill(IReadOnlyList<TaskStatusRow> tasks, string? area = null)
    {
        string? AreaOf(TaskStatusRow t)
        {
            foreach (var text in new[] { t.Section, t.Description })
            {
                var lower = text?.ToLower(ViText.Vi);
                if (lower is null) continue;
                foreach (var (key, words) in AreaWords)
                    if (words.Any(lower.Contains)) return key;
            }
            return null;
        }
        var texts = new Dictionary<string, string>();
        foreach (var g in tasks.GroupBy(t => area ?? AreaOf(t)).Where(g => g.Key is not null))
        {
            var lines = g.Select(t =>
            {
                var state = ReportStates.Vietnamese(t.Status) + (t.Status is ProgressStatus.InProgress or ProgressStatus.Blocked ? $" {t.Percent} %" : "")
                    + (t.Overdue ? ", quá hạn" : "");
                return $"- Nhiệm vụ {t.Number} ({t.Plan}): {t.Description.TrimEnd('.', ' ')} — {state}" + (t.Note is { Length: > 0 } n ? $". {n.Trim()}" : ".");
            });
            var done = g.Count(t => t.Status == ProgressStatus.Done);
            texts[g.Key!] = $"Đơn vị chủ trì {g.Count()} nhiệm vụ, đã hoàn thành {done}, quá hạn {g.Count(t => t.Overdue)}:\n" + string.Join("\n", lines);
        }
        return texts;
    }

    /// <summary>The signed-in user answers for a report; the preparer typed in the form is kept beside their name.</summary>
    static string WithPreparer(Actor actor, string? preparer) =>
        actor.Name + (string.IsNullOrWhiteSpace(preparer) ? "" : " — " + preparer.Trim());

    async Task<ReportForm> FormAsync(Unit unit, ReportingPeriod period, string? area, PeriodicReport? report, CancellationToken ct)
    {
        var areas = area is null ? ReformAreas.All : [ReformAreas.Find(area)!];
        var sections = areas.Select(a => new SectionText(a.Key, a.Name, report?.Sections.FirstOrDefault(s => s.Area == a.Key)?.Text)).ToList();
        var kpis = area is null ? (await KpisAsync(db, [unit.Id], period, ct)).Select(k => k.Value).ToList() : [];
        var tasks = (await TasksAsync(db, [unit.Id], period, ct)).Select(t => t.Row).ToList();
        return new ReportForm(unit.Code, unit.Name, period, area,
            report is null ? ReportStates.Missing : report.Status == ReportStatus.Submitted ? ReportStates.Submitted : ReportStates.Draft,
            report?.SubmittedAt, report?.SubmittedBy, report?.Concurrency, sections, kpis, tasks);
    }

    // The plan's own naming rule ("430/KH-UBND, 15/06/2023", or the title of a plan without a number).
    static string PlanLabel(string? number, DateOnly? issuedOn, string title) => new Plan { Number = number, IssuedOn = issuedOn, Title = title }.Label;

    async Task<HashSet<int>> KpiTargetIdsAsync(IReadOnlyCollection<int> unitIds, int year, CancellationToken ct) =>
        (await db.PlanTargets.Where(t => t.Kind == PlanTargetKind.Kpi)
            .Join(db.Plans.Where(p => p.Year == year && p.IssuerId != null && unitIds.Contains(p.IssuerId.Value)), t => t.PlanId, p => p.Id, (t, _) => t.Id)
            .ToListAsync(ct)).ToHashSet();

    /// <summary>The KPI targets of the units' own plans of the year (a unit's plan is one it issued), with the
    /// value recorded for the period.</summary>
    public static async Task<List<(int UnitId, KpiValue Value)>> KpisAsync(ChiSoDb db, IReadOnlyCollection<int> unitIds, ReportingPeriod period, CancellationToken ct = default)
    {
        var rows = await (
            from t in db.PlanTargets.AsNoTracking()
            join p in db.Plans on t.PlanId equals p.Id
            where t.Kind == PlanTargetKind.Kpi && p.Year == period.Year && p.IssuerId != null && unitIds.Contains(p.IssuerId.Value)
            select new
            {
                UnitId = p.IssuerId!.Value, t.Id, p.Number, p.Title, p.IssuedOn, t.Metric, t.Comparator, t.Threshold, t.Unit, t.Order, PlanId = p.Id,
                Value = t.Actuals.Where(a => a.Year == period.Year && a.Period == period.Kind).Select(a => (decimal?)a.Value).FirstOrDefault(),
            }).ToListAsync(ct);
        return rows.OrderBy(r => r.UnitId).ThenBy(r => r.PlanId).ThenBy(r => r.Order).Select(r => (r.UnitId, new KpiValue(r.Id,
            PlanLabel(r.Number, r.IssuedOn, r.Title), r.Metric, r.Comparator?.Symbol(), r.Threshold, r.Unit, r.Value,
            r.Value is { } v && r.Comparator is { } c && r.Threshold is { } th ? c.IsMet(v, th) : null))).ToList();
    }

    /// <summary>The tasks of the plans running in the period's year that the units lead — named on their own or through
    /// a group ("Các sở, ban, ngành", "UBND cấp huyện") — each standing as the task board judged it on the last day of
    /// the data window, from the unit's own updates.</summary>
    public static async Task<List<(int UnitId, TaskStatusRow Row)>> TasksAsync(ChiSoDb db, IReadOnlyCollection<int> unitIds, ReportingPeriod period, CancellationToken ct = default)
    {
        var end = period.End;
        var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Year: period.Year), end, ct);
        var wanted = unitIds.ToHashSet();
        var planIds = set!.Tasks.Select(t => t.PlanId).Distinct().ToList();
        var sections = await db.Set<PlanSection>().AsNoTracking().Where(s => planIds.Contains(s.PlanId)).ToDictionaryAsync(s => s.Id, s => s.Title, ct);
        var rows = new List<(int, TaskStatusRow)>();
        foreach (var t in set!.Tasks.OrderBy(t => t.Plan!.Year).ThenBy(t => t.PlanId).ThenBy(t => t.Order))
            foreach (var party in set.Parties(t).Units)
            {
                if (party.Role != AgencyRole.Lead || !wanted.Contains(party.Unit.Id)) continue;
                // A successor reports on what it holds for ended units, with their updates read as its own.
                var s = TaskSet.ShareOf(t, party, end);
                var note = t.Progress.Where(u => u.Date <= end && (u.UnitId == party.Unit.Id || party.HeldFor.Any(h => h.Id == u.UnitId)))
                    .OrderBy(u => u.Date).ThenBy(u => u.FiledAt).ThenBy(u => u.Id).LastOrDefault()?.Text;
                rows.Add((party.Unit.Id, new TaskStatusRow(t.Id, t.PlanId, t.Plan!.Label, t.Number, t.Description, t.DeadlineText, s.Due,
                    s.Status, s.Percent, s.LastUpdate, s.Overdue, note, t.SectionId is { } sid ? sections.GetValueOrDefault(sid) : null)));
            }
        // Stable: each unit's tasks stay in plan order.
        return rows.OrderBy(r => r.Item1).ToList();
    }
}
