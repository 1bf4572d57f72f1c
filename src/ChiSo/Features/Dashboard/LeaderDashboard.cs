using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Gaps;
using ChiSo.Features.Plans;
using ChiSo.Features.Results;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Dashboard;

/// <summary>One index at a glance: its latest published result, rank and target, and every year for the trend line.
/// For the city's own indices (scored per department or commune, no headline for Hanoi) <see cref="History"/> holds the
/// mean over the units scored each year, <see cref="Units"/> how many.</summary>
public sealed record IndexTile(string Key, string Name, string? NameEn, string Scale, bool City, int? Year, decimal? Result, decimal? Max,
    int? Rank, int? RankOf, HeadlineTarget? Target, IReadOnlyList<HeadlinePoint> History, int Units);

/// <summary>Where a national index loses points in its latest year, by lead agency (most first).</summary>
public sealed record PointsAtStake(string Framework, string FrameworkName, int Year, decimal? PointsLost, IReadOnlyList<LeadGap> ByLead);

/// <summary>The cycle of the unit assessment the leaders follow (the newest): how many units stand at each stage.</summary>
public sealed record CycleStages(int Id, int Year, string Name, string Status, int Units, int Late,
    IReadOnlyList<(UnitStage Stage, string Label, int Count)> Stages);

public sealed record LeaderDashboardView(DateOnly Today, IReadOnlyList<IndexTile> Indices, IReadOnlyList<PointsAtStake> AtStake,
    int OverdueShares, IReadOnlyList<AgencyAccountability> OverdueByAgency, IReadOnlyList<RoundProgress> OpenRounds, CycleStages? Cycle);

/// <summary>What city leaders and the standing agency see first: the indices, who loses points, who is late, how
/// the surveys and the assessment stand. Reads only; each figure comes from the service behind its own page, so a
/// tile and the page it opens never disagree.</summary>
public static class LeaderDashboard
{
    /// <summary>Leaders and the standing agency; other roles start on their own page.</summary>
    public static bool MayView(Actor actor) => actor.ReadsAll;

    static readonly string[] National = ["par-province", "sipas", "papi"];

    public static async Task<LeaderDashboardView> LoadAsync(ChiSoDb db, TimeProvider clock, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayView(actor), "Trang tổng hợp dành cho lãnh đạo và cơ quan thường trực.");
        var today = TaskBoard.Today(clock);
        var frameworks = await FrameworksApi.ListAsync(db, ct);

        var tiles = new List<IndexTile>();
        var atStake = new List<PointsAtStake>();
        foreach (var f in frameworks.Where(f => National.Contains(f.Key)).OrderBy(f => Array.IndexOf(National, f.Key)))
        {
            var history = await ResultsApi.HistoryAsync(db, f.Key, null, ct) ?? [];
            var last = history.LastOrDefault(p => p.Total is not null);
            var max = last is null ? null : f.Versions.FirstOrDefault(v => v.ValidFromYear <= last.Year && (v.ValidToYear ?? int.MaxValue) >= last.Year)?.Max;
            var next = history.FirstOrDefault(p => p.Year > (last?.Year ?? 0) && p.Target is not null)?.Target;
            tiles.Add(new IndexTile(f.Key, f.Name, f.NameEn, f.Scale, false, last?.Year, last?.Total, max, last?.Rank, last?.RankOf,
                next ?? last?.Target, history, 0));
            // The newest year scored criterion by criterion: a year with only the headline published has no losses by lead.
            var scored = await db.Results.AsNoTracking()
                .Where(r => r.Version!.Framework!.Key == f.Key && r.Unit!.Kind == UnitKind.City && r.Scores.Any(c => c.Value != null))
                .MaxAsync(r => (int?)r.Year, ct);
            if (scored is { } year && await IndexSnapshot.LoadAsync(db, f.Key, year, null, ct) is { } snapshot)
            {
                var gaps = GapReport.From(snapshot);
                atStake.Add(new PointsAtStake(f.Key, f.Name, year, gaps.PointsLost, gaps.ByLead.Where(l => l.PointsLost > 0).ToList()));
            }
        }
        foreach (var f in frameworks.Where(f => f.Key.StartsWith("city-par-", StringComparison.Ordinal) && f.Versions.Count > 0))
            tiles.Add(await CityTileAsync(db, f, ct));

        var accountability = await TaskBoardAccountability.BuildAsync(db, today, null, ct);
        var overdue = accountability.Agencies.Where(a => a.Overdue > 0).OrderByDescending(a => a.Overdue).ToList();

        var rounds = new List<RoundProgress>();
        foreach (var r in (await Rounds.ListAsync(db, null, ct)).Where(r => r.Status == nameof(RoundStatus.Open)))
            if (await CollectionProgress.LoadAsync(db, r.Id, actor, ct) is { } p) rounds.Add(p);

        return new LeaderDashboardView(today, tiles, atStake, overdue.Sum(a => a.Overdue), overdue, rounds, await CycleAsync(db, clock, ct));
    }

    /// <summary>The city index has no headline for Hanoi: its trend is the mean of the units' totals each year.</summary>
    static async Task<IndexTile> CityTileAsync(ChiSoDb db, FrameworkSummary f, CancellationToken ct)
    {
        var rows = await db.Results.AsNoTracking().Where(r => r.Version!.Framework!.Key == f.Key && r.Total != null)
            .GroupBy(r => r.Year).Select(g => new { Year = g.Key, Mean = g.Average(r => r.Total!.Value), Units = g.Count() })
            .ToListAsync(ct);
        var history = rows.OrderBy(r => r.Year).Select(r => new HeadlinePoint(r.Year, Math.Round(r.Mean, 2), null, null, null, null, null)).ToList();
        var last = rows.MaxBy(r => r.Year);
        var max = f.Versions.OrderByDescending(v => v.ValidFromYear).First().Max;
        return new IndexTile(f.Key, f.Name, f.NameEn, f.Scale, true, last?.Year, last is null ? null : Math.Round(last.Mean, 2), max, null, null, null,
            history, last?.Units ?? 0);
    }

    static async Task<CycleStages?> CycleAsync(ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        var id = await db.Cycles.OrderByDescending(c => c.Year).ThenByDescending(c => c.Id).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        if (id is null) return null;
        var summary = await new AssessmentService(db, clock).SummaryAsync(id.Value, ct);
        var stages = Enum.GetValues<UnitStage>()
            .Select(s => (s, AssessmentService.StageLabel(s), summary.Units.Count(u => u.Stage == s))).ToList();
        return new CycleStages(summary.Id, summary.Year, summary.Name, summary.StatusLabel, summary.Units.Count, summary.Late, stages);
    }
}
