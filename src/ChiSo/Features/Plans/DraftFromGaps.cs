using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Gaps;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>Why a criterion gets a task in a plan drafted from gaps.</summary>
public sealed record DraftReasons(bool BelowMax, bool Dropped, bool LowestGroup);

/// <summary>A task the draft would create: the criterion, its figures, the lead named by the framework, the
/// text and the target.</summary>
public sealed record DraftTask(string Number, string Field, string Code, string Name, decimal Max, decimal Result, decimal? Previous,
    decimal PointsAtStake, DraftReasons Reasons, IReadOnlyList<string> Lead, string Description, string Deadline,
    string TargetComparator, decimal TargetThreshold);

/// <summary>What a plan drafted from a year's gaps would hold: for year + 1, one task per weak leaf criterion.</summary>
public sealed record DraftPreview(string Framework, string FrameworkName, int Year, int PlanYear, string Unit, string UnitName,
    string Title, IReadOnlyList<FieldGap> Fields, IReadOnlyList<DraftTask> Tasks);

/// <summary>Weakness → plan (issue 3, item 6). From the gap analysis of a framework, year and unit, drafts the
/// next year's plan: one task per leaf criterion that is below its max, dropped against last year, or in the
/// lowest group, addressed to the criterion's lead agency, with the points at stake and a criterion target.</summary>
public static class DraftFromGaps
{
    public static string DefaultDeadline(int planYear) => $"Quý III/{planYear}";

    /// <summary>The default deadline as of <paramref name="today"/>: the third quarter of the plan year while it is at least a
    /// month away, else the end of the first quarter that is (a plan drafted late must not be overdue the day it is issued).</summary>
    public static string DefaultDeadline(int planYear, DateOnly today)
    {
        var soonest = today.AddMonths(1);
        if (new DateOnly(planYear, 9, 30) >= soonest) return DefaultDeadline(planYear);
        var quarter = (soonest.Month - 1) / 3 + 1;
        return $"Quý {new[] { "I", "II", "III", "IV" }[quarter - 1]}/{soonest.Year}";
    }

    /// <summary>The latest year of the framework whose results give a draft at least one task (a year with only a headline,
    /// or nothing lost, drafts nothing); null when no year does.</summary>
    public static async Task<int?> LatestYearAsync(ChiSoDb db, string framework, CancellationToken ct = default)
    {
        var years = await db.Results.Where(r => r.Version!.Framework!.Key == framework).Select(r => r.Year).Distinct().ToListAsync(ct);
        foreach (var year in years.OrderDescending())
            if (await PreviewAsync(db, framework, year, null, null, ct) is { Tasks.Count: > 0 }) return year;
        return null;
    }

    public static async Task<DraftPreview?> PreviewAsync(ChiSoDb db, string framework, int year, string? unit, string? deadline = null, CancellationToken ct = default) =>
        await IndexSnapshot.LoadAsync(db, framework, year, unit, ct) is { Result: not null } s ? Preview(GapReport.From(s), deadline) : null;

    public static DraftPreview Preview(GapReport gaps, string? deadline = null)
    {
        var planYear = gaps.Year + 1;
        var text = string.IsNullOrWhiteSpace(deadline) ? DefaultDeadline(planYear) : deadline.Trim();
        var scored = gaps.Criteria.Where(c => c.Max is > 0 && c.Result is not null).ToList();
        var lowest = LowestGroup(scored);
        var tasks = new List<DraftTask>();
        foreach (var c in scored)
        {
            var (max, result) = (c.Max!.Value, c.Result!.Value);
            var reasons = new DraftReasons(result < max, c.Previous is { } p && result < p, lowest.Contains(c.Code));
            if (!reasons.BelowMax && !reasons.Dropped && !reasons.LowestGroup) continue;
            var lost = max - result;
            // The target for next year when the plan of that year set one, else full marks.
            var (comparator, threshold) = c.Target is { } t ? (c.TargetComparator ?? "≥", t) : ("≥", max);
            tasks.Add(new DraftTask((tasks.Count + 1).ToString(ViText.Vi), c.Field, c.Code, c.Name, max, result, c.Previous, lost, reasons, c.Lead,
                $"Khắc phục, nâng cao kết quả tiêu chí {c.Code} {c.Name} (năm {gaps.Year}: {ViText.Num(result)}/{ViText.Num(max)}, mất {ViText.Num(lost)} điểm)",
                text, comparator, threshold));
        }
        return new DraftPreview(gaps.Framework, gaps.FrameworkName, gaps.Year, planYear, gaps.Unit, gaps.UnitName,
            $"Khắc phục điểm yếu, nâng cao {gaps.FrameworkName} năm {planYear} (từ kết quả năm {gaps.Year})",
            gaps.ByField, tasks);
    }

