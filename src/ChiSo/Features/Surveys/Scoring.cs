using System.Data;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace ChiSo.Features.Surveys;

/// <summary>Scores a survey round from its responses (all but the excluded ones).
/// <para>Default method (the rules of 1001/QĐ-BNV and the city's guidance as the brief reads them; a per-framework-version
/// choice of rule and per-round group weights are later work):</para>
/// <list type="bullet">
/// <item>Question, per unit and group: n, mean of the 1–5 answers, share in the top two levels; 95 % intervals.</item>
/// <item>Sociological criterion, per group: the answers of all its questions pooled into one mean; points = max × mean ÷ 5
/// with the max of the framework version valid in the round's year. Per unit: the groups' points with equal weights.</item>
/// <item>SIPAS, per unit: percent satisfied per question, per component (the answers of the component's questions pooled,
/// every group together), per area (1 and 2, pooled) and overall (pooled over every scored question). Pooling answers weighs
/// a component by how many answers it has; averaging its questions' percentages instead is the alternative the method may ask for.</item>
/// </list></summary>
public static class RoundScoring
{
    public const string MethodText =
        "Điểm tiêu chí = điểm tối đa × điểm trung bình ÷ 5 (gộp mọi câu hỏi của tiêu chí), các nhóm đối tượng có trọng số bằng nhau; " +
        "SIPAS = tỷ lệ câu trả lời ở hai mức cao nhất (hài lòng, rất hài lòng), gộp mọi câu trả lời của thành phần, lĩnh vực, toàn bộ; " +
        "khoảng tin cậy 95 %; phiếu bị loại không được tính.";

    /// <summary>Reads the round's responses and tallies them. Only three columns are read, without tracking.</summary>
    public static async Task<ScoringTally?> TallyAsync(ChiSoDb db, int roundId, CancellationToken ct = default)
    {
        var questionnaireId = await db.SurveyRounds.Where(r => r.Id == roundId).Select(r => (int?)r.QuestionnaireId).FirstOrDefaultAsync(ct);
        if (questionnaireId is null) return null;
        var tally = new ScoringTally(new ScoringLayout(await LoadQuestionnaireAsync(db, questionnaireId.Value, ct)));
        await AddResponsesAsync(db, roundId, tally, long.MinValue, long.MaxValue, ct);
        return tally;
    }

