using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Frameworks;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Assessments;

/// <summary>A small unit framework and a cycle over three departments, written so every total can be worked out on
/// paper:
/// <code>
/// 1    max 10   1.1 max 4 (points, step 0,5, evidence required)   1.2 max 2 (yes/no, n/a allowed)
///               1.3 max 4 (levels Đầy đủ = 4, Một phần = 2, Không = 0)
/// 2    max 6    2.1 max 6 (survey)
/// 3    bonus, cap 2      3.1 max 1,5 (points)   3.2 max 1,5 (yes/no)
/// 4    penalty, cap 3    4.1 max 3 (points, step 0,5)
/// </code>
/// Standard max 16. Self-assessment is due 22/12/2026 (Hanoi), the clock starts on 01/12/2026.</summary>
public static class AssessmentSetup
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    public static readonly DateTime Due = ViText.EndOfDay(new DateOnly(2026, 12, 22));

    public static Actor Admin { get; } = new("admin-id", "Sở Nội vụ (admin)", new HashSet<string> { Roles.Admin }, null);
    public static Actor Leader { get; } = new("leader-id", "Lãnh đạo", new HashSet<string> { Roles.Leader }, null);

    public static Actor Editor(int unitId) => new($"editor-{unitId}", $"Cán bộ {unitId}", new HashSet<string> { Roles.UnitEditor }, unitId);
    public static Actor Head(int unitId) => new($"head-{unitId}", $"Thủ trưởng {unitId}", new HashSet<string> { Roles.UnitHead }, unitId);

    public static async Task<string> FrameworkAsync(ChiSoDb db)
    {
        var key = FrameworkBuilder.NewKey();
        var doc = FrameworkBuilder.Framework(key, 16,
            FrameworkBuilder.Node("1", 10, null, FrameworkBuilder.Node("1.1", 4), FrameworkBuilder.Node("1.2", 2), FrameworkBuilder.Node("1.3", 4)),
            FrameworkBuilder.Node("2", 6, null, FrameworkBuilder.Node("2.1", 6)),
            FrameworkBuilder.Node("3", 2, null, FrameworkBuilder.Node("3.1", 1.5m), FrameworkBuilder.Node("3.2", 1.5m)),
            FrameworkBuilder.Node("4", 3, null, FrameworkBuilder.Node("4.1", 3)));
        var report = await new FrameworkImporter(db, new FakeTimeProvider()).ImportAsync(doc, Actors.Admin("kiem.thu"), "Khung thử");
        Assert.Empty(report.Problems);
        var versionId = await db.FrameworkVersions.Where(v => v.Framework!.Key == key).Select(v => v.Id).SingleAsync();
        var criteria = await db.Criteria.Where(c => c.VersionId == versionId).ToDictionaryAsync(c => c.Code);
        criteria["1.1"].Step = 0.5m;
        criteria["1.1"].EvidenceRequired = true;
        criteria["1.2"].Answer = AnswerType.YesNo;
        criteria["1.2"].AllowNotApplicable = true;
        criteria["1.3"].Answer = AnswerType.Levels;
        criteria["1.3"].Levels = [new("Đầy đủ", 4), new("Một phần", 2), new("Không", 0)];
        criteria["2.1"].Method = ScoringMethod.Survey;
        criteria["3"].Kind = CriterionKind.Bonus;
        criteria["3.2"].Answer = AnswerType.YesNo;
        criteria["4"].Kind = CriterionKind.Penalty;
        criteria["4.1"].Step = 0.5m;
        await db.SaveChangesAsync();
        return key;
    }

    /// <summary>Creates and opens a cycle for SNV, STP and STC over a fresh small framework.</summary>
    public static async Task<(AssessmentService Service, FakeTimeProvider Clock, int CycleId, Dictionary<string, int> Units)> OpenCycleAsync(ChiSoDb db)
    {
        var key = await FrameworkAsync(db);
        var clock = new FakeTimeProvider(Start);
        var service = new AssessmentService(db, clock);
        var created = await service.CreateCycleAsync(new CycleSpec(2026, "Chỉ số CCHC năm 2026 (thử)", Due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở, ban, ngành", key, FrameworkBuilder.Version, ["SNV", "STP", "Sở Tài chính"])]), Admin);
        Assert.True(created.Ok, created.Error);
        var opened = await service.OpenCycleAsync(created.Value.Id, Admin);
        Assert.True(opened.Ok, opened.Error);
        var units = await db.Units.Where(u => u.Code == "SNV" || u.Code == "STP" || u.Code == "STC").ToDictionaryAsync(u => u.Code, u => u.Id);
        return (service, clock, created.Value.Id, units);
    }

    /// <summary>The shortest way through every step to a published ranking: one unit (SNV), one criterion (1.1, max 4,
    /// scored 3 and accepted), council 01/BB-HĐTĐ, published 20/03/2027. Every step writes its audit rows.</summary>
    public static async Task<int> PublishedCycleAsync(ChiSoDb db, FakeTimeProvider clock)
    {
        var key = FrameworkBuilder.NewKey();
        var doc = FrameworkBuilder.Framework(key, 4, FrameworkBuilder.Node("1", 4, null, FrameworkBuilder.Node("1.1", 4)));
        Assert.Empty((await new FrameworkImporter(db, clock).ImportAsync(doc, Actors.Admin("kiem.thu"), "Khung thử")).Problems);
        var s = new AssessmentService(db, clock);
        var created = await s.CreateCycleAsync(new CycleSpec(2026, "Kỳ thử công bố", Due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở, ban, ngành", key, FrameworkBuilder.Version, ["SNV"])]), Admin);
        Assert.True(created.Ok, created.Error);
        var id = created.Value.Id;
        Assert.True((await s.OpenCycleAsync(id, Admin)).Ok);
        await ScoreAsync(s, id, "SNV", "1.1", "3", Admin);
        Assert.True((await s.SubmitAsync(id, "SNV", Admin)).Ok);
        await AppraiseAsync(s, id, "SNV", "1.1", Admin);
        Assert.True((await s.SendAppraisalAsync(id, "SNV", Admin)).Ok);
        var finalised = await s.FinaliseAsync(id, new CouncilInput(new DateOnly(2027, 3, 10), "01/BB-HĐTĐ", 9, 7, null, null), Admin);
        Assert.True(finalised.Ok, finalised.Error);
        var published = await s.PublishAsync(id, new DateOnly(2027, 3, 20), Admin);
        Assert.True(published.Ok, published.Error);
        return id;
    }

    /// <summary>An appraiser account (Identity user with the appraiser role) and the actor it signs in as.</summary>
    public static async Task<Actor> AppraiserAsync(ChiSoDb db, string userName)
    {
        var role = await db.Roles.FirstOrDefaultAsync(r => r.Name == Roles.Appraiser);
        if (role is null)
        {
            db.Roles.Add(role = new IdentityRole(Roles.Appraiser) { NormalizedName = Roles.Appraiser.ToUpperInvariant() });
        }
        var user = new ChiSoUser { UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = "Thẩm định " + userName };
        db.Users.Add(user);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
        await db.SaveChangesAsync();
        return new Actor(user.Id, user.DisplayName, new HashSet<string> { Roles.Appraiser }, null);
    }

    public static async Task<Guid> TokenAsync(AssessmentService s, int cycle, string unit, string code, Actor actor)
    {
        var view = await s.GetAsync(cycle, unit, actor);
        Assert.True(view.Ok, view.Error);
        return view.Value.Items.Single(i => i.Code == code).Concurrency!.Value;
    }

    public static async Task<ItemView> ScoreAsync(AssessmentService s, int cycle, string unit, string code, string answer, Actor actor,
        List<int>? evidence = null, string? noEvidence = null)
    {
        var r = await s.SaveSelfScoreAsync(cycle, unit, code, new SelfScoreInput(answer, "Căn cứ " + code, noEvidence, evidence,
            await TokenAsync(s, cycle, unit, code, actor)), actor);
        Assert.True(r.Ok, r.Error);
        return r.Value;
    }

    public static async Task AppraiseAsync(AssessmentService s, int cycle, string unit, string code, Actor actor, decimal? adjust = null, string? reason = null)
    {
        var r = await s.AppraiseAsync(cycle, unit, code, new AppraisalInput(adjust is null ? AppraisalVerdict.Accepted : AppraisalVerdict.Adjusted,
            adjust, reason, await TokenAsync(s, cycle, unit, code, actor)), actor);
        Assert.True(r.Ok, r.Error);
    }

    /// <summary>A tiny valid PDF.</summary>
    public static byte[] Pdf(string text = "Bao cao") => System.Text.Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj " +
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n% " + text);
}
