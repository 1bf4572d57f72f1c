using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;

namespace ChiSo.Features.Gaps;

/// <summary>Where a unit loses points in one framework and year, who leads each weak criterion, and what
/// meeting every target would give.</summary>
public sealed record GapReport(
    string Framework,
    string FrameworkName,
    int Year,
    string Unit,
    string UnitName,
    decimal Max,
    decimal? Result,
    decimal? PointsLost,
    HeadlineTarget? Target,
    decimal? ProjectedIfTargetsMet,
    bool? ProjectionMeetsTarget,
    decimal? TargetsSum,
    LostCounts Counts,
    IReadOnlyList<LeadGap> ByLead,
    IReadOnlyList<FieldGap> ByField,
    IReadOnlyList<CriterionGap> Criteria)
{
    public static GapReport From(IndexSnapshot s)
    {
        var leaves = s.Criteria.Where(s.IsLeaf).OrderBy(c => c.Order).Select(c => Leaf(s, c)).ToList();
        var byLead = leaves.Where(l => l.PointsLost is not null)
            .SelectMany(l => l.Lead.DefaultIfEmpty("(chưa phân công)").Select(lead => (lead, l)))
            .GroupBy(x => x.lead)
            .Select(g => new LeadGap(g.Key, g.Sum(x => x.l.PointsLost!.Value), g.Count(x => x.l.PointsLost > 0),
                g.Where(x => x.l.PointsLost > 0).Select(x => x.l.Code).ToList()))
            .OrderByDescending(g => g.PointsLost).ThenBy(g => g.Lead, StringComparer.Ordinal).ToList();
        var byField = s.Roots.Select(f =>
        {
            var result = s.ResultOf(f);
            var lost = f.Max is { } m && result is { } r ? m - r : (decimal?)null;
            return new FieldGap(f.Code, f.Name, f.Max, result, lost);
        }).ToList();

        decimal? projected = s.Framework.RollUp == RollUp.Sum ? SumProjection(s, s.Roots) : null;
        decimal? targets = s.Framework.RollUp == RollUp.Sum ? SumTargets(s, s.Roots) : null;
        var lost = leaves.Where(l => l.PointsLost is > 0).ToList();
        var notAdding = byField.Where(f => f.PointsLost is { } fl
                && leaves.Where(l => l.Field == f.Code && l.PointsLost is not null).Sum(l => l.PointsLost!.Value) != fl)
            .Select(f => f.Code).ToList();
        var counts = new LostCounts(byLead.Sum(l => l.PointsLost), lost.Sum(l => l.PointsLost!.Value),
            lost.Sum(l => l.PointsLost!.Value * Math.Max(0, l.Lead.Count - 1)), lost.Count(l => l.Lead.Count > 1), notAdding);
        var target = HeadlineTarget.From(s.Target, s.Year + 1, null);
        var total = s.Result?.Total;
        return new GapReport(s.Framework.Key, s.Framework.Name, s.Year, s.Unit.Code, s.Unit.Name, s.Version.Max, total,
            total is { } t ? s.Version.Max - t : null, target, projected,
            projected is { } p && target is not null ? Comparators.Parse(target.Comparator)!.Value.IsMet(p, target.Value) : null,
            targets, counts, byLead, byField, leaves);
    }

    static CriterionGap Leaf(IndexSnapshot s, Criterion c)
    {
        var result = s.ResultOf(c);
        var previous = s.PreviousOf(c);
        var target = s.TargetOf(c);
        var lost = c.Max is { } m && result is { } r ? m - r : (decimal?)null;
        var field = c.Code.Split('.')[0];
        return new CriterionGap(c.Code, c.Name, field, c.Max, result, lost,
            result is { } r2 && previous is { } p ? r2 - p : null, previous,
            target?.Value, target?.Value is null ? null : target.Comparator.Symbol(),
            target?.Value is { } tv && result is { } r3 ? tv - r3 : null,
            target?.Value is { } tv2 && result is { } r4 && tv2 < r4,
            s.EffectiveLeads(c).Select(IndexSnapshot.LeadName).ToList(),
            IsWeak(c.Max, result, previous));
    }

    /// <summary>Weak: loses a tenth or more of its points, or fell against last year.</summary>
    public static bool IsWeak(decimal? max, decimal? result, decimal? previous) =>
        max is > 0 && result is { } r && (r < max.Value * 0.9m || (previous is { } p && r < p));

    /// <summary>Meeting a target below what a criterion already scores keeps the score.</summary>
    static decimal? Projected(decimal? target, decimal? result) =>
        target is { } t && result is { } r ? Math.Max(t, r) : target ?? result;

    /// <summary>A node's projection is the sum of its children's when each has one, else its own target,
    /// else its own result: targets are set at different depths in the appendices.</summary>
    /// <summary>The plan's own sum of targets: each field's target as the plan states it, else its parts' (no result kept
    /// above its target); null when a part has no target.</summary>
    static decimal? SumTargets(IndexSnapshot s, IEnumerable<Criterion> nodes)
    {
        decimal sum = 0;
        foreach (var n in nodes)
        {
            var children = s.ChildrenOf(n).ToList();
            var value = s.TargetOf(n)?.Value ?? (children.Count > 0 ? SumTargets(s, children) : null);
            if (value is null) return null;
            sum += value.Value;
        }
        return sum;
    }

    static decimal? SumProjection(IndexSnapshot s, IEnumerable<Criterion> nodes)
    {
        decimal sum = 0;
        foreach (var n in nodes)
        {
            var children = s.ChildrenOf(n).ToList();
            var value = (children.Count > 0 ? SumProjection(s, children) : null) ?? Projected(s.TargetOf(n)?.Value, s.ResultOf(n));
            if (value is null) return null;
            sum += value.Value;
        }
        return sum;
    }
}

/// <summary>What the points-lost figures count. <see cref="ByLead"/> adds each lead's losses, so a criterion led by two
/// agencies counts for both: it is <see cref="InCriteria"/> (each leaf criterion once) plus <see cref="CountedAgain"/> (the
/// losses of the <see cref="SharedCriteria"/> criteria with several leads, counted again per extra lead). The headline
/// points lost (maximum − published total) differs from <see cref="InCriteria"/> where a field's published result is not
/// the sum of its criteria (<see cref="FieldsNotAdding"/>; PAR INDEX 2023: 8.57 against 8.83).</summary>
public sealed record LostCounts(decimal ByLead, decimal InCriteria, decimal CountedAgain, int SharedCriteria, IReadOnlyList<string> FieldsNotAdding);

public sealed record LeadGap(string Lead, decimal PointsLost, int WeakCriteria, IReadOnlyList<string> Codes);

public sealed record FieldGap(string Code, string Name, decimal? Max, decimal? Result, decimal? PointsLost);

public sealed record CriterionGap(
    string Code,
    string Name,
    string Field,
    decimal? Max,
    decimal? Result,
    decimal? PointsLost,
    decimal? Change,
    decimal? Previous,
    decimal? Target,
    string? TargetComparator,
    decimal? DistanceToTarget,
    bool TargetBelowResult,
    IReadOnlyList<string> Lead,
    bool Weak);
