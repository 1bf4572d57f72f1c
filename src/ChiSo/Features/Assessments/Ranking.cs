using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

public sealed record RankingRow(string UnitCode, string UnitName, UnitStage Stage, UnitTotals Totals, int Rank, int RankOf, bool Tied,
    string Band, decimal? PreviousTotal, decimal? Change)
{
    /// <summary>"3", or "3 (đồng hạng)" when another unit has the same percent.</summary>
    public string RankText => Tied ? $"{Rank} (đồng hạng)" : Rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record RankingGroup(string Name, string Framework, string Version, List<RankingRow> Rows);

/// <summary>The ranking of a cycle; Provisional until published (points may still change). <paramref name="AuditHead"/>: the
/// audit chain's head recorded at publication, printed with the ranking.</summary>
public sealed record Ranking(int CycleId, int Year, string Name, CycleStatus Status, bool Provisional, DateTime? PublishedAt,
    string? CouncilReference, List<RankingGroup> Groups, AuditHead? AuditHead);

public sealed record HeatCell(string Code, decimal? Points, decimal Max, decimal? Lost);
public sealed record HeatRow(string UnitCode, string UnitName, decimal Percent, List<HeatCell> Cells);
public sealed record HeatColumn(string Code, string Name, decimal Max, ScoringMethod Method, decimal LostTotal, decimal LostAverage);
/// <summary>Criteria × units of one group: where points are lost across the city.</summary>
public sealed record HeatMap(string Group, List<HeatColumn> Columns, List<HeatRow> Rows);

/// <summary>Combining, ranking and publishing; survey points; the heat map.</summary>
public sealed partial class AssessmentService
{
    sealed record Loaded(AssessmentCycle Cycle, List<(CycleGroup Group, List<Criterion> Tree, List<CycleUnit> Units)> Groups);

    async Task<Loaded?> LoadCycleAsync(int cycleId, bool tracking, CancellationToken ct)
    {
        var q = tracking ? db.Cycles : db.Cycles.AsNoTracking();
        var cycle = await q.Include(c => c.Groups).ThenInclude(g => g.FrameworkVersion).ThenInclude(v => v!.Framework)
            .FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null) return null;
        var uq = tracking ? db.CycleUnits : db.CycleUnits.AsNoTracking();
        var units = await uq.Include(u => u.Unit).Include(u => u.Items).Where(u => u.CycleId == cycleId).AsSplitQuery().ToListAsync(ct);
        var groups = new List<(CycleGroup, List<Criterion>, List<CycleUnit>)>();
        foreach (var g in cycle.Groups.OrderBy(g => g.Order))
        {
            var tree = await db.Criteria.AsNoTracking().Where(c => c.VersionId == g.FrameworkVersionId).OrderBy(c => c.Order).ToListAsync(ct);
            groups.Add((g, tree, units.Where(u => u.GroupId == g.Id).ToList()));
        }
        return new Loaded(cycle, groups);
    }

    public async Task<Outcome<Ranking>> RankingAsync(int cycleId, Actor? actor, CancellationToken ct = default)
    {
        var l = await LoadCycleAsync(cycleId, tracking: false, ct);
        if (l is null) return Failure.NotFound("kỳ đánh giá");
        // Before publication only the standing agency and leaders see the whole table; the public only the published one.
        if (l.Cycle.Status != CycleStatus.Published && actor?.ReadsAll != true)
        {
            if (actor is null) return Failure.NotFound("bảng xếp hạng đã công bố");
            actor.Require(false, "Bảng xếp hạng chỉ mở cho mọi người sau khi công bố.");
        }
        return await RankAsync(l, ct);
    }

    async Task<Ranking> RankAsync(Loaded l, CancellationToken ct)
    {
        var groups = new List<RankingGroup>();
        foreach (var (group, tree, units) in l.Groups)
        {
            var previous = await PreviousTotalsAsync(group.FrameworkVersion!.FrameworkId, l.Cycle.Year - 1, units.Select(u => u.UnitId).ToList(), ct);
            var scored = units.Select(u => (Unit: u, Totals: Totals(tree, u.Items))).OrderByDescending(s => s.Totals.Percent)
                .ThenBy(s => s.Unit.Unit!.Name, StringComparer.Create(ViText.Vi, false)).ToList();
            var rows = new List<RankingRow>();
            for (var i = 0; i < scored.Count; i++)
            {
                var (u, t) = scored[i];
                // Competition ranking: equal percents share a rank, and the next rank skips (1, 2, 2, 4).
                var rank = scored.FindIndex(s => s.Totals.Percent == t.Percent) + 1;
                var tied = scored.Count(s => s.Totals.Percent == t.Percent) > 1;
                var prev = previous.GetValueOrDefault(u.UnitId);
                rows.Add(new RankingRow(u.Unit!.Code, u.Unit.Name, u.Stage, t, rank, scored.Count, tied, BandOf(group.Bands, t.Percent),
                    prev, prev is null ? null : t.Total - prev));
            }
            groups.Add(new RankingGroup(group.Name, group.FrameworkVersion.Framework!.Key, group.FrameworkVersion.Label, rows));
        }
        return new Ranking(l.Cycle.Id, l.Cycle.Year, l.Cycle.Name, l.Cycle.Status, l.Cycle.Status != CycleStatus.Published,
            l.Cycle.PublishedAt, l.Cycle.CouncilReference, groups, l.Cycle.PublishedHead);
    }

    public static string BandOf(IReadOnlyList<Band> bands, decimal percent) =>
        bands.OrderByDescending(b => b.MinPercent).FirstOrDefault(b => percent >= b.MinPercent)?.Name ?? "";

    /// <summary>Last year's published totals of the same framework (any version) for these units.</summary>
    async Task<Dictionary<int, decimal?>> PreviousTotalsAsync(int frameworkId, int year, List<int> unitIds, CancellationToken ct) =>
        await db.Results.AsNoTracking().Where(r => r.Version!.FrameworkId == frameworkId && r.Year == year && unitIds.Contains(r.UnitId))
            .ToDictionaryAsync(r => r.UnitId, r => r.Total, ct);

    /// <summary>Last year's published score of a criterion, through its mapping to the previous version's codes
    /// (the same code when no mapping is given): the sum of the mapped criteria, or null when none was published.</summary>
    public async Task<Dictionary<(int UnitId, string Code), decimal>> PreviousScoresAsync(int frameworkId, int year, List<int> unitIds,
        IReadOnlyList<Criterion> tree, CancellationToken ct = default)
    {
        var published = await db.Results.AsNoTracking().Where(r => r.Version!.FrameworkId == frameworkId && r.Year == year && unitIds.Contains(r.UnitId))
            // The result-selector form is a join; a projection inside the collection needs APPLY, which SQLite lacks.
            .SelectMany(r => r.Scores, (r, s) => new { r.UnitId, s.CriterionId, s.Value }).Where(s => s.Value != null)
            .Join(db.Criteria, s => s.CriterionId, c => c.Id, (s, c) => new { s.UnitId, c.Code, s.Value }).ToListAsync(ct);
        var byUnit = published.ToLookup(p => p.UnitId);
        var result = new Dictionary<(int, string), decimal>();
        foreach (var unitId in unitIds)
        {
            var scores = byUnit[unitId].ToDictionary(p => p.Code, p => p.Value!.Value);
            if (scores.Count == 0) continue;
            foreach (var c in tree)
            {
                var codes = c.PreviousCodes.Count > 0 ? c.PreviousCodes : [c.Code];
                var found = codes.Where(scores.ContainsKey).ToList();
                if (found.Count > 0) result[(unitId, c.Code)] = found.Sum(code => scores[code]);
            }
        }
        return result;
    }

    /// <summary>Survey points per unit and criterion, all or nothing with a row-by-row report. The survey institute
    /// or the standing agency; until publication.</summary>
    public async Task<Outcome<SurveyPointsReport>> SetSurveyPointsAsync(int cycleId, SurveyPointsInput input, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin || actor.Is(Roles.SurveyInstitute), "Chỉ đơn vị điều tra xã hội học hoặc cơ quan thường trực được nhập điểm điều tra.");
        var l = await LoadCycleAsync(cycleId, tracking: true, ct);
        if (l is null) return Failure.NotFound("kỳ đánh giá");
        if (l.Cycle.Status == CycleStatus.Published) return Published();
        if (l.Cycle.Status == CycleStatus.Draft) return Failure.Refused("Kỳ đánh giá chưa mở.");
        if (string.IsNullOrWhiteSpace(input.Source)) return Failure.Invalid("source", "Cần ghi nguồn điểm (đợt điều tra, báo cáo kết quả).");
        var directory = await Units.UnitDirectory.LoadAsync(db, ct);
        var problems = new Files.ProblemRows<RowProblem>();
        var changes = new List<(AssessmentItem Item, CycleUnit Unit, Criterion C, decimal? Points)>();
        var changed = new HashSet<AssessmentItem>();
        var inCycle = l.Groups.SelectMany(g => g.Units.Select(cu => (g.Tree, cu))).DistinctBy(t => t.cu.UnitId).ToDictionary(t => t.cu.UnitId);
        for (var i = 0; i < input.Rows.Count; i++)
        {
            var r = input.Rows[i];
            var row = r.Row ?? i + input.FirstRow;
            void Problem(string message) => problems.Add(row, new(row, message));
            var u = directory.Find(r.Unit ?? "");
            if (u is null || !inCycle.TryGetValue(u.Id, out var hit)) { Problem($"Đơn vị '{r.Unit}' không thuộc kỳ đánh giá."); continue; }
            var c = hit.Tree.FirstOrDefault(c => c.Code == (r.Code ?? "").Trim());
            var item = c is null ? null : hit.cu.Items.FirstOrDefault(it => it.CriterionId == c.Id);
            if (c is null || item is null) { Problem($"Không có tiêu chí '{r.Code}' áp dụng cho {hit.cu.Unit!.Name}."); continue; }
            if (c.Method != ScoringMethod.Survey) { Problem($"Tiêu chí {c.Code} không chấm qua điều tra xã hội học."); continue; }
            if (r.Points is { } p && (p < 0 || p > (c.Max ?? 0)))
            { Problem($"Điểm {ViText.Num(p)} của tiêu chí {c.Code} ngoài khoảng 0–{ViText.Num(c.Max)}."); continue; }
            if (!changed.Add(item)) { Problem($"Trùng dòng: {hit.cu.Unit!.Name}, tiêu chí {c.Code}."); continue; }
            changes.Add((item, hit.cu, c, r.Points));
        }
        if (problems.Count > 0)
        {
            // At most 1,000 rows are listed, closed by the count of the rest, whatever the file's size.
            string[] lines = [.. problems.Problems.Select(p => $"Dòng {p.Row}: {p.Message}"), .. problems.MoreRows > 0 ? [Files.ProblemRows.More(problems.MoreRows)] : Array.Empty<string>()];
            return Failure.Invalid(new Dictionary<string, string[]> { ["rows"] = lines })
                with { Current = new SurveyPointsReport(input.Rows.Count, problems.ToList()) { MoreRows = problems.MoreRows } };
        }
        foreach (var (item, cu, c, points) in changes.Where(x => x.Item.SurveyPoints != x.Points))
        {
            Audit(actor, l.Cycle, c.Code + ":survey", Num(item.SurveyPoints), Num(points), input.Source.Trim(), cu.Unit!.Code);
            item.SurveyPoints = points;
            item.SurveySource = input.Source.Trim();
            item.Concurrency = Guid.NewGuid();
            item.Messages.Add(new AssessmentMessage { At = Now, User = actor.Name, Step = DialogueStep.Survey, Points = points, Text = input.Source.Trim() });
        }
        await db.SaveChangesAsync(ct);
        return new SurveyPointsReport(input.Rows.Count, []);
    }

    /// <summary>Publication: the council has finalised and every survey criterion has its points. Results go into the
    /// index workspace (one published result per unit, with every criterion's points, rank, band) and freeze.</summary>
    public async Task<Outcome<Ranking>> PublishAsync(int cycleId, DateOnly publishedOn, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin, "Chỉ cơ quan thường trực được công bố kết quả.");
        var l = await LoadCycleAsync(cycleId, tracking: true, ct);
        if (l is null) return Failure.NotFound("kỳ đánh giá");
        if (l.Cycle.Status == CycleStatus.Published) return Published();
        if (l.Cycle.Status != CycleStatus.Finalised) return Failure.Refused("Hội đồng chưa chốt kết quả thẩm định.");
        var missing = l.Groups.SelectMany(g => g.Units.SelectMany(u => u.Items
                .Where(i => i.SurveyPoints is null && g.Tree.First(c => c.Id == i.CriterionId).Method == ScoringMethod.Survey)
                .Select(_ => u.Unit!.Name))).Distinct().ToList();
        if (missing.Count > 0) return Failure.Refused($"Còn thiếu điểm điều tra xã hội học của {missing.Count} đơn vị: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? "..." : "")}.");
        var ranking = await RankAsync(l, ct);
        foreach (var ((group, tree, units), rg) in l.Groups.Zip(ranking.Groups))
        {
            var unitIds = units.Select(u => u.UnitId).ToList();
            var existing = await db.Results.Where(r => r.VersionId == group.FrameworkVersionId && r.Year == l.Cycle.Year && unitIds.Contains(r.UnitId))
                .Select(r => r.Unit!.Name).ToListAsync(ct);
            if (existing.Count > 0) return Failure.Refused($"Đã có kết quả năm {l.Cycle.Year} của {string.Join(", ", existing)} trong bộ chỉ số; không ghi đè.");
            foreach (var u in units)
            {
                var row = rg.Rows.First(r => r.UnitCode == u.Unit!.Code);
                var result = new IndexResult
                {
                    VersionId = group.FrameworkVersionId, UnitId = u.UnitId, Year = l.Cycle.Year, Total = row.Totals.Total, Rank = row.Rank,
                    RankOf = row.RankOf, Band = row.Band, Source = $"{l.Cycle.Name}; Hội đồng: {l.Cycle.CouncilReference}", PublishedOn = publishedOn,
                    Notes = $"{ViText.Num(row.Totals.Percent)} % của {ViText.Num(row.Totals.Max)} điểm áp dụng" + (row.Tied ? "; đồng hạng" : ""),
                };
                foreach (var (code, points) in NodePoints(tree, u))
                    result.Scores.Add(new CriterionScore { CriterionId = tree.First(c => c.Code == code).Id, Value = points });
                db.Results.Add(result);
            }
        }
        l.Cycle.Status = CycleStatus.Published;
        l.Cycle.PublishedAt = Now;
        l.Cycle.PublishedBy = actor.Name;
        l.Cycle.Concurrency = Guid.NewGuid();
        var entry = Audit(actor, l.Cycle, "cycle", nameof(CycleStatus.Finalised), nameof(CycleStatus.Published), $"Công bố kết quả ngày {ViText.Date(publishedOn)}");
        // The publication's own audit row is the head printed with the ranking: its place and hash are known once saved,
        // and recorded in the same transaction.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return Failure.Conflict("Kỳ đánh giá vừa được người khác thay đổi; hãy tải lại.", null); }
        (l.Cycle.PublishedHeadSeq, l.Cycle.PublishedHeadHash, l.Cycle.PublishedHeadAt) = (entry.Seq, entry.Hash, entry.At);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await RankingAsync(cycleId, actor, ct);
    }

    /// <summary>Every node's points for one unit: leaves as counted, parents as the sum of their children (bonus and
    /// penalty capped); "không áp dụng" leaves are left out.</summary>
    static List<(string Code, decimal Points)> NodePoints(IReadOnlyList<Criterion> tree, CycleUnit u)
    {
        var items = u.Items.ToDictionary(i => i.CriterionId);
        var byParent = tree.ToLookup(c => c.ParentId);
        var list = new List<(string, decimal)>();
        decimal? Walk(Criterion c)
        {
            var children = byParent[c.Id].ToList();
            decimal? p;
            if (children.Count == 0)
                p = items.TryGetValue(c.Id, out var i) && i.Answer != Answers.NotApplicable ? PointsOf(i, c) : null;
            else
            {
                var sums = children.Select(Walk).Where(v => v is not null).ToList();
                p = sums.Count == 0 ? null : sums.Sum();
                if (p is not null && c.Kind != CriterionKind.Standard && c.Max is { } cap) p = Math.Min(p.Value, cap);
            }
            if (p is not null) list.Add((c.Code, p.Value));
            return p;
        }
        foreach (var root in byParent[null]) Walk(root);
        return list;
    }

    public async Task<Outcome<List<HeatMap>>> HeatMapAsync(int cycleId, Actor actor, CancellationToken ct = default)
    {
        var l = await LoadCycleAsync(cycleId, tracking: false, ct);
        if (l is null) return Failure.NotFound("kỳ đánh giá");
        actor.Require(actor.ReadsAll || l.Cycle.Status == CycleStatus.Published, "Bản đồ nhiệt của toàn thành phố chỉ dành cho cơ quan thường trực và lãnh đạo trước khi công bố.");
        var maps = new List<HeatMap>();
        foreach (var (group, tree, units) in l.Groups)
        {
            var byId = tree.ToDictionary(t => t.Id);
            var parents = tree.Where(c => c.ParentId is not null).Select(c => c.ParentId!.Value).ToHashSet();
            var leaves = tree.Where(c => !parents.Contains(c.Id) && KindOf(c, byId).Kind == CriterionKind.Standard).ToList();
            var rows = units.Select(u =>
            {
                var items = u.Items.ToDictionary(i => i.CriterionId);
                var cells = leaves.Select(c => items.TryGetValue(c.Id, out var i) && i.Answer != Answers.NotApplicable
                    ? new HeatCell(c.Code, PointsOf(i, c), c.Max ?? 0, PointsOf(i, c) is { } p ? (c.Max ?? 0) - p : null)
                    : new HeatCell(c.Code, null, 0, null)).ToList();
                return new HeatRow(u.Unit!.Code, u.Unit.Name, Totals(tree, u.Items).Percent, cells);
            }).OrderByDescending(r => r.Percent).ToList();
            var columns = leaves.Select((c, k) =>
            {
                var lost = rows.Select(r => r.Cells[k].Lost).Where(v => v is not null).Select(v => v!.Value).ToList();
                return new HeatColumn(c.Code, c.Name, c.Max ?? 0, c.Method, lost.Sum(), lost.Count == 0 ? 0 : Math.Round(lost.Average(), 2));
            }).ToList();
            maps.Add(new HeatMap(group.Name, columns, rows));
        }
        return maps;
    }
}
