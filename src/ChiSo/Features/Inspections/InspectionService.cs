using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Inspections;

/// <summary>A year's inspection plan: the inspections, and the units that must be inspected but are not in it.</summary>
public sealed record InspectionPlan(int Year, int Units, IReadOnlyList<InspectionRow> Inspections, IReadOnlyList<UnitRef> Missing)
{
    public bool CoversEveryUnit => Missing.Count == 0;
}

public sealed record UnitRef(string Code, string Name);

public sealed record InspectionRow(int Id, string Unit, string UnitName, DateOnly? PlannedOn, DateOnly? HeldOn, string? Team, string? Notes,
    IReadOnlyList<FindingRow> Findings);

/// <summary>A finding with the remediation task that tracks it.</summary>
public sealed record FindingRow(int Id, string Text, int? TaskId, int? PlanId, string? TaskNumber, string? DeadlineText, DateOnly? Due,
    ProgressStatus? Status, int? Percent);

/// <summary>An inspection to add (unit and year required) or to record (date held, team, notes).</summary>
public sealed record InspectionEdit(string? Unit, int? Year, DateOnly? PlannedOn, DateOnly? HeldOn, string? Team, string? Notes);

/// <summary>A finding and how its remediation is due, written as plans write deadlines ("Quý III/2024").</summary>
public sealed record FindingRequest(string? Text, string? Deadline, string? Task);

public enum InspectionOutcomeKind { Ok, NotFound, Invalid }

public sealed record InspectionOutcome<T>(InspectionOutcomeKind Kind, T? Value = default, Dictionary<string, string[]>? Errors = null);

/// <summary>The yearly inspection plan (seed 004 V.1: every unit inspected at least once a year), inspections
/// and their findings; each finding becomes a task of the year's remediation plan, tracked like any other.</summary>
public sealed class InspectionService(ChiSoDb db)
{
    /// <summary>The inspection plan and its results are the standing agency's.</summary>
    public static bool MayEdit(Actor actor) => actor.IsAdmin;