    /// <summary>Adds to <paramref name="tally"/> the round's responses (all but the excluded ones) whose Id lies in
    /// [<paramref name="fromId"/>, <paramref name="toId"/>]: the whole round, or what came in since a live tally last read.</summary>
    public static async Task AddResponsesAsync(ChiSoDb db, int roundId, ScoringTally tally, long fromId, long toId, CancellationToken ct = default)
    {
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            await TallySqliteAsync(sqlite, roundId, tally, fromId, toId, ct);
            return;
        }
        var rows = db.SurveyResponses.AsNoTracking()
            .Where(r => r.RoundId == roundId && r.Review != ResponseReview.Excluded && r.Id >= fromId && r.Id <= toId)
            .Select(r => new { r.UnitId, r.Group, r.Answers });
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            tally.Add(row.UnitId, row.Group, row.Answers);
    }

    /// <summary>SQLite: the rows are read with the native API, so each response's answers are handed over as the UTF-8 bytes
    /// SQLite holds (no string per row, no UTF-16 round trip): 10^6 responses are read in about the time EF takes to
    /// materialise a tenth of them. The unary plus keeps SQLite off the (RoundId, UnitId, Group) index: reading a whole round
    /// through it fetches every row by a random jump (8 s at 10^6), where a scan of the table reads pages in order.</summary>
    static async Task TallySqliteAsync(SqliteConnection connection, int roundId, ScoringTally tally, long fromId, long toId, CancellationToken ct)
    {
        var source = new SqliteConnectionStringBuilder(connection.ConnectionString);
        var file = source.Mode != SqliteOpenMode.Memory && source.DataSource is { Length: > 0 } ds && ds != ":memory:";
        if (connection.State != ConnectionState.Open) await connection.OpenAsync(ct);
        long min, max;
        await using (var range = connection.CreateCommand())
        {
            range.CommandText = "SELECT MIN(\"Id\"), MAX(\"Id\") FROM \"SurveyResponses\" WHERE \"Id\" BETWEEN $from AND $to";
            range.Parameters.AddWithValue("$from", fromId);
            range.Parameters.AddWithValue("$to", toId);
            await using var r = await range.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            if (r.IsDBNull(0)) return;
            (min, max) = (r.GetInt64(0), r.GetInt64(1));
        }
        if (!file || Environment.ProcessorCount < 2 || max - min < 100_000)
        {
            await Task.Run(() => TallySqlite(connection, roundId, min, max, tally, ct), ct);
            return;
        }
        // Two halves of the key range on two connections, one per core; each half is still a sequential scan.
        var mid = min + (max - min) / 2;
        var second = new ScoringTally(tally.Layout);
        var other = Task.Run(() =>
        {
            using var c = new SqliteConnection(connection.ConnectionString);
            TallySqlite(c, roundId, mid + 1, max, second, ct);
        }, ct);
        await Task.Run(() => TallySqlite(connection, roundId, min, mid, tally, ct), ct);
        await other;
        tally.Merge(second);
    }

    static void TallySqlite(SqliteConnection connection, int roundId, long fromId, long toId, ScoringTally tally, CancellationToken ct)
    {
        var opened = connection.State != ConnectionState.Open;
        if (opened) connection.Open();
        try
        {
            var rc = raw.sqlite3_prepare_v2(connection.Handle,
                "SELECT \"UnitId\", \"Group\", \"Answers\" FROM \"SurveyResponses\" " +
                "WHERE \"Id\" BETWEEN ?2 AND ?3 AND +\"RoundId\" = ?1 AND \"Review\" <> 'Excluded'", out var stmt);
            if (rc != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
            using (stmt)
            {
                raw.sqlite3_bind_int(stmt, 1, roundId);
                raw.sqlite3_bind_int64(stmt, 2, fromId);
                raw.sqlite3_bind_int64(stmt, 3, toId);
                var rows = 0;
                while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
                {
                    tally.Add(raw.sqlite3_column_int(stmt, 0), raw.sqlite3_column_blob(stmt, 1), raw.sqlite3_column_blob(stmt, 2));
                    if (++rows % 65536 == 0) ct.ThrowIfCancellationRequested();
                }
                if (rc != raw.SQLITE_DONE) throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
            }
        }
        finally
        {
            if (opened) connection.Close();
        }
    }

    public static Task<Questionnaire> LoadQuestionnaireAsync(ChiSoDb db, int id, CancellationToken ct) =>
        db.Questionnaires.AsNoTracking().AsSplitQuery().Include(x => x.Groups).Include(x => x.Sections).Include(x => x.Questions)
            .FirstAsync(x => x.Id == id, ct);

    public static async Task<RoundScores?> ScoreAsync(ChiSoDb db, int roundId, Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireRead(actor);
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Quotas).Include(r => r.Questionnaire)
            .FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return null;
        var tally = (await TallyAsync(db, roundId, ct))!;
        return await ScoreAsync(db, round, tally, ct);
    }

    /// <summary>Turns a tally into scores: reads the quotas, units and the framework version's criteria (names and max points).</summary>
    public static async Task<RoundScores> ScoreAsync(ChiSoDb db, SurveyRound round, ScoringTally tally, CancellationToken ct = default)
    {
        var kind = round.Questionnaire?.Kind ?? (await db.Questionnaires.FirstAsync(q => q.Id == round.QuestionnaireId, ct)).Kind;
        var frameworkKey = round.Questionnaire?.Framework ?? await db.Questionnaires.Where(q => q.Id == round.QuestionnaireId).Select(q => q.Framework).FirstAsync(ct);
        var framework = frameworkKey is null ? null
            : await db.Frameworks.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Key == frameworkKey, ct);
        var version = framework?.VersionFor(round.Year);
        var criteria = version is null ? new Dictionary<string, (string Name, decimal? Max)>()
            : await db.Criteria.AsNoTracking().Where(c => c.VersionId == version.Id)
                .ToDictionaryAsync(c => c.Code, c => (c.Name, c.Max), ct);
        // Question index → criterion code of this questionnaire's framework, or none.
        var criteriaOf = tally.Layout.Questions.Select(q => q.Criterion is { } c && SplitCriterion(c) is var (f, code)
            && (f is null || f == frameworkKey) ? new[] { code } : []).ToArray();
        return await ScoreAsync(db, round, tally, kind, frameworkKey, version?.Label, criteria, criteriaOf, ct);
    }

    /// <summary>Scores a sociological round for the criteria of one framework version through the questions' links to
    /// them (a question may feed several criteria of several versions): points = the version's max × mean ÷ 5.</summary>
    public static async Task<RoundScores> ScoreLinkedAsync(ChiSoDb db, SurveyRound round, ScoringTally tally, FrameworkVersion version,
        IReadOnlyDictionary<int, List<string>> codesByQuestion, CancellationToken ct = default)
    {
        var criteria = await db.Criteria.AsNoTracking().Where(c => c.VersionId == version.Id).ToDictionaryAsync(c => c.Code, c => (c.Name, c.Max), ct);
        var criteriaOf = tally.Layout.Questions.Select(q => codesByQuestion.TryGetValue(q.Id, out var codes) ? codes.ToArray() : []).ToArray();
        return await ScoreAsync(db, round, tally, SurveyKind.Sociological, version.Framework?.Key, version.Label, criteria, criteriaOf, ct);
    }

    static async Task<RoundScores> ScoreAsync(ChiSoDb db, SurveyRound round, ScoringTally tally, SurveyKind kind, string? frameworkKey, string? versionLabel,
        Dictionary<string, (string Name, decimal? Max)> criteria, string[][] criteriaOf, CancellationToken ct)
    {
        var quotas = round.Quotas.Count > 0 ? round.Quotas
            : await db.Set<RoundQuota>().AsNoTracking().Where(q => q.RoundId == round.Id).ToListAsync(ct);
        var targets = quotas.ToDictionary(q => (q.UnitId, q.Group), q => q.Target);
        var unitIds = tally.Units.Keys.Union(quotas.Select(q => q.UnitId)).ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);

        var scorer = new Scorer(tally.Layout, kind, criteria, targets, criteriaOf);
        var list = units.OrderBy(u => u.Code, StringComparer.Ordinal)
            .Select(u => scorer.Unit(u.Id, u.Code, u.Name, tally.Units.GetValueOrDefault(u.Id))).ToList();
        SipasScores? city = null;
        if (kind == SurveyKind.Sipas && tally.Units.Count > 0)
        {
            // The city: every unit's answers pooled.
            var all = new ScoringTally.UnitTally(tally.Layout.Groups.Count, tally.Layout.Cells);
            foreach (var t in tally.Units.Values)
                for (var i = 0; i < all.Sums.Length; i++) all.Sums[i] += t.Sums[i];
            city = scorer.Sipas(all, null);
        }
        return new RoundScores(round.Id, round.Name, round.Year, kind, frameworkKey, versionLabel, tally.Responses, MethodText, list, city);
    }

    /// <summary>Mean of answers from their sums: the same figure as <see cref="SurveyStatistics.Mean"/> over the answers
    /// themselves (sample standard deviation, z-interval), without holding the answers.</summary>
    public static Estimate MeanFromSums(long n, long sum, long sumOfSquares, int? planned)
    {
        if (n == 0) return new Estimate(0, double.NaN, double.NaN, double.NaN, planned);
        var mean = (double)sum / n;
        var sd = n > 1 ? Math.Sqrt(Math.Max(0, (sumOfSquares - (double)sum * sum / n) / (n - 1))) : 0;
        return new Estimate((int)n, mean, sd, n > 1 ? SurveyStatistics.Z95 * sd / Math.Sqrt(n) : double.NaN, planned);
    }

    public static Estimate PercentFromCounts(long satisfied, long n, int? planned)
    {
        var share = SurveyStatistics.Share((int)satisfied, (int)n, planned);
        return share with { Mean = share.Mean * 100, StandardDeviation = share.StandardDeviation * 100, MarginOfError = share.MarginOfError * 100 };
    }

    /// <summary>"par-province:5.2.3" → ("par-province", "5.2.3").</summary>
    public static (string? Framework, string Code) SplitCriterion(string criterion)
    {
        var i = criterion.IndexOf(':');
        return i < 0 ? (null, criterion.Trim()) : (criterion[..i].Trim(), criterion[(i + 1)..].Trim());
    }

    /// <summary>SIPAS area of a component: "2.3" → "2".</summary>
    public static string AreaOf(string component) => component.Split('.')[0];

    /// <param name="criteriaOf">Question index → the codes of the criteria it scores (SIPAS: at most one).</param>
    sealed class Scorer(ScoringLayout layout, SurveyKind kind,
        Dictionary<string, (string Name, decimal? Max)> criteria, Dictionary<(int, string), int> targets, string[][] criteriaOf)
    {
        readonly string?[] criterionOf = criteriaOf.Select(c => c.FirstOrDefault()).ToArray();

        public UnitScores Unit(int id, string code, string name, ScoringTally.UnitTally? tally)
        {
            var groups = new List<GroupScores>();
            var planned = 0;
            var anyPlan = false;
            var responses = 0;
            for (var g = 0; g < layout.Groups.Count; g++)
            {
                var group = layout.Groups[g];
                int? target = targets.TryGetValue((id, group.Code), out var t) ? t : null;
                var n = tally?.Responses[g] ?? 0;
                if (target is null && n == 0) continue;
                if (target is { } tv) { planned += tv; anyPlan = true; }
                responses += n;
                groups.Add(Group(tally, g, group, n, target));
            }
            int? unitPlan = anyPlan ? planned : null;
            var warning = groups.Any(x => x.Warning);
            var points = kind == SurveyKind.Sociological ? Combine(groups) : [];
            var sipas = kind == SurveyKind.Sipas && tally is not null ? Sipas(tally, unitPlan) : null;
            return new UnitScores(id, code, name, responses, unitPlan, warning, groups, points, sipas);
        }

        GroupScores Group(ScoringTally.UnitTally? tally, int g, RespondentGroup group, int responses, int? target)
        {
            var questions = new List<QuestionScore>();
            var byCriterion = new Dictionary<string, long[]>();
            for (var q = 0; q < layout.Questions.Count; q++)
            {
                var question = layout.Questions[q];
                if (question.Groups.Count > 0 && !question.Groups.Contains(group.Code)) continue;
                var s = Sums(tally, layout.Cell(g, q));
                // The codes this round scores; a key of another framework keeps its code, without a name from this one.
                string[] codes = criteriaOf[q].Length > 0 ? criteriaOf[q] : question.Criterion is { } key ? [SplitCriterion(key).Code] : [];
                var named = criteriaOf[q].Where(criteria.ContainsKey).Select(c => criteria[c].Name).ToList();
                questions.Add(new QuestionScore(question.Code, question.Criterion,
                    Figure.From(MeanFromSums(s[0], s[1], s[2], target), 4), Figure.From(PercentFromCounts(s[3], s[0], target), 2))
                {
                    CriterionCode = codes.Length == 0 ? null : string.Join(", ", codes),
                    CriterionName = named.Count == 0 ? null : string.Join("; ", named),
                });
                foreach (var c in criteriaOf[q])
                {
                    if (!byCriterion.TryGetValue(c, out var acc)) byCriterion[c] = acc = new long[4];
                    for (var i = 0; i < 4; i++) acc[i] += s[i];
                }
            }
            var groupCriteria = new List<GroupCriterion>();
            if (kind == SurveyKind.Sociological)
                foreach (var (code, s) in byCriterion)
                {
                    var (cname, max) = criteria.TryGetValue(code, out var c) ? c : (code, null);
                    var mean = SurveyStatistics.OverRespondents(MeanFromSums(s[0], s[1], s[2], target), responses);
                    decimal? points = max is { } m && s[0] > 0 ? SurveyStatistics.PointsFromMean(m, mean.Mean, ScoringTally.ScaleTop) : null;
                    double? margin = max is { } mm && !double.IsNaN(mean.MarginOfError) ? Math.Round((double)mm * mean.MarginOfError / ScoringTally.ScaleTop, 4) : null;
                    groupCriteria.Add(new GroupCriterion(code, cname, max, Figure.Pooled(mean, 4, responses, target), points, margin));
                }
            return new GroupScores(group.Code, group.Name, responses, target, target is { } tt && responses < tt, questions, groupCriteria);
        }

        /// <summary>Per criterion, the points of the groups that answered it, with equal weights; the margin of a weighted
        /// mean of independent samples is √(Σ wᵢ² mᵢ²) ÷ Σ wᵢ.</summary>
        List<CriterionPoints> Combine(List<GroupScores> groups)
        {
            var codes = groups.SelectMany(g => g.Criteria).Select(c => c.Code).Distinct().ToList();
            var order = criteriaOf.SelectMany((codes, i) => codes.Select(c => (Code: c, i)))
                .GroupBy(x => x.Code).ToDictionary(x => x.Key, x => x.Min(y => y.i));
            var list = new List<CriterionPoints>();
            foreach (var code in codes.OrderBy(c => order.GetValueOrDefault(c)))
            {
                var parts = groups.Select(g => (Group: g, C: g.Criteria.FirstOrDefault(c => c.Code == code)))
                    .Where(x => x.C is { Points: not null }).ToList();
                var first = groups.SelectMany(g => g.Criteria).First(c => c.Code == code);
                if (parts.Count == 0)
                {
                    list.Add(new CriterionPoints(code, first.Name, first.Max, 0, 0, null, null, true, 0));
                    continue;
                }
                var points = SurveyStatistics.Weighted(parts.Select(p => (p.C!.Points!.Value, 1m)).ToList());
                double? margin = parts.All(p => p.C!.PointsMargin is not null)
                    ? Math.Round(Math.Sqrt(parts.Sum(p => p.C!.PointsMargin!.Value * p.C!.PointsMargin!.Value)) / parts.Count, 4) : null;
                list.Add(new CriterionPoints(code, first.Name, first.Max, parts.Sum(p => p.C!.Mean.N), parts.Count, points, margin,
                    parts.Any(p => p.Group.Warning), parts.Sum(p => p.Group.Responses)));
            }
            return list;
        }

        public SipasScores Sipas(ScoringTally.UnitTally tally, int? planned)
        {
            // Every figure pools the answers of all groups; the question-level figures per group are in the groups. The warning
            // compares the unit's respondents with its plan (each group's shortfall is shown with the group).
            var respondents = tally.Responses.Sum();
            var perQuestion = new long[layout.Questions.Count][];
            for (var q = 0; q < layout.Questions.Count; q++)
            {
                var s = new long[4];
                for (var g = 0; g < layout.Groups.Count; g++)
                {
                    var at = layout.Cell(g, q) * 4;
                    for (var i = 0; i < 4; i++) s[i] += tally.Sums[at + i];
                }
                perQuestion[q] = s;
            }
            Figure Percent(IEnumerable<int> questions)
            {
                long hits = 0, n = 0;
                foreach (var q in questions) { n += perQuestion[q][0]; hits += perQuestion[q][3]; }
                return Figure.Pooled(SurveyStatistics.OverRespondents(PercentFromCounts(hits, n, null), respondents), 2, respondents, planned);
            }
            var scored = Enumerable.Range(0, layout.Questions.Count).Where(q => criterionOf[q] is not null).ToList();
            string Name(string code) => criteria.TryGetValue(code, out var c) ? c.Name : code;
            var components = scored.GroupBy(q => criterionOf[q]!).Select(g => new SipasLine(g.Key, Name(g.Key), Percent(g))).ToList();
            var areas = scored.GroupBy(q => AreaOf(criterionOf[q]!)).Select(g => new SipasLine(g.Key, Name(g.Key), Percent(g))).ToList();
            var questions = scored.Select(q => new SipasLine(layout.Questions[q].Code, criterionOf[q]!, Percent([q]))).ToList();
            return new SipasScores(Percent(scored), areas, components, questions);
        }

        static long[] Sums(ScoringTally.UnitTally? tally, int cell)
        {
            var s = new long[4];
            if (tally is not null) Array.Copy(tally.Sums, cell * 4, s, 0, 4);
            return s;
        }
    }
}
