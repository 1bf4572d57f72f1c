using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Assessments;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using static ChiSo.Tests.Assessments.AssessmentSetup;

namespace ChiSo.Tests.Surveys;

/// <summary>The 2025 city index as shipped (decision 0020): the sample frameworks on 5666's nine contents, and the
/// city sociological questionnaire feeding a 2026 cycle through its links, with no hand work.</summary>
public abstract class CityIndexSurveyTests(Provider provider)
{
    const string Departments = "city-par-departments", Communes = "city-par-communes", Label = "2025-5666";

    static Task<List<Criterion>> SurveyLeavesAsync(ChiSoDb db, string key) =>
        db.Criteria.Where(c => db.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Label == Label && v.Framework!.Key == key)
                && c.Method == ScoringMethod.Survey && !db.Criteria.Any(x => x.ParentId == c.Id))
            .OrderBy(c => c.Order).ToListAsync();

    [Fact]
    public async Task Sample_frameworks_have_nine_contents_and_100_points_and_every_survey_criterion_is_linked()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        foreach (var (key, leaves) in new[] { (Departments, 17), (Communes, 12) })
        {
            var framework = await db.Frameworks.Include(f => f.Versions).SingleAsync(f => f.Key == key);
            Assert.Contains(framework.Versions, v => v.Label == "2025"); // the older sample stays readable
            var version = framework.Versions.Single(v => v.Label == Label);
            Assert.Same(version, framework.VersionFor(2026));
            Assert.Same(version, framework.VersionFor(2025)); // of two from 2025, the one entered last
            Assert.Contains("MẪU", version.Name);
            var roots = await db.Criteria.Where(c => c.VersionId == version.Id && c.ParentId == null).OrderBy(c => c.Order).ToListAsync();
            Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9"], roots.Select(r => r.Code));
            Assert.Equal(100, roots.Take(8).Sum(r => r.Max));
            var editable = (await FrameworkEditor.LoadAsync(db, key, Label))!;
            Assert.Empty(editable.Warnings); // sums hold; the ninth content groups the bonus and penalty caps
            var survey = await SurveyLeavesAsync(db, key);
            Assert.Equal(leaves, survey.Count);
            var linked = await db.QuestionLinks.Where(l => db.Questions.Any(q => q.Id == l.QuestionId
                && db.Questionnaires.Any(x => x.Id == q.QuestionnaireId && x.Key == "city-par-sociological"))).Select(l => l.CriterionId).ToListAsync();
            Assert.All(survey, c => Assert.Contains(c.Id, linked));
        }
        var groups = await db.Questionnaires.Where(q => q.Key == "city-par-sociological").SelectMany(q => q.Groups).Select(g => g.Code).ToListAsync();
        Assert.DoesNotContain(groups, g => g.StartsWith("district-", StringComparison.Ordinal));
        Assert.Contains("dept-unit-leaders", groups);
        Assert.Contains("commune-office-heads", groups);
    }

    [Fact]
    public async Task A_2026_cycle_on_the_sample_department_framework_takes_every_survey_point_from_a_round()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var s = new AssessmentService(db, new FakeTimeProvider(Start));
        var units = await db.Units.Where(u => u.Kind == UnitKind.Department).OrderBy(u => u.Code).Take(3).ToListAsync();
        var cycle = (await s.CreateCycleAsync(new CycleSpec(2026, "Chỉ số CCHC 2026 (thử)", Due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở", Departments, Label, [.. units.Select(u => u.Code)])]), Admin)).Value;
        await s.OpenCycleAsync(cycle.Id, Admin);

        // The shipped provincial questionnaire links to PAR INDEX only: every department criterion is refused by name.
        var provincial = await db.Questionnaires.Where(q => q.Key == "par-sociological").Select(q => q.Id).FirstAsync();
        var wrong = await RoundAsync(db, provincial, units, "par");
        var refused = await s.SurveyPointsFromRoundAsync(cycle.Id, wrong, Admin);
        var leaves = await SurveyLeavesAsync(db, Departments);
        var report = Assert.IsType<SurveyPointsReport>(refused.Failure!.Current);
        Assert.Equal(leaves.Count, report.Problems.Count);
        Assert.Contains(report.Problems, p => p.Message.Contains("2.4.1 \"Tính đồng bộ, thống nhất"));
        Assert.False(await db.AssessmentItems.AnyAsync(i => i.SurveyPoints != null));

        var city = await db.Questionnaires.Where(q => q.Key == "city-par-sociological").Select(q => q.Id).FirstAsync();
        var round = await RoundAsync(db, city, units, "city");
        var done = await s.SurveyPointsFromRoundAsync(cycle.Id, round, Admin);
        Assert.True(done.Ok, string.Join(" ", done.Failure?.Errors?.SelectMany(e => e.Value) ?? [done.Error ?? ""]));
        Assert.Equal(leaves.Count * units.Count, done.Value.Rows);
        foreach (var unit in units)
        {
            var items = (await s.GetAsync(cycle.Id, unit.Code, Admin)).Value.Items.Where(i => i.Method == ScoringMethod.Survey && i.IsLeaf).ToList();
            Assert.Equal(leaves.Select(l => l.Code), items.Select(i => i.Code));
            Assert.All(items, i => Assert.InRange(i.SurveyPoints!.Value, 0.01m, i.Max!.Value));
        }

        // A criterion left without a question is refused with its row; nothing is written.
        var b3 = await db.Questions.SingleAsync(q => q.QuestionnaireId == city && q.Code == "B3");
        var unlinked = await QuestionLinks.SetAsync(db, new FakeTimeProvider(Start), city, "B3", [], Admin);
        Assert.Null(unlinked.Errors);
        var again = await s.SurveyPointsFromRoundAsync(cycle.Id, round, Admin);
        var row = Assert.Single(Assert.IsType<SurveyPointsReport>(again.Failure!.Current).Problems);
        Assert.Contains("2.4.1", row.Message);
        Assert.Contains(await db.Audit.Select(a => a.Field).ToListAsync(), f => f == "B3:links");
    }

    [Fact]
    public async Task Links_go_through_the_Excel_round_trip_and_a_link_naming_another_criterion_is_refused()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await db.Questionnaires.Where(q => q.Key == "city-par-sociological").Select(q => q.Id).FirstAsync();
        var doc = (await QuestionnaireImporter.DocumentAsync(db, id))!;
        Assert.Equal(31, doc.Sections.SelectMany(x => x.Questions).Sum(q => q.Links.Count));
        var b4 = doc.Sections.SelectMany(x => x.Questions).Single(q => q.Code == "B4");
        Assert.Equal(["city-par-communes@2025-5666:2.4.1", "city-par-departments@2025-5666:2.4.2"],
            b4.Links.Select(l => QuestionLinks.Format(l.Framework, l.Version, l.Criterion)));

        using var xlsx = new MemoryStream();
        QuestionnaireExcel.Write(doc, xlsx);
        xlsx.Position = 0;
        var (read, problems) = QuestionnaireExcel.Read(xlsx);
        Assert.Empty(problems);
        Assert.Equal(doc.Sections.SelectMany(x => x.Questions).Select(q => QuestionLinks.FormatAll(q.Links)),
            read!.Sections.SelectMany(x => x.Questions).Select(q => QuestionLinks.FormatAll(q.Links)));
        var imported = await new QuestionnaireImporter(db).ImportAsync(read with { Version = "2026" }, Admin);
        Assert.True(imported.Succeeded, string.Join(" ", imported.Problems.Select(p => p.Message)));
        Assert.Equal(31, await db.QuestionLinks.CountAsync(l => db.Questions.Any(q => q.Id == l.QuestionId && q.QuestionnaireId == imported.QuestionnaireId)));

        // The 2.4.1 of the provincial index is "Tính đồng bộ"; a link that means "Tính hợp lý" by it is caught.
        var wrong = doc with
        {
            Version = "2027",
            Sections = [.. doc.Sections.Select(x => x with { Questions = [.. x.Questions.Select(q => q.Code != "B4" ? q : q with
            {
                Links = [new LinkDocument { Framework = "par-province", Version = "876/QĐ-BNV", Criterion = "2.4.1", Name = "Tính hợp lý của các VBQPPL" }],
            })] })],
        };
        var refused = await new QuestionnaireImporter(db).ImportAsync(wrong, Admin);
        var problem = Assert.Single(refused.Problems);
        Assert.Contains("Tính đồng bộ", problem.Message);
        Assert.Equal("Liên kết tiêu chí", problem.Column);
    }

    [Fact]
    public async Task Links_are_set_over_HTTP_and_a_link_to_a_criterion_that_is_not_there_is_refused_in_Vietnamese()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();
        int id;
        await using (var db = database.NewContext()) id = await db.Questionnaires.Where(q => q.Key == "city-par-sociological").Select(q => q.Id).FirstAsync();
        var url = $"/api/surveys/questionnaires/{id}/questions/D5/links";

        var bad = await client.PutAsJsonAsync(url, new { links = new[] { new { framework = Communes, version = Label, criterion = "5.5.3" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("không có tiêu chí '5.5.3'", await bad.Content.ReadAsStringAsync());

        var ok = await client.PutAsJsonAsync(url, new
        {
            links = new[] { new { framework = Departments, version = Label, criterion = "5.5.3" }, new { framework = Communes, version = Label, criterion = "5.5.2" } },
        });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var links = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(l => l.GetProperty("text").GetString()).ToList();
        Assert.Equal(["city-par-communes@2025-5666:5.5.2", "city-par-departments@2025-5666:5.5.3"], links);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"/api/surveys/questionnaires/{id}/questions/ZZ/links", new { links = Array.Empty<object>() })).StatusCode);
    }

    /// <summary>A round in 2026 with three answers per unit and group, each scored question answered 1–5 from a fixed seed.</summary>
    static async Task<int> RoundAsync(ChiSoDb db, int questionnaireId, List<Unit> units, string name)
    {
        var round = new SurveyRound
        {
            Year = 2026, Name = "Khảo sát thử " + name, QuestionnaireId = questionnaireId, OpensOn = new(2026, 10, 1), ClosesOn = new(2026, 12, 30),
            Status = RoundStatus.Open,
        };
        db.SurveyRounds.Add(round);
        await db.SaveChangesAsync();
        await DemoCycle.AnswersAsync(db, round.Id, [.. units.Select(u => u.Id)], 2026, 3, new(2026, 11, 5));
        return round.Id;
    }
}

public sealed class CityIndexSurveySqliteTests() : CityIndexSurveyTests(Provider.Sqlite);

public sealed class CityIndexSurveyPostgresTests() : CityIndexSurveyTests(Provider.Postgres);
