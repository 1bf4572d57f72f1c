using ChiSo.Features.Files;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>Creates a plan from a <see cref="PlanDocument"/>, all or nothing. Agencies are matched to units or
/// groups of units; a name that matches neither is kept as written (and listed), never dropped. Deadlines are
/// parsed; one that cannot be understood keeps its text and is flagged.</summary>
public sealed class PlanImporter(ChiSoDb db, TimeProvider clock)
{
    /// <summary>Tasks a plan document may hold (README "Limits of imports").</summary>
    public static readonly ImportLimits Limits = ImportLimits.Plan;

    public async Task<(Plan? Plan, IReadOnlyList<ImportProblem> Problems)> ImportAsync(PlanDocument doc, Actor actor, CancellationToken ct = default)
    {
        PlanService.RequireEdit(actor);
        ImportedFiles.NfcDocument(doc);
        if (Count(doc.Tasks) + doc.Targets.Count > Limits.MaxRows) throw Limits.TooManyRows();
        var problems = new List<ImportProblem>();
        if (string.IsNullOrWhiteSpace(doc.Title)) problems.Add(new("Kế hoạch thiếu tiêu đề."));
        if (doc.Year is < 2000 or > 2100) problems.Add(new($"Năm kế hoạch {doc.Year} không hợp lệ."));
        if (ParseKind(doc.Kind) is null) problems.Add(new($"Loại kế hoạch '{doc.Kind}' không hợp lệ."));
        if (PeriodProblem(doc.Year, doc.PeriodFrom, doc.PeriodTo) is { } period) problems.Add(new(period));
        if (doc.Number is not null && await db.Plans.AnyAsync(p => p.Number == doc.Number && p.Year == doc.Year, ct))
            problems.Add(new($"Kế hoạch {doc.Number} năm {doc.Year} đã có trong hệ thống."));
        var sections = doc.Sections.Select(s => s.Code).ToHashSet();
        var numbers = new HashSet<string>();
        var frameworks = await db.Frameworks.Select(f => f.Key).ToListAsync(ct);
        foreach (var t in Flatten(doc.Tasks))
        {
            if (!numbers.Add(t.Number)) problems.Add(new($"Số thứ tự nhiệm vụ '{t.Number}' bị trùng.") { Where = t.Number });
            if (t.Section is { Length: > 0 } s && !sections.Contains(s)) problems.Add(new($"Nhiệm vụ thuộc mục '{s}' không có trong kế hoạch.") { Where = t.Number });
            if (string.IsNullOrWhiteSpace(t.Description)) problems.Add(new("Nhiệm vụ thiếu nội dung.") { Where = t.Number });
            foreach (var c in t.Criteria.Where(c => c.Split(':') is not [var key, { Length: > 0 }] || !frameworks.Contains(key)))
                problems.Add(new($"Tiêu chí '{c}' không hợp lệ (dạng bộ-chỉ-số:mã, ví dụ par-province:3.2).") { Where = t.Number });
        }
        foreach (var t in doc.Targets.Where(t => t.Comparator is not null && Comparators.Parse(t.Comparator) is null))
            problems.Add(new($"Phép so sánh '{t.Comparator}' của chỉ tiêu '{t.Metric}' không hợp lệ."));
        var units = await UnitDirectory.LoadAsync(db, ct);
        var issuer = doc.Issuer is null ? null : units.Find(doc.Issuer);
        if (doc.Issuer is not null && issuer is null) problems.Add(new($"Không tìm thấy cơ quan ban hành '{doc.Issuer}'."));
        if (problems.Count > 0) return (null, ImportProblem.Rows(problems) is var rows && rows.MoreRows > 0
            ? [.. rows.Problems, new ImportProblem(ProblemRows.More(rows.MoreRows))] : problems);

        var parent = doc.Implements is null ? null : await db.Plans.FirstOrDefaultAsync(p => p.Number == doc.Implements, ct);
        var plan = new Plan
        {
            Number = doc.Number, IssuedOn = doc.IssuedOn, IssuerId = issuer?.Id, Title = doc.Title, Year = doc.Year,
            PeriodFrom = doc.PeriodFrom, PeriodTo = doc.PeriodTo,
            Kind = ParseKind(doc.Kind)!.Value, Status = StatusOf(doc),
            ParentId = parent?.Id, Implements = parent is null ? doc.Implements : null,
            Frameworks = doc.Frameworks, Purposes = doc.Purposes, Requirements = doc.Requirements, Source = doc.Source,
            Sections = doc.Sections.Select((s, i) => new PlanSection { Code = s.Code, Title = s.Title, Framework = s.Framework, Notes = s.Notes, Order = i }).ToList(),
            Targets = doc.Targets.Select((t, i) => new PlanTarget
            {
                Kind = t.Kind == "criterion" ? PlanTargetKind.Criterion : PlanTargetKind.Kpi, Framework = t.Framework, Criterion = t.Criterion,
                Metric = t.Metric, Comparator = Comparators.Parse(t.Comparator), Threshold = t.Threshold, Unit = t.Unit, Text = t.Text,
                Leads = t.Lead, Order = i,
            }).ToList(),
        };
        db.Plans.Add(plan);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await AddTasksAsync(plan, doc, units, ct);
        await tx.CommitAsync(ct);
        return (plan, []);
    }

