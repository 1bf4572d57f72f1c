using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>A plan's header as the standing agency edits it, with the version it was read at.</summary>
public sealed record PlanHeaderEdit(string Title, int Year, PlanKind Kind, string? Number, DateOnly? IssuedOn, string? Issuer,
    string? Implements, List<string>? Purposes, List<string>? Requirements, Guid Concurrency, int? PeriodFrom = null, int? PeriodTo = null);

/// <summary>A task as edited: agencies as written (resolved again), the deadline as written (parsed again),
/// criteria as "framework:code".</summary>
public sealed record TaskEdit(string Number, string Description, List<string>? Lead, List<string>? Cooperating, string? Deadline,
    string? Output, List<string>? Criteria, Guid Concurrency);

/// <summary><paramref name="ConfirmPastDeadlines"/>: the standing agency has seen the tasks whose deadline is already past
/// on the issue date and issues anyway (an old plan entered late); without it such an issue is refused with the list.</summary>
public sealed record IssueRequest(string? Number, DateOnly? IssuedOn, Guid Concurrency, bool ConfirmPastDeadlines = false);

/// <summary>A task whose deadline falls before a day (the issue date): issuing would make it overdue at once.</summary>
public sealed record PastDeadline(int TaskId, string Number, string Description, string? DeadlineText, DateOnly Due);

public sealed record ActualEntry(int Year, ReportingPeriodKind Period, decimal Value);

public enum ChangeOutcome { Done, NotFound, Invalid, Stale }

/// <summary>What a change came to: done with the new state, or why not. The API maps each outcome to its HTTP
/// result; pages show the messages.</summary>
public sealed record PlanChange<T>(ChangeOutcome Outcome, T? Value = default, Dictionary<string, string[]>? Errors = null)
{
    public static PlanChange<T> Done(T value) => new(ChangeOutcome.Done, value);
    public static PlanChange<T> Missing() => new(ChangeOutcome.NotFound);
    public static PlanChange<T> Invalid(Dictionary<string, string[]> errors) => new(ChangeOutcome.Invalid, default, errors);
    public static PlanChange<T> Stale() => new(ChangeOutcome.Stale);
    public string Message => Outcome switch
    {
        ChangeOutcome.Invalid => string.Join(" ", Errors!.Values.SelectMany(v => v)),
        ChangeOutcome.Stale => "Dữ liệu đã được người khác sửa. Hãy tải lại rồi sửa lại.",
        ChangeOutcome.NotFound => "Không tìm thấy.",
        _ => "",
    };
}

public sealed partial class PlanService
{
    /// <summary>The largest source file accepted: scanned plans with appendices run to a few megabytes.</summary>
    public const long MaxSourceBytes = UploadedFiles.MaxBytes;

    /// <summary>Plans (their header, tasks, targets' actuals, source document, issue) are the standing agency's; units
    /// report on their tasks through <see cref="TaskBoardProgress"/>.</summary>
    public static bool MayEdit(Actor actor) => actor.IsAdmin;

