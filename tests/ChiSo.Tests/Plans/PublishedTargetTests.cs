using ChiSo.Features.Plans;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Plans;

/// <summary>Once an index is published, a plan's headline target stands on the published figure; a target
/// stated as a rank or group is not compared with the score.</summary>
public abstract class PublishedTargetTests(Provider provider)
{
    [Fact]
    public async Task The_2024_plan_targets_stand_on_the_published_2024_results()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await db.Plans.Where(p => p.Number == "164/KH-UBND" && p.Year == 2024).Select(p => p.Id).SingleAsync();

        var plan = (await new PlanService(db, new FakeTimeProvider()).GetAsync(id))!;

        var par = plan.Targets.Single(t => t.Framework == "par-province" && t.Threshold == 92);
        Assert.Equal((92.57m, TargetStatus.Met), (par.Latest!.Value, par.Status));
        var sipas = plan.Targets.Single(t => t.Framework == "sipas");
        Assert.Equal((86.5m, TargetStatus.Met), (sipas.Latest!.Value, sipas.Status));
        // "Nhóm 1" is a group, not a score: no published figure stands for it.
        var papi = plan.Targets.Single(t => t.Framework == "papi");
        Assert.Null(papi.Latest);
    }
}

public sealed class PublishedTargetSqliteTests() : PublishedTargetTests(Provider.Sqlite);

public sealed class PublishedTargetPostgresTests() : PublishedTargetTests(Provider.Postgres);