    static PlanStatus StatusOf(PlanDocument doc) =>
        doc.Number is not null || doc.Status == "issued" ? PlanStatus.Issued : PlanStatus.Draft;

    /// <summary>Completes a built-in plan stored before its document held tasks (seed 004's Tây Hồ plan was a draft with
    /// none): its sections, tasks, status and what the header left empty are taken from the document, once. A plan that
    /// is issued or has tasks already belongs to its users and is left alone. True when the plan was completed.</summary>
    internal async Task<bool> CompleteAsync(Plan plan, PlanDocument doc, Actor actor, CancellationToken ct = default)
    {
        PlanService.RequireEdit(actor);
        if (plan.Status != PlanStatus.Draft || doc.Tasks.Count == 0 || await db.PlanTasks.AnyAsync(t => t.PlanId == plan.Id, ct)) return false;
        ImportedFiles.NfcDocument(doc);
        var units = await UnitDirectory.LoadAsync(db, ct);
        var had = await db.Set<PlanSection>().Where(s => s.PlanId == plan.Id).Select(s => s.Code).ToListAsync(ct);
        var order = had.Count;
        foreach (var s in doc.Sections.Where(s => !had.Contains(s.Code)))
            db.Add(new PlanSection { PlanId = plan.Id, Code = s.Code, Title = s.Title, Framework = s.Framework, Notes = s.Notes, Order = order++ });
        var status = plan.Status;
        plan.Number ??= doc.Number;
        plan.IssuedOn ??= doc.IssuedOn;
        plan.PeriodFrom ??= doc.PeriodFrom;
        plan.PeriodTo ??= doc.PeriodTo;
        plan.Status = StatusOf(doc);
        plan.Source = doc.Source;
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"plan:{plan.Id}", Field = "tasks",
            OldValue = status.ToString(), NewValue = $"{plan.Status}, {Count(doc.Tasks)} nhiệm vụ",
            Reason = "Bổ sung nhiệm vụ của kế hoạch có sẵn từ tài liệu nguồn",
        });
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await AddTasksAsync(plan, doc, units, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    async Task AddTasksAsync(Plan plan, PlanDocument doc, UnitDirectory units, CancellationToken ct)
    {
        var sectionIds = await db.Set<PlanSection>().Where(s => s.PlanId == plan.Id).ToDictionaryAsync(s => s.Code, s => s.Id, ct);
        var order = 0;
        async Task AddAsync(IEnumerable<TaskDocument> tasks, PlanTask? parentTask)
        {
            var added = new List<(TaskDocument, PlanTask)>();
            foreach (var t in tasks)
            {
                var deadline = Deadline.Parse(t.Deadline, doc.Year);
                var task = new PlanTask
                {
                    PlanId = plan.Id, ParentId = parentTask?.Id, Number = t.Number, Description = t.Description,
                    SectionId = t.Section is { Length: > 0 } s ? sectionIds[s] : parentTask?.SectionId,
                    Output = t.Output, Notes = t.Notes, Order = order++,
                    Agencies = Agencies(units, t.Lead, AgencyRole.Lead).Concat(Agencies(units, t.Cooperating, AgencyRole.Cooperating)).ToList(),
                    Criteria = t.Criteria.Select(c => c.Split(':')).Select(c => new TaskCriterion { Framework = c[0], Code = c[1] }).ToList(),
                };
                PlanTasks.ApplyDeadline(task, deadline);
                db.PlanTasks.Add(task);
                added.Add((t, task));
            }
            await db.SaveChangesAsync(ct);
            foreach (var (t, task) in added.Where(a => a.Item1.Children.Count > 0))
                await AddAsync(t.Children, task);
        }
        await AddAsync(doc.Tasks, null);
    }

    public static IEnumerable<TaskAgency> Agencies(UnitDirectory units, IEnumerable<string> names, AgencyRole role) =>
        names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n =>
        {
            var (unit, group) = units.Resolve(n);
            return new TaskAgency { Role = role, Name = n.Trim(), UnitId = unit?.Id, GroupId = unit is null ? group?.Id : null };
        });

    /// <summary>A period must hold the plan's year ("giai đoạn 2021–2025" for a 2021 plan); either end may be left out.</summary>
    public static string? PeriodProblem(int year, int? from, int? to) =>
        (from ?? year) > year || (to ?? year) < year || from is < 2000 or > 2100 || to is < 2000 or > 2100
            ? $"Giai đoạn {from ?? year}–{to ?? year} của kế hoạch không chứa năm {year} của kế hoạch."
            : null;

    static IEnumerable<TaskDocument> Flatten(IEnumerable<TaskDocument> tasks) => tasks.SelectMany(t => Flatten(t.Children).Prepend(t));

    public static PlanKind? ParseKind(string kind) => kind switch
    {
        "index-improvement" => PlanKind.IndexImprovement,
        "annual-par" => PlanKind.AnnualPar,
        "unit-plan" => PlanKind.UnitPlan,
        _ => null,
    };

    static int Count(List<TaskDocument> tasks) => tasks.Count + tasks.Sum(t => Count(t.Children));
}
