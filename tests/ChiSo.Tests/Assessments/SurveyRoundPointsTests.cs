using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using ChiSo.Tests.Surveys.Scoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using static ChiSo.Tests.Assessments.AssessmentSetup;

namespace ChiSo.Tests.Assessments;

/// <summary>A sociological round's points arrive in the assessment: the round scores unit A's criterion 2.4.1 at
/// 0,6 of 1 (see ScoringTests); a cycle on the same framework takes 0,6 through the question's link (backfilled from its
/// single criterion); nothing is written when a unit is missing.</summary>
public abstract class SurveyRoundPointsTests(Provider provider)
{
    [Fact]
    public async Task Sociological_round_points_arrive_in_the_cycle_all_or_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var built = await ScoringTests.SociologicalAsync(db);
        var version = await db.FrameworkVersions.Where(v => v.Framework!.Key == "par-province").OrderByDescending(v => v.ValidFromYear).FirstAsync();
        // The round asks about 2.4.1 only: the version's other survey criteria are appraised here, or they would be refused as unlinked.
        foreach (var c in await db.Criteria.Where(c => c.VersionId == version.Id).ToListAsync())
            c.Method = c.Code == "2.4.1" ? ScoringMethod.Survey : ScoringMethod.Appraisal;
        await db.SaveChangesAsync();
        // The test questionnaire holds "par-province:2.4.1" the way questionnaires did before links: it becomes a link once.
        Assert.Equal(2, await QuestionLinks.BackfillAsync(db));
        Assert.Equal(0, await QuestionLinks.BackfillAsync(db));
        var s = new AssessmentService(db, new FakeTimeProvider(Start));

        // A cycle without unit A refuses the round whole.
        var other = (await s.CreateCycleAsync(new CycleSpec(2024, "Thiếu đơn vị", Due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở", "par-province", version.Label, [built.B.Code])]), Admin)).Value;
        await s.OpenCycleAsync(other.Id, Admin);
        var refused = await s.SurveyPointsFromRoundAsync(other.Id, built.RoundId, Admin);
        Assert.Contains($"Đơn vị '{built.A.Code}' không thuộc kỳ đánh giá", refused.Error);

        var cycle = (await s.CreateCycleAsync(new CycleSpec(2024, "Có đơn vị", Due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở", "par-province", version.Label, [built.A.Code, built.B.Code])]), Admin)).Value;
        await s.OpenCycleAsync(cycle.Id, Admin);
        var editor = Editor(built.A.Id);
        await Assert.ThrowsAsync<AccessDenied>(() => s.SurveyPointsFromRoundAsync(cycle.Id, built.RoundId, editor));
        var done = await s.SurveyPointsFromRoundAsync(cycle.Id, built.RoundId, Admin);
        Assert.True(done.Ok, done.Error);
        var item = (await s.GetAsync(cycle.Id, built.A.Code, Admin)).Value.Items.Single(i => i.Code == "2.4.1");
        Assert.Equal(0.6m, item.SurveyPoints);
        Assert.Equal(0.6m, item.Points);
        var audit = await db.Audit.SingleAsync(a => a.Field == "2.4.1:survey" && a.Subject.EndsWith(":" + built.A.Code));
        Assert.Contains(built.RoundName, audit.Reason);
    }
}

public sealed class SurveyRoundPointsSqliteTests() : SurveyRoundPointsTests(Provider.Sqlite);

public sealed class SurveyRoundPointsPostgresTests() : SurveyRoundPointsTests(Provider.Postgres);