    /// <summary>The lowest group: the bottom quarter of the scored leaves by result ÷ max (at least one leaf,
    /// ties at the edge included). Leaves at full marks are never in it — when fewer than a quarter lose
    /// points there is nothing to recover on the others — so the group only adds criteria that lose points
    /// and marks the worst ones among them.</summary>
    public static HashSet<string> LowestGroup(IReadOnlyList<CriterionGap> scored)
    {
        if (scored.Count == 0) return [];
        var ratios = scored.Select(c => (c.Code, Ratio: c.Result!.Value / c.Max!.Value)).OrderBy(x => x.Ratio).ToList();
        var edge = ratios[(int)Math.Ceiling(ratios.Count / 4m) - 1].Ratio;
        return ratios.Where(x => x.Ratio <= edge && x.Ratio < 1).Select(x => x.Code).ToHashSet();
    }

    /// <summary>Creates the draft plan (status Draft, no number) with its sections (one per field), tasks and
    /// targets, all or nothing. Returns null when the framework, year or unit has no result.</summary>
    public static async Task<Plan?> CreateAsync(ChiSoDb db, string framework, int year, string? unit, Accounts.Actor actor, string? deadline = null,
        CancellationToken ct = default)
    {
        PlanService.RequireEdit(actor);
        var preview = await PreviewAsync(db, framework, year, unit, deadline, ct);
        if (preview is null) return null;
        var units = await UnitDirectory.LoadAsync(db, ct);
        var issuer = units.Find(preview.Unit);
        var scale = await db.Frameworks.Where(f => f.Key == framework).Select(f => f.Scale).FirstAsync(ct);
        var measure = scale == FrameworkScale.Percent ? "%" : "điểm";
        var fields = preview.Fields.Where(f => preview.Tasks.Any(t => t.Field == f.Code)).ToList();
        var plan = new Plan
        {
            Title = preview.Title, Year = preview.PlanYear, Kind = PlanKind.IndexImprovement, Status = PlanStatus.Draft,
            IssuerId = issuer?.Id, Frameworks = [framework],
            Purposes = [$"Khắc phục các tiêu chí mất điểm, giảm điểm hoặc thuộc nhóm thấp nhất của {preview.FrameworkName} năm {year}; nâng cao kết quả năm {preview.PlanYear}."],
            Requirements = ["Đơn vị chủ trì từng nhiệm vụ xây dựng giải pháp cụ thể, báo cáo tiến độ theo kỳ."],
            Source = $"Dự thảo từ phân tích điểm bị mất {preview.FrameworkName} năm {year} ({preview.UnitName})",
            Sections = fields.Select((f, i) => new PlanSection { Code = f.Code, Title = f.Name, Framework = framework, Order = i }).ToList(),
            Targets = preview.Tasks.Select((t, i) => new PlanTarget
            {
                Kind = PlanTargetKind.Criterion, Framework = framework, Criterion = t.Code, Metric = $"{t.Code} {t.Name}",
                Comparator = Comparators.Parse(t.TargetComparator) ?? Comparator.AtLeast, Threshold = t.TargetThreshold,
                Unit = measure, Leads = [.. t.Lead], Order = i,
                Text = $"Năm {year}: {ViText.Num(t.Result)}/{ViText.Num(t.Max)}",
            }).ToList(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Plans.Add(plan);
        await db.SaveChangesAsync(ct);
        var sections = plan.Sections.ToDictionary(s => s.Code, s => s.Id);
        foreach (var (t, i) in preview.Tasks.Select((t, i) => (t, i)))
        {
            var task = new PlanTask
            {
                PlanId = plan.Id, SectionId = sections.GetValueOrDefault(t.Field) is var id and > 0 ? id : null,
                Number = t.Number, Description = t.Description, Order = i,
                Output = $"Tiêu chí {t.Code} đạt {t.TargetComparator} {ViText.Num(t.TargetThreshold)} {measure} năm {preview.PlanYear}",
                Agencies = PlanImporter.Agencies(units, t.Lead, AgencyRole.Lead).ToList(),
                Criteria = [new TaskCriterion { Framework = framework, Code = t.Code, PointsAtStake = t.PointsAtStake }],
            };
            PlanTasks.ApplyDeadline(task, Deadline.Parse(t.Deadline, preview.PlanYear));
            db.PlanTasks.Add(task);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return plan;
    }
}