    static void RequireEdit(Actor actor) =>
        actor.Require(MayEdit(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được lập kế hoạch và ghi kết quả kiểm tra.");

    public static string RemediationTitle(int year) => $"Khắc phục tồn tại sau kiểm tra CCHC năm {year}";

    /// <summary>Units to inspect in a year: those that report to the standing agency and exist on some day of it.</summary>
    public async Task<List<Unit>> UnitsAsync(int year, CancellationToken ct = default)
    {
        var (first, last) = (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        return (await db.Units.AsNoTracking().ToListAsync(ct))
            .Where(u => ReportingSchedule.ReportingKinds.Contains(u.Kind) && (u.ValidFrom is null || u.ValidFrom <= last) && (u.ValidTo is null || u.ValidTo >= first))
            .OrderBy(u => ReportingSchedule.ReportingKinds.ToList().IndexOf(u.Kind)).ThenBy(u => u.Name, StringComparer.Create(ViText.Vi, false))
            .ToList();
    }

    public Task<int> YearOfAsync(int id, CancellationToken ct = default) =>
        db.Inspections.Where(i => i.Id == id).Select(i => i.Year).SingleAsync(ct);

    public async Task<InspectionPlan> PlanAsync(int year, CancellationToken ct = default)
    {
        var units = await UnitsAsync(year, ct);
        var inspections = await db.Inspections.AsNoTracking().Include(i => i.Unit).Include(i => i.Findings).ThenInclude(f => f.Task)
            .Where(i => i.Year == year).ToListAsync(ct);
        var taskIds = inspections.SelectMany(i => i.Findings).Where(f => f.TaskId != null).Select(f => f.TaskId!.Value).ToList();
        var latest = (await db.ProgressUpdates.AsNoTracking().Where(p => taskIds.Contains(p.TaskId))
                .Select(p => new { p.TaskId, p.Date, p.Id, p.Status, p.Percent }).ToListAsync(ct))
            .GroupBy(p => p.TaskId).ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Date).ThenByDescending(p => p.Id).First());
        var order = units.Select((u, i) => (u.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var rows = inspections
            .OrderBy(i => i.PlannedOn ?? i.HeldOn ?? DateOnly.MaxValue).ThenBy(i => order.GetValueOrDefault(i.UnitId, int.MaxValue)).ThenBy(i => i.Id)
            .Select(i => new InspectionRow(i.Id, i.Unit!.Code, i.Unit.Name, i.PlannedOn, i.HeldOn, i.Team, i.Notes,
                i.Findings.OrderBy(f => f.Id).Select(f => new FindingRow(f.Id, f.Text, f.TaskId, f.Task?.PlanId, f.Task?.Number, f.Task?.DeadlineText, f.Task?.Due,
                    f.TaskId is { } t ? latest.TryGetValue(t, out var p) ? p.Status : ProgressStatus.NotStarted : null,
                    f.TaskId is { } t2 ? latest.TryGetValue(t2, out var p2) ? p2.Percent : 0 : null)).ToList()))
            .ToList();
        var inspected = inspections.Select(i => i.UnitId).ToHashSet();
        return new InspectionPlan(year, units.Count, rows, units.Where(u => !inspected.Contains(u.Id)).Select(u => new UnitRef(u.Code, u.Name)).ToList());
    }

    /// <summary>Adds an inspection for every unit of the year not yet in the plan; safe to run again. Planned
    /// dates are spread over April–November (after the year's plans are in place, before the year report), one
    /// month after another, and kept inside the unit's lifetime — the team then moves them as it needs.</summary>
    public async Task<int> GeneratePlanAsync(int year, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var units = await UnitsAsync(year, ct);
        var inspected = (await db.Inspections.Where(i => i.Year == year).Select(i => i.UnitId).ToListAsync(ct)).ToHashSet();
        var added = 0;
        foreach (var (u, i) in units.Where(u => !inspected.Contains(u.Id)).Select((u, i) => (u, i)))
        {
            var planned = new DateOnly(year, 4 + i % 8, 15);
            if (u.ValidFrom is { } from && planned < from) planned = from;
            if (u.ValidTo is { } to && planned > to) planned = to;
            db.Inspections.Add(new Inspection { Year = year, UnitId = u.Id, PlannedOn = planned });
            added++;
        }
        await db.SaveChangesAsync(ct);
        return added;
    }

    public async Task<InspectionOutcome<int>> AddAsync(InspectionEdit edit, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var errors = new Dictionary<string, string[]>();
        if (edit.Year is not (>= 2000 and <= 2100)) errors["year"] = ["Năm không hợp lệ."];
        var unit = string.IsNullOrWhiteSpace(edit.Unit) ? null : await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == edit.Unit, ct);
        if (unit is null) errors["unit"] = [$"Không có đơn vị '{edit.Unit}'."];
        if (errors.Count > 0) return new(InspectionOutcomeKind.Invalid, Errors: errors);
        var inspection = new Inspection { Year = edit.Year!.Value, UnitId = unit!.Id };
        if (Apply(inspection, edit) is { Count: > 0 } invalid) return new(InspectionOutcomeKind.Invalid, Errors: invalid);
        db.Inspections.Add(inspection);
        await db.SaveChangesAsync(ct);
        return new(InspectionOutcomeKind.Ok, inspection.Id);
    }

    public async Task<InspectionOutcome<int>> RecordAsync(int id, InspectionEdit edit, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var inspection = await db.Inspections.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (inspection is null) return new(InspectionOutcomeKind.NotFound);
        if (Apply(inspection, edit) is { Count: > 0 } errors) return new(InspectionOutcomeKind.Invalid, Errors: errors);
        await db.SaveChangesAsync(ct);
        return new(InspectionOutcomeKind.Ok, inspection.Id);
    }

    static Dictionary<string, string[]> Apply(Inspection inspection, InspectionEdit edit)
    {
        var errors = new Dictionary<string, string[]>();
        if (edit.PlannedOn is { } p && p.Year != inspection.Year) errors["plannedOn"] = [$"Ngày dự kiến phải trong năm {inspection.Year}."];
        if (edit.HeldOn is { } h && h.Year != inspection.Year) errors["heldOn"] = [$"Ngày kiểm tra phải trong năm {inspection.Year}."];
        if (edit.Team?.Length > 500) errors["team"] = ["Thành phần đoàn dài quá 500 ký tự."];
        if (errors.Count > 0) return errors;
        inspection.PlannedOn = edit.PlannedOn ?? inspection.PlannedOn;
        inspection.HeldOn = edit.HeldOn;
        inspection.Team = string.IsNullOrWhiteSpace(edit.Team) ? null : edit.Team.Trim();
        inspection.Notes = string.IsNullOrWhiteSpace(edit.Notes) ? null : edit.Notes.Trim();
        return errors;
    }

    /// <summary>Records a finding and its remediation task: in the year's remediation plan (created on first
    /// need), led by the inspected unit, due as the user wrote it — a text the parser cannot read is kept and
    /// flagged like any plan's.</summary>
    public async Task<InspectionOutcome<FindingRow>> AddFindingAsync(int inspectionId, FindingRequest request, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var inspection = await db.Inspections.Include(i => i.Unit).FirstOrDefaultAsync(i => i.Id == inspectionId, ct);
        if (inspection is null) return new(InspectionOutcomeKind.NotFound);
        if (string.IsNullOrWhiteSpace(request.Text))
            return new(InspectionOutcomeKind.Invalid, Errors: new() { ["text"] = ["Cần ghi nội dung tồn tại, hạn chế."] });

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var title = RemediationTitle(inspection.Year);
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Title == title && p.Year == inspection.Year, ct);
        if (plan is null)
        {
            var standing = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == "SNV", ct);
            db.Plans.Add(plan = new Plan
            {
                Title = title, Year = inspection.Year, Kind = PlanKind.UnitPlan, Status = PlanStatus.Issued, IssuerId = standing?.Id,
                Purposes = [$"Theo dõi việc khắc phục các tồn tại, hạn chế phát hiện qua kiểm tra công tác cải cách hành chính năm {inspection.Year}."],
            });
            await db.SaveChangesAsync(ct);
        }
        var numbers = await db.PlanTasks.Where(t => t.PlanId == plan.Id).Select(t => t.Number).ToListAsync(ct);
        var order = numbers.Count;
        var number = numbers.Select(n => int.TryParse(n, out var x) ? x : 0).DefaultIfEmpty(0).Max() + 1;
        var unit = inspection.Unit!;
        var task = new PlanTask
        {
            PlanId = plan.Id,
            Number = number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Description = string.IsNullOrWhiteSpace(request.Task) ? $"Khắc phục tồn tại sau kiểm tra CCHC: {request.Text.Trim()}" : request.Task.Trim(),
            Notes = $"Kiểm tra CCHC tại {unit.Name}" + (inspection.HeldOn is { } held ? $" ngày {ViText.Date(held)}" : ""),
            Order = order,
            Agencies = [new TaskAgency { Role = AgencyRole.Lead, Name = unit.Name, UnitId = unit.Id }],
        };
        PlanTasks.ApplyDeadline(task, Deadline.Parse(request.Deadline, inspection.Year));
        var finding = new InspectionFinding { InspectionId = inspection.Id, Text = request.Text.Trim(), Task = task };
        db.Add(finding);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(InspectionOutcomeKind.Ok, new FindingRow(finding.Id, finding.Text, task.Id, plan.Id, task.Number, task.DeadlineText, task.Due,
            ProgressStatus.NotStarted, 0));
    }
}
