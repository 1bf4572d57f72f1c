using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Data;

/// <summary>The built-in data reproduces the published figures of the seed documents (seed 003, Phụ lục 2–4).</summary>
public abstract class BuiltInDataTests(Provider provider)
{
    [Fact]
    public async Task Par_index_2023_is_91_43_rank_3_of_63_with_a_2024_target_above_92()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var report = await Reports.IndexAsync(db, "par-province", 2023);

        Assert.Equal("HN", report.Unit);
        Assert.Equal(100m, report.Max);
        Assert.Equal(91.43m, report.Result);
        Assert.Equal("3/63", report.Rank);
        Assert.NotNull(report.Target);
        Assert.Equal(2024, report.Target.Year);
        Assert.Equal(">", report.Target.Comparator);
        Assert.Equal(92m, report.Target.Value);
        Assert.Equal("> 92.00", $"{report.Target.Comparator} {report.Target.Value:0.00}");
        // 2022 is the previous year: 89.58, the total only.
        Assert.Equal(89.58m, (await Reports.IndexAsync(db, "par-province", 2022)).Result);
    }

    [Fact]
    public async Task Par_index_has_eight_fields_whose_max_add_up_to_100()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var report = await Reports.IndexAsync(db, "par-province", 2023);

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8"], report.Criteria.Select(c => c.Code));
        Assert.Equal(100m, report.Criteria.Sum(c => c.Max));
        Assert.Equal([9.5m, 10m, 13m, 10.5m, 15m, 12m, 13.5m, 16.5m], report.Criteria.Select(c => c.Max!.Value));
        Assert.DoesNotContain(report.Inconsistencies, i => i.Code == "total");
    }

    [Fact]
    public async Task Par_criteria_match_the_published_appendix()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var report = await Reports.IndexAsync(db, "par-province", 2023);

        // code, max, 2023 result, 2024 target, as printed in seed 003, Phụ lục 2
        (string Code, decimal Max, decimal Result, decimal Target)[] published =
        [
            ("2.4", 4, 3.45m, 3.48m),
            ("2.4.1", 1, 0.81m, 0.83m),
            ("3.2.1", 0.5m, 0, 0.5m),
            ("5.7.4", 1, 0.74m, 0.85m),
            ("6.1.3", 1, 0.98m, 0.85m),
            ("7.3.7", 1.5m, 1.5m, 1.5m),
            ("8.1", 10, 8.37m, 8.5m),
        ];
        Assert.Equal(published, published.Select(p => report.Node(p.Code)).Select(r => (r.Code, r.Max!.Value, r.Result!.Value, r.Target!.Value)));
        Assert.All(published, p => Assert.Equal("≥", report.Node(p.Code).TargetComparator));
    }

    [Fact]
    public async Task Par_criteria_name_their_lead_agencies()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var report = await Reports.IndexAsync(db, "par-province", 2023);

        Assert.Equal(["Sở Nội vụ"], report.Node("8.1").Lead);
        Assert.Equal(["Sở Tư pháp"], report.Node("2").Lead);
        Assert.Equal(["Văn phòng Ủy ban nhân dân Thành phố Hà Nội"], report.Node("7.3.7").Lead);
        Assert.Equal(["Cục Thuế Thành phố Hà Nội"], report.Node("8.4").Lead);
        Assert.StartsWith("Thực hiện thanh toán trực tuyến", report.Node("7.3.7").Name);
    }

    [Fact]
    public async Task Par_published_inconsistencies_are_reported_and_not_corrected()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var report = await Reports.IndexAsync(db, "par-province", 2023);

        Assert.Contains(new Inconsistency("5.2", "max", 2.5m, 2.75m), report.Inconsistencies);
        Assert.Contains(new Inconsistency("5", "result", 12.86m, 12.85m), report.Inconsistencies);
        // Both numbers stay as published: the stated ones in the tree, the headline untouched.
        Assert.Equal(2.5m, report.Node("5.2").Max);
        Assert.Equal(12.86m, report.Node("5").Result);
        Assert.Equal(91.43m, report.Result);
        foreach (var i in report.Inconsistencies)
        {
            Assert.NotEqual(i.Stated, i.Summed);
            var row = report.Node(i.Code);
            var stated = i.Field switch { "max" => row.Max, "result" => row.Result, "target" => row.Target, _ => row.Previous };
            Assert.Equal(i.Stated, stated);
        }
        // A target the OCR lost is left empty with a note, not filled with the sum of its children.
        Assert.Null(report.Node("3.2").Target);
    }

    [Fact]
    public async Task Papi_2023_is_43_9603_rank_15_band_cao_with_dimension_3_summing_to_9_99()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var report = await Reports.IndexAsync(db, "papi", 2023);

        Assert.Equal(80m, report.Max);
        Assert.Equal(43.9603m, report.Result);
        Assert.Equal("15/63", report.Rank);
        Assert.Equal("Cao", report.Band);
        Assert.Equal(8, report.Criteria.Count);
        Assert.Contains(new Inconsistency("3", "max", 10m, 9.99m), report.Inconsistencies);
        Assert.Equal(10m, report.Node("3").Max);
        // 4.2's result is not in the source: missing, with a note that says so.
        Assert.Null(report.Node("4.2").Result);
        Assert.False(string.IsNullOrWhiteSpace(report.Node("4.2").Note));
        Assert.Equal(new HeadlineTarget(2024, "≥", 46m, null), report.Target);
    }

    [Fact]
    public async Task Sipas_2023_is_83_57_percent_with_nine_components_in_two_areas_and_no_sums()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var report = await Reports.IndexAsync(db, "sipas", 2023);

        Assert.Equal("percent", report.Scale);
        Assert.Equal(83.57m, report.Result);
        Assert.Equal(2, report.Criteria.Count);
        Assert.Equal(9, report.Criteria.Sum(a => a.Children.Count));
        Assert.All(report.Criteria.SelectMany(a => a.Children), c => Assert.Empty(c.Children));
        Assert.Empty(report.Inconsistencies);
        Assert.Equal(">", report.Target?.Comparator);
        Assert.Equal(85m, report.Target?.Value);
        // The target set for 2023 itself (> 83 %) was met.
        Assert.True(report.TargetForYear?.Met);
    }

    [Fact]
    public async Task Seeding_again_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var before = await StateAsync(db);

        await BuiltInData.SeedAsync(db, TimeProvider.System);

        await using var fresh = database.NewContext();
        var after = await StateAsync(fresh);
        Assert.Equal(before.Counts, after.Counts);
        Assert.Equal(before.Reports, after.Reports);
    }

    static async Task<(Dictionary<string, int> Counts, List<string> Reports)> StateAsync(ChiSoDb db)
    {
        var counts = new Dictionary<string, int>
        {
            ["units"] = await db.Units.CountAsync(),
            ["aliases"] = await db.UnitAliases.CountAsync(),
            ["events"] = await db.UnitEvents.CountAsync(),
            ["eventParts"] = await db.Set<Features.Units.UnitEventPart>().CountAsync(),
            ["groups"] = await db.UnitGroups.CountAsync(),
            ["frameworks"] = await db.Frameworks.CountAsync(),
            ["versions"] = await db.FrameworkVersions.CountAsync(),
            ["criteria"] = await db.Criteria.CountAsync(),
            ["leads"] = await db.Set<CriterionLead>().CountAsync(),
            ["results"] = await db.Results.CountAsync(),
            ["scores"] = await db.Set<CriterionScore>().CountAsync(),
            ["targets"] = await db.Targets.CountAsync(),
            ["criterionTargets"] = await db.Set<CriterionTarget>().CountAsync(),
            // Nothing changed, so nothing is audited.
            ["audit"] = await db.Audit.CountAsync(),
        };
        var reports = new List<string>();
        foreach (var (key, years) in new[] { ("par-province", new[] { 2022, 2023, 2024 }), ("sipas", [2022, 2023, 2024]), ("papi", [2021, 2022, 2023, 2024]) })
            foreach (var year in years)
                // Every import hands out a new concurrency token (open editors must reload); the values are what count.
                reports.Add(JsonSerializer.Serialize(await Reports.IndexAsync(db, key, year) with { Concurrency = null }));
        return (counts, reports);
    }
}

public sealed class BuiltInDataSqliteTests() : BuiltInDataTests(Provider.Sqlite);

public sealed class BuiltInDataPostgresTests() : BuiltInDataTests(Provider.Postgres);
