using System.Globalization;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

public sealed record DemoGroup(string Name, string Framework, string Version, int Units);

/// <summary>A sample account; <see cref="Password"/> only when it was made by this run (shown once).</summary>
public sealed record DemoAccount(string UserName, string Role, string? Unit, string? Password);

/// <summary>What the demo holds after a run, and what of it was already there (<see cref="Existing"/>);
/// <see cref="Explained"/> counts the units past their explanation, all but the two the sample accounts walk.</summary>
public sealed record DemoReport(int CycleId, string CycleName, int RoundId, string RoundName, IReadOnlyList<DemoGroup> Groups, int Responses,
    int SurveyPoints, int Explained, IReadOnlyList<DemoAccount> Accounts, IReadOnlyList<string> Existing);

/// <summary>A cycle a new user can walk through (issue 11): the departments and the communes and wards in force on 1 January
/// of the year, in two ranking groups on the city sample frameworks, a sociological round of the city questionnaire with
/// generated answers (fixed seed) whose points go into the cycle through the questions' links, and one account per role.
/// It is a cycle in mid-course: every unit but the department and the ward of the sample accounts has self-assessed, been
/// appraised and finished its explanation, so that a new user walks those two and then reaches the council and beyond.
/// Every step goes through the service that does it by hand and is skipped when its result is already there, so a second
/// run adds nothing and a run that stopped half-way is finished by the next.</summary>
public static class DemoCycle
{
    public const string Departments = "city-par-departments", Communes = "city-par-communes", Questionnaire = "city-par-sociological";
    public const int Seed = 2026, PerGroup = 3;

    public static bool MayBuild(Actor actor) => actor.IsAdmin;

    public static string CycleName(int year) => $"Chỉ số CCHC năm {year} (minh họa)";
    public static string RoundName(int year) => $"Điều tra xã hội học {year} (minh họa, câu trả lời sinh tự động)";

    static readonly (string UserName, string DisplayName, string Role, string? Unit)[] Accounts =
    [
        ("demo.so", "Cán bộ nhập liệu (sở, minh họa)", Roles.UnitEditor, "department"),
        ("demo.phuong", "Cán bộ nhập liệu (phường, minh họa)", Roles.UnitEditor, "ward"),
        // Only a unit's head sends its self-assessment and its explanation: without these the sample units could not finish.
        ("demo.so.truong", "Thủ trưởng (sở, minh họa)", Roles.UnitHead, "department"),
        ("demo.phuong.truong", "Chủ tịch UBND (phường, minh họa)", Roles.UnitHead, "ward"),
        ("demo.thamdinh", "Thành viên thẩm định (minh họa)", Roles.Appraiser, null),
        ("demo.lanhdao", "Lãnh đạo (minh họa)", Roles.Leader, null),
        ("demo.dieutra", "Đơn vị điều tra xã hội học (minh họa)", Roles.SurveyInstitute, null),
    ];