    internal static void RequireEdit(Actor actor) =>
        actor.Require(MayEdit(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được lập, sửa và ban hành kế hoạch.");

    public async Task<PlanChange<PlanDetail>> EditHeaderAsync(int id, PlanHeaderEdit e, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return PlanChange<PlanDetail>.Missing();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(e.Title)) errors["title"] = ["Kế hoạch cần có tiêu đề."];
        if (e.Year is < 2000 or > 2100) errors["year"] = [$"Năm kế hoạch {e.Year} không hợp lệ."];
        if (!Enum.IsDefined(e.Kind)) errors["kind"] = ["Loại kế hoạch không hợp lệ."];
        if (PlanImporter.PeriodProblem(e.Year, e.PeriodFrom, e.PeriodTo) is { } period) errors["period"] = [period];
        var number = Blank(e.Number);
        if (number is not null && await db.Plans.AnyAsync(p => p.Id != id && p.Number == number && p.Year == e.Year, ct))
            errors["number"] = [$"Kế hoạch {number} năm {e.Year} đã có trong hệ thống."];
        if (plan.Status == PlanStatus.Issued && number is null) errors["number"] = ["Kế hoạch đã ban hành phải có số."];
        Unit? issuer = null;
        if (Blank(e.Issuer) is { } name && (issuer = (await UnitDirectory.LoadAsync(db, ct)).Find(name)) is null)
            errors["issuer"] = [$"Không tìm thấy cơ quan ban hành '{name}'."];
        if (errors.Count > 0) return PlanChange<PlanDetail>.Invalid(errors);
        if (plan.Concurrency != e.Concurrency) return PlanChange<PlanDetail>.Stale();

        if (plan.Year != e.Year)
        {
            // Deadlines that leave out the year ("Quý III", "Hằng quý") are read in the plan's year.
            foreach (var task in await db.PlanTasks.Where(t => t.PlanId == id).ToListAsync(ct))
                PlanTasks.ApplyDeadline(task, Deadline.Parse(task.DeadlineText, e.Year));
        }
        plan.Title = e.Title.Trim();
        plan.Year = e.Year;
        plan.PeriodFrom = e.PeriodFrom;
        plan.PeriodTo = e.PeriodTo;
        plan.Kind = e.Kind;
        plan.Number = number;
        plan.IssuedOn = e.IssuedOn;
        plan.IssuerId = issuer?.Id;
        plan.Implements = Blank(e.Implements);
        if (e.Purposes is not null) plan.Purposes = Lines(e.Purposes);
        if (e.Requirements is not null) plan.Requirements = Lines(e.Requirements);
        plan.Concurrency = Guid.NewGuid();
        return await SaveAsync(id, ct);
    }

    public async Task<PlanChange<TaskLine>> EditTaskAsync(int planId, int taskId, TaskEdit e, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId, ct);
        var task = await db.PlanTasks.Include(t => t.Agencies).Include(t => t.Criteria)
            .FirstOrDefaultAsync(t => t.Id == taskId && t.PlanId == planId, ct);
        if (plan is null || task is null) return PlanChange<TaskLine>.Missing();
        var (errors, criteria) = await CheckTaskAsync(planId, taskId, e, ct);
        if (errors.Count > 0) return PlanChange<TaskLine>.Invalid(errors);
        if (task.Concurrency != e.Concurrency) return PlanChange<TaskLine>.Stale();

        var before = TaskText(task);
        await ApplyTaskAsync(task, plan, e, criteria, ct);
        task.Concurrency = Guid.NewGuid();
        AuditTask(actor, plan, task, before, TaskText(task), "Sửa nhiệm vụ");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PlanChange<TaskLine>.Stale();
        }
        return PlanChange<TaskLine>.Done(await LineAsync(planId, taskId, ct));
    }

    /// <summary>Adds a task to a draft plan, at the end of the section given (by code) or of the plan. An issued plan is
    /// what units carry out: its tasks are no longer added or removed.</summary>
    public async Task<PlanChange<TaskLine>> AddTaskAsync(int planId, TaskEdit e, Actor actor, string? section = null, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var plan = await db.Plans.AsNoTracking().Include(p => p.Sections).FirstOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null) return PlanChange<TaskLine>.Missing();
        var (errors, criteria) = await CheckTaskAsync(planId, null, e, ct);
        if (plan.Status == PlanStatus.Issued) errors["status"] = [$"Kế hoạch đã ban hành ({plan.Label}): không thêm nhiệm vụ được nữa."];
        var sectionId = Blank(section) is { } code ? plan.Sections.FirstOrDefault(s => s.Code == code)?.Id : null;
        if (Blank(section) is { } wanted && sectionId is null) errors["section"] = [$"Kế hoạch không có phần '{wanted}'."];
        if (errors.Count > 0) return PlanChange<TaskLine>.Invalid(errors);

        var order = await db.PlanTasks.Where(t => t.PlanId == planId).Select(t => (int?)t.Order).MaxAsync(ct) ?? -1;
        var task = new PlanTask { PlanId = planId, SectionId = sectionId, Number = "", Description = "", Order = order + 1 };
        await ApplyTaskAsync(task, plan, e, criteria, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PlanTasks.Add(task);
        await db.SaveChangesAsync(ct);
        AuditTask(actor, plan, task, null, TaskText(task), "Thêm nhiệm vụ vào dự thảo");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return PlanChange<TaskLine>.Done(await LineAsync(planId, task.Id, ct));
    }

    /// <summary>Removes a task from a draft plan (with its agencies and criteria). A task with sub-items or with progress
    /// filed stays: the first would orphan its items, the second lose what a unit reported.</summary>
    public async Task<PlanChange<PlanDetail>> RemoveTaskAsync(int planId, int taskId, Guid concurrency, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId, ct);
        var task = await db.PlanTasks.Include(t => t.Agencies).Include(t => t.Criteria)
            .FirstOrDefaultAsync(t => t.Id == taskId && t.PlanId == planId, ct);
        if (plan is null || task is null) return PlanChange<PlanDetail>.Missing();
        var errors = new Dictionary<string, string[]>();
        if (plan.Status == PlanStatus.Issued) errors["status"] = [$"Kế hoạch đã ban hành ({plan.Label}): không bỏ nhiệm vụ được nữa."];
        else if (await db.PlanTasks.AnyAsync(t => t.ParentId == taskId, ct)) errors["task"] = [$"Nhiệm vụ {task.Number} có nhiệm vụ con: bỏ các nhiệm vụ con trước."];
        else if (await db.ProgressUpdates.AnyAsync(u => u.TaskId == taskId, ct)) errors["task"] = [$"Nhiệm vụ {task.Number} đã có báo cáo tiến độ: không bỏ được."];
        if (errors.Count > 0) return PlanChange<PlanDetail>.Invalid(errors);
        if (task.Concurrency != concurrency) return PlanChange<PlanDetail>.Stale();
        AuditTask(actor, plan, task, TaskText(task), null, "Bỏ nhiệm vụ khỏi dự thảo");
        db.PlanTasks.Remove(task);
        return await SaveAsync(planId, ct);
    }

    /// <summary>The tasks whose deadline (a date or the end of a range) falls before <paramref name="day"/>: issued on that
    /// day they would be overdue at once. Recurring tasks are not listed: their occurrences start at the issue (decision 0021).</summary>
    public async Task<List<PastDeadline>> PastDeadlinesAsync(int planId, DateOnly day, CancellationToken ct = default) =>
        (await db.PlanTasks.AsNoTracking()
            .Where(t => t.PlanId == planId && (t.DeadlineKind == DeadlineKind.Date || t.DeadlineKind == DeadlineKind.Range) && t.Due != null && t.Due < day)
            .OrderBy(t => t.Order)
            .Select(t => new PastDeadline(t.Id, t.Number, t.Description, t.DeadlineText, t.Due!.Value))
            .ToListAsync(ct));

    async Task<(Dictionary<string, string[]> Errors, List<(string Framework, string Code)> Criteria)> CheckTaskAsync(int planId, int? taskId, TaskEdit e,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var number = Blank(e.Number);
        if (number is null) errors["number"] = ["Nhiệm vụ cần có số thứ tự."];
        else if (number.Length > 30) errors["number"] = ["Số thứ tự nhiệm vụ dài quá 30 ký tự."];
        else if (await db.PlanTasks.AnyAsync(t => t.PlanId == planId && t.Id != taskId && t.Number == number, ct))
            errors["number"] = [$"Số thứ tự nhiệm vụ '{number}' đã có trong kế hoạch."];
        if (string.IsNullOrWhiteSpace(e.Description)) errors["description"] = ["Nhiệm vụ cần có nội dung."];
        var criteria = await CriteriaAsync(e.Criteria ?? [], errors, ct);
        return (errors, criteria);
    }

    async Task ApplyTaskAsync(PlanTask task, Plan plan, TaskEdit e, List<(string Framework, string Code)> criteria, CancellationToken ct)
    {
        var units = await UnitDirectory.LoadAsync(db, ct);
        task.Number = Blank(e.Number)!;
        task.Description = e.Description.Trim();
        task.Output = Blank(e.Output);
        // The text is kept exactly as typed, even when it cannot be read; only what it means is recomputed.
        PlanTasks.ApplyDeadline(task, Deadline.Parse(e.Deadline, plan.Year));
        task.Agencies.Clear();
        task.Agencies.AddRange(PlanImporter.Agencies(units, e.Lead ?? [], AgencyRole.Lead)
            .Concat(PlanImporter.Agencies(units, e.Cooperating ?? [], AgencyRole.Cooperating)));
        // Points at stake were set when the task was drafted from gaps; a criterion kept keeps them.
        var stake = task.Criteria.ToDictionary(c => (c.Framework, c.Code), c => c.PointsAtStake);
        task.Criteria.Clear();
        task.Criteria.AddRange(criteria.Select(c => new TaskCriterion { Framework = c.Framework, Code = c.Code, PointsAtStake = stake.GetValueOrDefault(c) }));
    }

    async Task<TaskLine> LineAsync(int planId, int taskId, CancellationToken ct) =>
        (await GetAsync(planId, ct))!.Sections.SelectMany(s => s.Tasks).First(t => t.Id == taskId);

    static string TaskText(PlanTask t) =>
        $"{t.Number}. {t.Description} | Tiến độ: {t.DeadlineText} | Chủ trì: {string.Join("; ", t.Agencies.Where(a => a.Role == AgencyRole.Lead).Select(a => a.Name))}"
        + $" | Phối hợp: {string.Join("; ", t.Agencies.Where(a => a.Role == AgencyRole.Cooperating).Select(a => a.Name))}"
        + $" | Tiêu chí: {string.Join(", ", t.Criteria.Select(c => $"{c.Framework}:{c.Code}"))}" + (t.Output is null ? "" : $" | Sản phẩm: {t.Output}");

    void AuditTask(Actor actor, Plan plan, PlanTask task, string? before, string? after, string reason) =>
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"plan:{plan.Id}/task:{task.Id}", Field = "task",
            OldValue = before, NewValue = after, Reason = $"{reason} {task.Number} ({plan.Label})",
        });

    /// <summary>Issuing gives a draft its number and date; an issued plan is what units carry out.</summary>
    public async Task<PlanChange<PlanDetail>> IssueAsync(int id, IssueRequest r, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return PlanChange<PlanDetail>.Missing();
        var errors = new Dictionary<string, string[]>();
        var number = Blank(r.Number);
        if (plan.Status == PlanStatus.Issued) errors["status"] = [$"Kế hoạch đã ban hành ({plan.Label})."];
        if (number is null) errors["number"] = ["Cần ghi số kế hoạch, ví dụ 430/KH-UBND."];
        else if (number.Length > 60) errors["number"] = ["Số kế hoạch dài quá 60 ký tự."];
        else if (await db.Plans.AnyAsync(p => p.Id != id && p.Number == number && p.Year == plan.Year, ct))
            errors["number"] = [$"Kế hoạch {number} năm {plan.Year} đã có trong hệ thống."];
        if (r.IssuedOn is null) errors["issuedOn"] = ["Cần ghi ngày ban hành."];
        else if (!r.ConfirmPastDeadlines && errors.Count == 0 && await PastDeadlinesAsync(id, r.IssuedOn.Value, ct) is { Count: > 0 } past)
            errors["deadlines"] = [$"{past.Count} nhiệm vụ có hạn trước ngày ban hành {ViText.Date(r.IssuedOn)}, sẽ quá hạn ngay khi ban hành: "
                + string.Join("; ", past.Take(10).Select(p => $"{p.Number} ({p.DeadlineText}, hạn {ViText.Date(p.Due)})")) + (past.Count > 10 ? $"; và {past.Count - 10} nhiệm vụ khác" : "")
                + ". Sửa tiến độ các nhiệm vụ này, hoặc xác nhận ban hành như vậy."];
        if (errors.Count > 0) return PlanChange<PlanDetail>.Invalid(errors);
        if (plan.Concurrency != r.Concurrency) return PlanChange<PlanDetail>.Stale();
        plan.Number = number;
        plan.IssuedOn = r.IssuedOn;
        plan.Status = PlanStatus.Issued;
        plan.Concurrency = Guid.NewGuid();
        return await SaveAsync(id, ct);
    }

    /// <summary>Records a target's actual for one reporting period; a second entry for the period replaces the first.</summary>
    public async Task<PlanChange<TargetStanding>> RecordActualAsync(int planId, int targetId, ActualEntry e, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var user = actor.Name;
        var target = await db.PlanTargets.Include(t => t.Actuals).FirstOrDefaultAsync(t => t.Id == targetId && t.PlanId == planId, ct);
        if (target is null) return PlanChange<TargetStanding>.Missing();
        var errors = new Dictionary<string, string[]>();
        if (e.Year is < 2000 or > 2100) errors["year"] = [$"Năm {e.Year} không hợp lệ."];
        if (!Enum.IsDefined(e.Period)) errors["period"] = ["Kỳ báo cáo không hợp lệ (Q1, H1, Q3, Year)."];
        if (Math.Abs(e.Value) >= 10_000_000_000m) errors["value"] = ["Giá trị quá lớn."];
        if (errors.Count > 0) return PlanChange<TargetStanding>.Invalid(errors);
        var actual = target.Actuals.FirstOrDefault(a => a.Year == e.Year && a.Period == e.Period);
        if (actual is null) target.Actuals.Add(actual = new TargetActual { Year = e.Year, Period = e.Period, RecordedBy = user });
        actual.Value = e.Value;
        actual.RecordedBy = user;
        actual.RecordedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        var detail = await GetAsync(planId, ct);
        return PlanChange<TargetStanding>.Done(detail!.Targets.First(t => t.Id == targetId));
    }

    /// <summary>Attaches the plan's source document. The type is judged from the name and the file's first
    /// bytes, not from what the browser claims; the same content uploaded twice is stored once.</summary>
    public async Task<PlanChange<SourceFileInfo>> AttachSourceAsync(int id, string fileName, Stream content, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return PlanChange<SourceFileInfo>.Missing();
        var (candidate, error) = UploadedFiles.Check(fileName ?? "", await UploadedFiles.ReadAsync(content, ct), images: false, actor, clock.GetUtcNow().UtcDateTime);
        if (error is not null) return PlanChange<SourceFileInfo>.Invalid(new() { ["file"] = [error] });
        var file = await UploadedFiles.KeepOnceAsync(db, candidate!, ct);
        await db.SaveChangesAsync(ct);
        plan.SourceFileId = file.Id;
        plan.SourceFileName = candidate!.Name;
        await db.SaveChangesAsync(ct);
        return PlanChange<SourceFileInfo>.Done(new SourceFileInfo(candidate.Name, file.ContentType, file.Size, file.Sha256, file.UploadedAt));
    }

    /// <summary>The plan's document under the name it was attached with.</summary>
    public async Task<(StoredFile File, string Name)?> SourceFileAsync(int id, CancellationToken ct = default) =>
        await db.Plans.Where(p => p.Id == id && p.SourceFileId != null)
            .Join(db.Files, p => p.SourceFileId, f => f.Id, (p, f) => new { f, p.SourceFileName }).AsNoTracking().FirstOrDefaultAsync(ct) is { } x
            ? (x.f, x.SourceFileName ?? x.f.Name) : null;

    /// <summary>Criteria as "framework:code", each checked against the framework's criteria of any version.</summary>
    async Task<List<(string Framework, string Code)>> CriteriaAsync(List<string> refs, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var parsed = new List<(string, string)>();
        var bad = new List<string>();
        foreach (var r in refs.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct())
        {
            if (r.Split(':') is not [var key, { Length: > 0 } code]) { bad.Add($"Tiêu chí '{r}' không đúng dạng bộ-chỉ-số:mã, ví dụ par-province:3.2."); continue; }
            var exists = await db.Criteria.AnyAsync(c => c.Code == code.Trim() && db.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Framework!.Key == key.Trim()), ct);
            if (!exists) bad.Add($"Không có tiêu chí '{code.Trim()}' trong bộ chỉ số '{key.Trim()}'.");
            else parsed.Add((key.Trim(), code.Trim()));
        }
        if (bad.Count > 0) errors["criteria"] = [.. bad];
        return parsed;
    }

    async Task<PlanChange<PlanDetail>> SaveAsync(int id, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PlanChange<PlanDetail>.Stale();
        }
        return PlanChange<PlanDetail>.Done((await GetAsync(id, ct))!);
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    static List<string> Lines(IEnumerable<string> lines) => lines.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToList();
}
