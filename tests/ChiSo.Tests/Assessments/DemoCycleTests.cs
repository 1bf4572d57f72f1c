using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Assessments;

/// <summary>`./chiso demo 2026` on a fresh seeded database (issue 11): every department and all 126 communes and wards in
/// force on 1/1/2026 in their ranking groups, survey points for every survey-scored criterion, sample accounts, every unit
/// but the two of the sample accounts past its explanation with real scores and verdicts and the audit chain whole; a
/// second run adds nothing; only the standing agency may run it.</summary>
public abstract class DemoCycleTests(Provider provider)
{
    [Fact]
    public async Task Demo_2026_builds_the_cycle_with_every_unit_in_force_and_all_its_survey_points_and_a_second_run_adds_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var clock = new FakeTimeProvider(AssessmentSetup.Start);
        async Task<Outcome<DemoReport>> Build(Actor actor)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            return await DemoCycle.BuildAsync(db, scope.ServiceProvider.GetRequiredService<UserAccounts>(), clock, 2026, actor);
        }

        var first = await Build(Actors.Admin());
        Assert.True(first.Ok, first.Error);
        var r = first.Value;
        Assert.Empty(r.Existing);
        Assert.All(r.Accounts, a => Assert.False(string.IsNullOrEmpty(a.Password)));
        Assert.Equal([Roles.UnitEditor, Roles.UnitEditor, Roles.UnitHead, Roles.UnitHead, Roles.Appraiser, Roles.Leader, Roles.SurveyInstitute], r.Accounts.Select(a => a.Role));

        await using var db = database.NewContext();
        var day = new DateOnly(2026, 1, 1);
        var units = (await db.Units.AsNoTracking().ToListAsync()).Where(u => u.ExistsOn(day)).ToList();
        var departments = units.Where(u => u.Kind == UnitKind.Department).Select(u => u.Id).Order().ToList();
        var communes = units.Where(u => u.Kind == UnitKind.Commune).Select(u => u.Id).Order().ToList();
        Assert.Equal(126, communes.Count);
        var groups = await db.Set<CycleGroup>().Where(g => g.CycleId == r.CycleId).OrderBy(g => g.Order).ToListAsync();
        Assert.Equal(["Sở, ban, ngành", "Xã, phường"], groups.Select(g => g.Name));
        var members = await db.CycleUnits.Where(u => u.CycleId == r.CycleId).ToListAsync();
        Assert.Equal(departments, members.Where(m => m.GroupId == groups[0].Id).Select(m => m.UnitId).Order());
        Assert.Equal(communes, members.Where(m => m.GroupId == groups[1].Id).Select(m => m.UnitId).Order());
        Assert.Equal([departments.Count, 126], r.Groups.Select(g => g.Units));

        // Every survey-scored leaf of every unit has its points: none was refused or left out.
        var surveyItems = await db.AssessmentItems.Where(i => db.CycleUnits.Any(u => u.Id == i.CycleUnitId && u.CycleId == r.CycleId)
            && db.Criteria.Any(c => c.Id == i.CriterionId && c.Method == ScoringMethod.Survey)).ToListAsync();
        Assert.NotEmpty(surveyItems);
        Assert.All(surveyItems, i => Assert.NotNull(i.SurveyPoints));
        Assert.Equal(surveyItems.Count, r.SurveyPoints);

        // Mid-cycle: every unit but the two the sample accounts walk has answered, been appraised and finished its
        // explanation; those two are at the start.
        var walked = await db.Units.Where(u => u.Code == r.Accounts[0].Unit || u.Code == r.Accounts[1].Unit).Select(u => u.Id).ToListAsync();
        Assert.Equal(2, walked.Count);
        Assert.Equal(members.Count - 2, r.Explained);
        Assert.All(members, m => Assert.Equal(walked.Contains(m.UnitId) ? UnitStage.Draft : UnitStage.Explained, m.Stage));
        var appraisalItems = await db.AssessmentItems.Where(i => db.CycleUnits.Any(u => u.Id == i.CycleUnitId && u.CycleId == r.CycleId)
            && db.Criteria.Any(c => c.Id == i.CriterionId && c.Method == ScoringMethod.Appraisal)).ToListAsync();
        var walkedItems = await db.CycleUnits.Where(u => u.CycleId == r.CycleId && walked.Contains(u.UnitId)).Select(u => u.Id).ToListAsync();
        var (mine, others) = (appraisalItems.Where(i => walkedItems.Contains(i.CycleUnitId)).ToList(), appraisalItems.Where(i => !walkedItems.Contains(i.CycleUnitId)).ToList());
        Assert.NotEmpty(mine);
        Assert.All(mine, i => Assert.True(i.Answer is null && i.Verdict is null));
        Assert.All(others, i => Assert.True(i.Answer is not null && i.Verdict is not null && i.AppraisedBy == "Thành viên thẩm định (minh họa) (demo.thamdinh)"));
        Assert.All(others.Where(i => i.Verdict == AppraisalVerdict.Adjusted), i => Assert.True(i.AppraisalReason is not null && i.AppraisedPoints < i.SelfPoints));
        Assert.InRange(others.Count(i => i.Verdict == AppraisalVerdict.Adjusted), 1, others.Count / 20);
        // Varied per unit: the units' self-assessed totals are not all alike.
        Assert.True(others.GroupBy(i => i.CycleUnitId).Select(g => g.Sum(i => i.SelfPoints ?? 0)).Distinct().Count() > 50);
        Assert.True((await AuditChain.VerifyAsync(db, Actors.Admin())).Whole);

        var counts = await CountsAsync(db);
        var second = await Build(Actors.Admin());
        Assert.True(second.Ok, second.Error);
        Assert.Equal(r.CycleId, second.Value.CycleId);
        Assert.Equal(r.RoundId, second.Value.RoundId);
        Assert.All(second.Value.Accounts, a => Assert.Null(a.Password));
        Assert.Equal(5 + r.Accounts.Count, second.Value.Existing.Count);
        db.ChangeTracker.Clear();
        Assert.Equal(counts, await CountsAsync(db));

        await Assert.ThrowsAsync<AccessDenied>(() => Build(Actors.Of(Roles.Leader)));
        await Assert.ThrowsAsync<AccessDenied>(() => Build(Actors.Of(Roles.SurveyInstitute)));
    }

    static async Task<int[]> CountsAsync(ChiSoDb db) =>
    [
        await db.Cycles.CountAsync(), await db.CycleUnits.CountAsync(), await db.AssessmentItems.CountAsync(), await db.SurveyRounds.CountAsync(),
        await db.SurveyResponses.CountAsync(), await db.Users.CountAsync(), await db.Audit.CountAsync(), await db.Set<AppraiserAssignment>().CountAsync(),
    ];
}

public sealed class DemoCycleSqliteTests() : DemoCycleTests(Provider.Sqlite);

public sealed class DemoCyclePostgresTests() : DemoCycleTests(Provider.Postgres);