    public static async Task<Outcome<DemoReport>> BuildAsync(ChiSoDb db, UserAccounts accounts, TimeProvider clock, int year, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayBuild(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được dựng kỳ đánh giá minh họa.");
        if (year is < 2000 or > 2100) return Failure.Invalid("year", "Năm đánh giá không hợp lệ.");
        var existing = new List<string>();
        var assessments = new AssessmentService(db, clock);

        var day = new DateOnly(year, 1, 1);
        var inForce = await db.Units.AsNoTracking().Where(u => u.Kind == UnitKind.Department || u.Kind == UnitKind.Commune).ToListAsync(ct);
        inForce = [.. inForce.Where(u => u.ExistsOn(day)).OrderBy(u => u.Code, StringComparer.Ordinal)];
        var groups = new List<GroupSpec>();
        foreach (var (name, key, kind) in new[] { ("Sở, ban, ngành", Departments, UnitKind.Department), ("Xã, phường", Communes, UnitKind.Commune) })
        {
            var framework = await db.Frameworks.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Key == key, ct);
            if (framework?.VersionFor(year) is not { } version) return Failure.Refused($"Không có bộ chỉ số '{key}' áp dụng cho năm {year}.");
            var units = inForce.Where(u => u.Kind == kind).Select(u => u.Code).ToList();
            if (units.Count == 0) return Failure.Refused($"Không có đơn vị nào thuộc nhóm '{name}' còn hiệu lực ngày 1/1/{year}.");
            groups.Add(new GroupSpec(name, key, version.Label, units));
        }

        var cycleName = CycleName(year);
        var cycleId = await db.Cycles.Where(c => c.Year == year && c.Name == cycleName).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        if (cycleId is { } had) existing.Add($"kỳ đánh giá {had}");
        else
        {
            var created = await assessments.CreateCycleAsync(new CycleSpec(year, cycleName, ViText.EndOfDay(new DateOnly(year, 12, 22)),
                new DateOnly(year + 1, 1, 4), new DateOnly(year + 1, 1, 29), 7, groups, new DateOnly(year, 10, 1), new DateOnly(year, 11, 30)), actor, ct);
            if (!created.Ok) return created.Failure!;
            cycleId = created.Value.Id;
        }
        if (await db.Cycles.Where(c => c.Id == cycleId).Select(c => c.Status).FirstAsync(ct) == CycleStatus.Draft)
        {
            var opened = await assessments.OpenCycleAsync(cycleId.Value, actor, ct);
            if (!opened.Ok) return opened.Failure!;
        }

        var questionnaireId = await db.Questionnaires.Where(q => q.Key == Questionnaire).OrderByDescending(q => q.Id).Select(q => (int?)q.Id).FirstOrDefaultAsync(ct);
        if (questionnaireId is null) return Failure.Refused($"Không có phiếu khảo sát '{Questionnaire}'.");
        var roundName = RoundName(year);
        var roundId = await db.SurveyRounds.Where(r => r.Year == year && r.Name == roundName).Select(r => (int?)r.Id).FirstOrDefaultAsync(ct);
        if (roundId is { } round) existing.Add($"đợt khảo sát {round}");
        else
        {
            var made = await Rounds.CreateAsync(db, new RoundRequest(year, roundName, questionnaireId.Value, new DateOnly(year, 10, 1), new DateOnly(year, 11, 30)), actor, ct);
            if (made.Errors is { } e) return Failure.Invalid(e);
            roundId = made.Value;
        }
        var unitIds = await db.CycleUnits.Where(u => u.CycleId == cycleId).Select(u => u.UnitId).ToListAsync(ct);
        var responses = await db.SurveyResponses.CountAsync(r => r.RoundId == roundId, ct);
        if (responses > 0) existing.Add($"{responses} phiếu trả lời");
        else
        {
            var codes = await db.Units.Where(u => unitIds.Contains(u.Id)).Select(u => u.Code).ToListAsync(ct);
            var groupCodes = await db.Questionnaires.Where(q => q.Id == questionnaireId).SelectMany(q => q.Groups).Select(g => g.Code).ToListAsync(ct);
            var quotas = await Rounds.SetQuotasAsync(db, roundId.Value, [.. codes.SelectMany(u => groupCodes.Select(g => new QuotaRequest(u, g, null, PerGroup)))], actor, ct);
            if (quotas.Errors is { } e) return Failure.Invalid(e);
            responses = await AnswersAsync(db, roundId.Value, unitIds, Seed, PerGroup, new DateOnly(year, 11, 5), ct);
            // Generated answers are all the round gets: it is closed so that nobody mistakes it for a live survey.
            var closed = await Rounds.SetStatusAsync(db, roundId.Value, RoundStatus.Closed, actor, clock, ct);
            if (closed.Errors is { } c) return Failure.Invalid(c);
        }

        var points = await SurveyPointsAsync(db, cycleId.Value, ct);
        if (points > 0) existing.Add($"{points} điểm điều tra");
        else
        {
            var fed = await assessments.SurveyPointsFromRoundAsync(cycleId.Value, roundId.Value, actor, ct);
            if (!fed.Ok) return fed.Failure!;
            points = await SurveyPointsAsync(db, cycleId.Value, ct);
        }

        var samples = new List<DemoAccount>();
        var department = groups[0].Units[0];
        var ward = await db.Units.Where(u => groups[1].Units.Contains(u.Code) && u.Subkind == "ward").OrderBy(u => u.Code).Select(u => u.Code).FirstOrDefaultAsync(ct)
            ?? groups[1].Units[0];
        foreach (var (userName, displayName, role, unitOf) in Accounts)
        {
            var unit = unitOf switch { "department" => department, "ward" => ward, _ => null };
            if (await accounts.FindAsync(userName, ct) is { } user)
            {
                existing.Add($"tài khoản {userName}");
                samples.Add(new DemoAccount(userName, role, user.Unit, null));
                continue;
            }
            var change = await accounts.CreateAsync(new UserCreate(userName, displayName, null, [role], unit, null), actor, ct);
            if (change.Errors is { } e) return Failure.Invalid(e);
            samples.Add(new DemoAccount(userName, role, unit, change.Password));
        }
        var assigned = await assessments.AssignAppraisersAsync(cycleId.Value, [new AssignmentSpec("demo.thamdinh", null, null)], actor, ct);
        if (!assigned.Ok) return assigned.Failure!;

        var walked = await db.Units.Where(u => u.Code == department || u.Code == ward).Select(u => u.Id).ToListAsync(ct);
        var appraiser = await Actor.LoadAsync(db, "demo.thamdinh", ct) ?? throw new InvalidOperationException("Thiếu tài khoản demo.thamdinh.");
        if (await assessments.DemoExplainAsync(cycleId.Value, walked, appraiser, Seed, ct) == 0) existing.Add("các đơn vị đã giải trình");
        var explained = await db.CycleUnits.CountAsync(u => u.CycleId == cycleId && u.Stage == UnitStage.Explained, ct);

        var summary = $"{string.Join("; ", groups.Select(g => $"{g.Name}: {g.Units.Count}"))}; {responses} phiếu; {points} điểm điều tra; {explained} đơn vị đã giải trình";
        // Audited only when this run made something: a run that finds everything in place leaves no trace.
        if (existing.Count < 5 + Accounts.Length)
        {
            db.Audit.Add(new AuditEntry
            {
                At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"demo:{year}", Field = "build",
                NewValue = $"kỳ {cycleId}, đợt {roundId}; {summary}", Reason = "Dựng kỳ đánh giá minh họa",
            });
            await db.SaveChangesAsync(ct);
        }
        return new DemoReport(cycleId.Value, cycleName, roundId.Value, roundName,
            [.. groups.Select(g => new DemoGroup(g.Name, g.Framework, g.Version, g.Units.Count))], responses, points, explained, samples, existing);
    }

