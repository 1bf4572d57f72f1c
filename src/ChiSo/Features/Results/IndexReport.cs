using ChiSo.Features.Frameworks;

namespace ChiSo.Features.Results;

/// <summary>A framework's tree for one year and unit, as published: max, result, next year's target,
/// previous year's result and leads per node, with every sum that does not hold.</summary>
public sealed record IndexReport(
    string Framework,
    string FrameworkName,
    string? FrameworkNameEn,
    string Scale,
    int Year,
    string Unit,
    string UnitName,
    string Version,
    decimal Max,
    decimal? Result,
    string? Rank,
    string? Band,
    string? Source,
    HeadlineTarget? Target,
    HeadlineTarget? TargetForYear,
    IReadOnlyList<Inconsistency> Inconsistencies,
    IReadOnlyList<CriterionRow> Criteria,
    Guid? Concurrency)
{
    public static IndexReport From(IndexSnapshot s)
    {
        var rows = s.Roots.Select(r => Row(s, r)).ToList();
        return new IndexReport(
            s.Framework.Key, s.Framework.Name, s.Framework.NameEn, s.Framework.Scale.ToString().ToLowerInvariant(), s.Year,
            s.Unit.Code, s.Unit.Name, s.Version.Label, s.Version.Max, s.Result?.Total, s.Result?.RankText, s.Result?.Band,
            s.Result?.Source,
            HeadlineTarget.From(s.Target, s.Year + 1, null),
            HeadlineTarget.From(s.TargetForYear, s.Year, s.Result?.Total),
            FindInconsistencies(s, rows),
            rows,
            s.Result?.Concurrency);
    }

    static CriterionRow Row(IndexSnapshot s, Criterion c)
    {
        var target = s.TargetOf(c);
        return new CriterionRow(c.Code, c.Name, c.NameEn, c.Max, s.ResultOf(c), target?.Value,
            target?.Value is null ? null : target.Comparator.Symbol(), s.PreviousOf(c),
            s.LeadsOf(c).Select(IndexSnapshot.LeadName).ToList(), c.Method.ToString().ToLowerInvariant(), s.ResultNoteOf(c),
            s.ChildrenOf(c).Select(ch => Row(s, ch)).ToList());
    }

    /// <summary>Where a stated value differs from the sum of its children (only for frameworks whose points
    /// add up). Nothing is corrected: both numbers are reported.</summary>
    static List<Inconsistency> FindInconsistencies(IndexSnapshot s, List<CriterionRow> roots)
    {
        var list = new List<Inconsistency>();
        if (s.Framework.RollUp != RollUp.Sum) return list;
        Check(list, "total", "max", s.Version.Max, roots.Select(r => r.Max));
        Check(list, "total", "result", s.Result?.Total, roots.Select(r => r.Result));
        foreach (var row in roots) Walk(list, row);
        return list;
    }

    static void Walk(List<Inconsistency> list, CriterionRow row)
    {
        if (row.Children.Count == 0) return;
        Check(list, row.Code, "max", row.Max, row.Children.Select(c => c.Max));
        Check(list, row.Code, "result", row.Result, row.Children.Select(c => c.Result));
        Check(list, row.Code, "target", row.Target, row.Children.Select(c => c.Target));
        Check(list, row.Code, "previous", row.Previous, row.Children.Select(c => c.Previous));
        foreach (var c in row.Children) Walk(list, c);
    }

    static void Check(List<Inconsistency> list, string code, string field, decimal? stated, IEnumerable<decimal?> children)
    {
        var values = children.ToList();
        if (stated is null || values.Count == 0 || values.Any(v => v is null)) return;
        var summed = values.Sum(v => v!.Value);
        if (summed != stated) list.Add(new Inconsistency(code, field, stated.Value, summed));
    }

    public IEnumerable<CriterionRow> Flatten() => Flatten(Criteria);

    static IEnumerable<CriterionRow> Flatten(IEnumerable<CriterionRow> rows) => rows.SelectMany(r => Flatten(r.Children).Prepend(r));
}

public sealed record CriterionRow(
    string Code,
    string Name,
    string? NameEn,
    decimal? Max,
    decimal? Result,
    decimal? Target,
    string? TargetComparator,
    decimal? Previous,
    IReadOnlyList<string> Lead,
    string Method,
    string? Note,
    IReadOnlyList<CriterionRow> Children);

public sealed record Inconsistency(string Code, string Field, decimal Stated, decimal Summed);

/// <summary>A headline target such as "&gt; 92.00" for a year, and whether the result met it.</summary>
public sealed record HeadlineTarget(int Year, string Comparator, decimal Value, bool? Met)
{
    public static HeadlineTarget? From(IndexTarget? t, int year, decimal? result) =>
        t?.TotalComparator is { } c && t.TotalValue is { } v
            ? new HeadlineTarget(year, c.Symbol(), v, result is { } r ? c.IsMet(r, v) : null)
            : null;

    public override string ToString() => $"{Comparator} {Value}";
}
