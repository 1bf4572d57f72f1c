using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

/// <summary>One row of a scorecard: a criterion with its points at each step, the points lost (standard criteria)
/// and the change against last year's published score of the same criterion (through the version mapping).</summary>
public sealed record ScorecardLine(string Code, string Name, int Depth, bool IsLeaf, CriterionKind Kind, ScoringMethod Method,
    decimal? Max, decimal? Self, decimal? Appraised, decimal? Points, decimal? Lost, decimal? Previous, decimal? Change, bool NotApplicable);

/// <summary>A top-level field's share of its applicable points, for the chart and the summary.</summary>
public sealed record FieldPercent(string Code, string Name, decimal Points, decimal Max, decimal Percent);

/// <summary>A unit's result sheet (phiếu kết quả): what the unit's assessment shows, with its rank and band.
/// Rank is null when the reader may not see the ranking yet (a unit before publication).</summary>
public sealed record Scorecard(UnitAssessment Assessment, string FrameworkName, string Version, List<ScorecardLine> Lines,
    List<FieldPercent> Fields, int? Rank, int? RankOf, bool Tied, string Band, decimal? PreviousTotal, decimal? Change,
    string? CouncilReference, DateOnly? CouncilDate, bool Provisional)
{
    /// <summary>"2/3", "2/3 (đồng hạng)", or "" when the rank is not shown.</summary>
    public string RankText => Rank is null ? "" : $"{Rank}/{RankOf}" + (Tied ? " (đồng hạng)" : "");

    /// <summary>A file name without diacritics: "phieu-ket-qua-SNV-2025".</summary>
    public string FileStem => $"phieu-ket-qua-{Assessment.UnitCode}-{Assessment.Year}";
}

public sealed partial class AssessmentService
{
    /// <summary>The scorecard of one unit, for whoever may see the unit's assessment. The rank is shown to those who
    /// may see the ranking (the standing agency and leaders; everyone after publication), as <see cref="RankingAsync"/> decides.</summary>
    public async Task<Outcome<Scorecard>> ScorecardAsync(int cycleId, string unit, Actor actor, CancellationToken ct = default)
    {
        var view = await GetAsync(cycleId, unit, actor, ct);
        if (!view.Ok) return view.Failure!;
        var a = view.Value;
        var l = (await LoadCycleAsync(cycleId, tracking: false, ct))!;
        var (group, tree, units) = l.Groups.First(g => g.Units.Any(u => u.Unit!.Code == a.UnitCode));
        var cu = units.First(u => u.Unit!.Code == a.UnitCode);
        var previous = await PreviousScoresAsync(group.FrameworkVersion!.FrameworkId, a.Year - 1, [cu.UnitId], tree, ct);

        var rows = a.Items;
        var lines = new List<ScorecardLine>();
        // What a field could score: its applicable leaves' maximum, scored or not (1 of 10 points is 10 %, not 100 %).
        var applicable = new Dictionary<string, decimal>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            // A field's self and appraised points are its leaves' sums (standard fields only: bonus and penalty are capped).
            List<ItemView> leaves = r.IsLeaf ? [r] : rows.Skip(i + 1).TakeWhile(x => x.Depth > r.Depth).Where(x => x.IsLeaf).ToList();
            var standard = r.Kind == CriterionKind.Standard;
            decimal? Sum(Func<ItemView, decimal?> f) => leaves.Select(f).Where(v => v is not null).Select(v => v!.Value) is var v && v.Any() ? v.Sum() : null;
            decimal? LostOf(ItemView x) => x.Kind == CriterionKind.Standard && !x.NotApplicable && x.Points is { } p ? (x.Max ?? 0) - p : null;
            var lost = standard ? Sum(LostOf) : null;
            if (r.Depth == 0 && standard) applicable[r.Code] = leaves.Where(x => !x.NotApplicable).Sum(x => x.Max ?? 0);
            decimal? prev = previous.TryGetValue((cu.UnitId, r.Code), out var pv) ? pv : null;
            lines.Add(new ScorecardLine(r.Code, r.Name, r.Depth, r.IsLeaf, r.Kind, r.Method, r.Max,
                r.IsLeaf ? r.SelfPoints : standard ? Sum(x => x.SelfPoints) : null,
                r.IsLeaf ? r.AppraisedPoints : standard ? Sum(x => x.AppraisedPoints) : null,
                r.Points, lost, prev, prev is not null && r.Points is { } pts ? pts - prev : null, r.NotApplicable));
        }
        var fields = lines.Where(x => x.Depth == 0 && x.Kind == CriterionKind.Standard && x.Points is not null)
            .Select(x => new FieldPercent(x.Code, x.Name, x.Points!.Value, applicable[x.Code],
                applicable[x.Code] is > 0 and var m ? Math.Round(x.Points!.Value * 100 / m, 2, MidpointRounding.AwayFromZero) : 0))
            .ToList();

        var ranking = await RankAsync(l, ct);
        var row = ranking.Groups.SelectMany(g => g.Rows).First(x => x.UnitCode == a.UnitCode);
        var mayRank = actor.ReadsAll || l.Cycle.Status == CycleStatus.Published;
        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.Id == group.FrameworkVersionId)
            .Select(v => new { v.Label, v.Framework!.Name }).FirstAsync(ct);
        return new Scorecard(a, version.Name, version.Label, lines, fields, mayRank ? row.Rank : null, mayRank ? row.RankOf : null,
            mayRank && row.Tied, row.Band, row.PreviousTotal, row.Change, l.Cycle.CouncilReference, l.Cycle.CouncilDate,
            l.Cycle.Status != CycleStatus.Published);
    }
}