    static Task<int> SurveyPointsAsync(ChiSoDb db, int cycleId, CancellationToken ct) =>
        db.AssessmentItems.CountAsync(i => i.SurveyPoints != null && db.CycleUnits.Any(u => u.Id == i.CycleUnitId && u.CycleId == cycleId), ct);

    /// <summary>Generated answers: <paramref name="perGroup"/> accepted online answers per unit and respondent group, each
    /// scored question (1–5) drawn from <paramref name="seed"/>, so that the same data gives the same points.</summary>
    public static async Task<int> AnswersAsync(ChiSoDb db, int roundId, IReadOnlyList<int> unitIds, int seed, int perGroup, DateOnly submittedOn, CancellationToken ct = default)
    {
        var questionnaireId = await db.SurveyRounds.Where(r => r.Id == roundId).Select(r => r.QuestionnaireId).FirstAsync(ct);
        var q = await RoundScoring.LoadQuestionnaireAsync(db, questionnaireId, ct);
        var random = new Random(seed);
        var n = 0;
        foreach (var unit in unitIds)
            foreach (var group in q.Groups)
                for (var i = 0; i < perGroup; i++)
                {
                    var answers = JsonSerializer.Serialize(q.Questions
                        .Where(x => x.Type is QuestionType.Likert5 or QuestionType.Scale5 && (x.Groups.Count == 0 || x.Groups.Contains(group.Code)))
                        .ToDictionary(x => x.Code, _ => random.Next(1, 6).ToString(CultureInfo.InvariantCulture)));
                    db.SurveyResponses.Add(new SurveyResponse
                    {
                        RoundId = roundId, UnitId = unit, Group = group.Code, Channel = ResponseChannel.Online, SubmittedOn = submittedOn,
                        Answers = answers, AnswersHash = SurveyResponse.HashOf(answers), Review = ResponseReview.Accepted,
                    });
                    n++;
                }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return n;
    }
}

/// <summary>The demo's mid-cycle: the units nobody walks are taken through self-assessment, appraisal and explanation.</summary>
public sealed partial class AssessmentService
{
    static readonly string[] DemoAdjustReasons =
    [
        "Tài liệu kiểm chứng chưa thể hiện đủ nội dung",
        "Văn bản ban hành sau thời điểm đánh giá",
        "Kết quả thực hiện chưa đạt chỉ tiêu kế hoạch năm",
    ];

