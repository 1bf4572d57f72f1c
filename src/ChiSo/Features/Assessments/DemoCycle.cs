using System.Globalization;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

public sealed record DemoGroup(string Name, string Framework, string Version, int Units);

/// <summary>A sample account; <see cref="Password"/> only when it was made by this run (shown once).</summary>
public sealed record DemoAccount(string UserName, string Role, string? Unit, string? Password);

/// <summary>What the demo holds after a run, and what of it was already there (<see cref="Existing"/>).</summary>
public sealed record DemoReport(int CycleId, string CycleName, int RoundId, string RoundName, IReadOnlyList<DemoGroup> Groups, int Responses,
    int SurveyPoints, IReadOnlyList<DemoAccount> Accounts, IReadOnlyList<string> Existing);

/// <summary>A cycle a new user can walk through (issue 11): the departments and the communes and wards in force on 1 January
/// of the year, in two ranking groups on the city sample frameworks, a sociological round of the city questionnaire with
/// generated answers (fixed seed) whose points go into the cycle through the questions' links, and one account per role.
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
            var closed = await Rounds.SetStatusAsync(db, roundId.Value, RoundStatus.Closed, actor, ct);
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

        var summary = $"{string.Join("; ", groups.Select(g => $"{g.Name}: {g.Units.Count}"))}; {responses} phiếu; {points} điểm điều tra";
        // Audited only when this run made something: a run that finds everything in place leaves no trace.
        if (existing.Count < 4 + Accounts.Length)
        {
            db.Audit.Add(new AuditEntry
            {
                At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"demo:{year}", Field = "build",
                NewValue = $"kỳ {cycleId}, đợt {roundId}; {summary}", Reason = "Dựng kỳ đánh giá minh họa",
            });
            await db.SaveChangesAsync(ct);
        }
        return new DemoReport(cycleId.Value, cycleName, roundId.Value, roundName,
            [.. groups.Select(g => new DemoGroup(g.Name, g.Framework, g.Version, g.Units.Count))], responses, points, samples, existing);
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