    /// <summary>Every unit of the cycle still at the start, except <paramref name="walked"/>, gets generated answers (varied
    /// per unit from <paramref name="seed"/>), its head's submission, <paramref name="appraiser"/>'s verdicts (mostly
    /// accepted, a few adjusted with a reason) and a finished explanation, so that it stands at Explained. The rows are
    /// those SaveSelfScore, Submit, Appraise, SendAppraisal, Explain and FinishExplanation write, audit and dialogue
    /// included, without their per-call load of the whole unit: through them a demo of ~144 units took minutes. The unit's
    /// own staff have no accounts in the demo: they act under a name that says so.</summary>
    internal async Task<int> DemoExplainAsync(int cycleId, IReadOnlyCollection<int> walked, Actor appraiser, int seed, CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().FirstAsync(c => c.Id == cycleId, ct);
        var targets = await db.CycleUnits.Where(u => u.CycleId == cycleId && u.Stage == UnitStage.Draft && !walked.Contains(u.UnitId)
                && !db.AssessmentItems.Any(i => i.CycleUnitId == u.Id && i.Answer != null))
            .OrderBy(u => u.UnitId).Select(u => u.Id).ToListAsync(ct);
        var trees = new Dictionary<int, Dictionary<int, Criterion>>();
        foreach (var id in targets)
        {
            var cu = await db.CycleUnits.Include(u => u.Unit).Include(u => u.Group).Include(u => u.Items).FirstAsync(u => u.Id == id, ct);
            var versionId = cu.Group!.FrameworkVersionId;
            if (!trees.TryGetValue(versionId, out var tree))
                trees[versionId] = tree = await db.Criteria.AsNoTracking().Where(c => c.VersionId == versionId).ToDictionaryAsync(c => c.Id, ct);
            var unit = cu.Unit!.Code;
            var random = new Random(seed + cu.UnitId);
            var editor = new Actor("demo", $"Cán bộ nhập liệu {cu.Unit.Name} (minh họa)", new HashSet<string> { Roles.UnitEditor }, cu.UnitId);
            var head = new Actor("demo", $"Thủ trưởng {cu.Unit.Name} (minh họa)", new HashSet<string> { Roles.UnitHead }, cu.UnitId);
            // How well the unit does this year: most units do well, a few less so.
            var quality = 0.55 + 0.45 * random.NextDouble();
            var basis = $"Báo cáo công tác cải cách hành chính năm {cycle.Year} của đơn vị";
            var scored = cu.Items.Select(i => (Item: i, Criterion: tree[i.CriterionId])).Where(p => p.Criterion.Method == ScoringMethod.Appraisal)
                .OrderBy(p => p.Criterion.Order).ToList();
            foreach (var (item, c) in scored)
            {
                var answer = DemoAnswer(c, quality, random);
                item.Answer = answer.Answer;
                item.SelfPoints = answer.Points;
                item.Basis = basis;
                if (c.EvidenceRequired) item.NoEvidenceReason = "Hồ sơ gốc lưu tại bộ phận văn thư của đơn vị";
                item.Concurrency = Guid.NewGuid();
                Audit(editor, cycle, c.Code, null, Num(item.SelfPoints) ?? item.Answer, basis, unit);
                Say(item, editor, DialogueStep.SelfAssessment, item.SelfPoints, $"{AnswerText(item.Answer)}. {basis}");
            }
            cu.Stage = UnitStage.Submitted;
            cu.SubmittedAt = Now;
            cu.SubmittedBy = head.Name;
            Audit(head, cycle, "stage", nameof(UnitStage.Draft), nameof(UnitStage.Submitted), "Gửi bản tự đánh giá", unit);

            // About a third of the units have one or two scores adjusted; the rest are accepted as they stand.
            var adjustable = scored.Where(p => p.Criterion.Kind == CriterionKind.Standard && p.Item.SelfPoints > 0 && DemoLower(p.Criterion, p.Item.SelfPoints!.Value) is not null).ToList();
            var adjust = random.NextDouble() < 0.35 && adjustable.Count > 0
                ? adjustable.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Select(p => p.Item.Id).ToHashSet() : [];
            foreach (var (item, c) in scored)
            {
                var adjusted = adjust.Contains(item.Id);
                var points = adjusted ? DemoLower(c, item.SelfPoints!.Value) : item.SelfPoints;
                item.Verdict = adjusted ? AppraisalVerdict.Adjusted : AppraisalVerdict.Accepted;
                item.AppraisedPoints = points;
                item.AppraisalReason = adjusted ? DemoAdjustReasons[random.Next(DemoAdjustReasons.Length)] : null;
                item.AppraisedBy = appraiser.Name;
                item.AppraisedAt = Now;
                item.Concurrency = Guid.NewGuid();
                var verdict = adjusted ? "Điều chỉnh" : "Công nhận";
                Audit(appraiser, cycle, c.Code + ":appraisal", null, Num(points), $"{verdict}{(item.AppraisalReason is null ? "" : ": " + item.AppraisalReason)}", unit);
                Say(item, appraiser, DialogueStep.Appraisal, points, $"{verdict}. {item.AppraisalReason}".Trim());
            }
            cu.Stage = adjust.Count > 0 ? UnitStage.Appraised : UnitStage.Explained;
            cu.AppraisalSentAt = Now;
            cu.ExplanationDue = adjust.Count > 0 ? ViText.EndOfDay(ViText.Day(Now).AddDays(cycle.ExplanationDays)) : null;
            Audit(appraiser, cycle, "stage", nameof(UnitStage.Submitted), cu.Stage.ToString(),
                adjust.Count > 0 ? $"Gửi kết quả thẩm định; hạn giải trình {ViText.DateTime(cu.ExplanationDue)}" : "Gửi kết quả thẩm định: công nhận toàn bộ", unit);

            if (adjust.Count > 0)
            {
                // Some units explain their adjusted scores, others take the appraisal as it is; all of them close the round.
                foreach (var (item, c) in scored.Where(p => adjust.Contains(p.Item.Id) && random.NextDouble() < 0.5))
                {
                    item.Explanation = "Đơn vị bổ sung văn bản chứng minh kết quả thực hiện";
                    item.ExplainedAt = Now;
                    item.Concurrency = Guid.NewGuid();
                    Audit(editor, cycle, c.Code + ":explanation", null, item.Explanation, "Giải trình", unit);
                    Say(item, editor, DialogueStep.Explanation, null, item.Explanation);
                }
                cu.Stage = UnitStage.Explained;
                cu.ExplainedAt = Now;
                Audit(head, cycle, "stage", nameof(UnitStage.Appraised), nameof(UnitStage.Explained), "Gửi giải trình", unit);
            }
            cu.Concurrency = Guid.NewGuid();
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        return targets.Count;
    }

    /// <summary>A plausible answer: standard criteria near the unit's quality, bonus and penalty criteria mostly at zero.</summary>
    static ScoredAnswer DemoAnswer(Criterion c, double quality, Random random)
    {
        var max = c.Max ?? 0;
        var step = c.Step is > 0 and var s ? s : 0.25m;
        List<string> options = c.Answer switch
        {
            AnswerType.YesNo => [Answers.Yes, Answers.No],
            AnswerType.Levels => [.. c.Levels.Select(l => l.Label)],
            AnswerType.Percent => [.. Enumerable.Range(0, 21).Select(i => (i * 5).ToString(CultureInfo.InvariantCulture))],
            _ => [.. Enumerable.Range(0, (int)Math.Floor(max / step) + 1).Select(i => (i * step).ToString(CultureInfo.InvariantCulture))],
        };
        var answers = options.Select(o => Answers.Score(c, o).Scored).OfType<ScoredAnswer>().ToList();
        if (answers.Count == 0) return new ScoredAnswer(Answers.NotApplicable, null, true);
        var target = c.Kind == CriterionKind.Standard
            ? Math.Clamp(quality + (random.NextDouble() - 0.4) * 0.3, 0, 1)
            : random.NextDouble() < 0.8 ? 0 : random.NextDouble();
        var goal = (decimal)target * max;
        return answers.OrderBy(a => Math.Abs((a.Points ?? 0) - goal)).ThenBy(_ => random.Next()).First();
    }

    /// <summary>The next lower points an appraiser could give, or null when there is none.</summary>
    static decimal? DemoLower(Criterion c, decimal self)
    {
        decimal[] candidates = c.Answer switch
        {
            AnswerType.YesNo => [0],
            AnswerType.Levels => [.. c.Levels.Select(l => l.Points).Where(p => p < self).OrderDescending()],
            _ => [Math.Max(0, self - (c.Step is > 0 and var s ? s : 0.5m)), 0],
        };
        return candidates.Where(p => p < self && AppraisalPoints(c, p) is null).Cast<decimal?>().FirstOrDefault();
    }
}
