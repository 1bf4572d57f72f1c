using System.Net;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace ChiSo.Tests.Surveys.Scoring;

/// <summary>Scoring, publishing, export and paging of a round, on tiny rounds built here with hand-computed answers.</summary>
public abstract class ScoringTests(Provider provider)
{
    static readonly DateOnly Day = new(2024, 11, 5);

    internal sealed record Built(int RoundId, string RoundName, Unit A, Unit B);

    static async Task<(Unit A, Unit B)> TwoUnitsAsync(ChiSoDb db)
    {
        var list = await db.Units.Where(u => u.Kind == UnitKind.Department).OrderBy(u => u.Id).Take(2).ToListAsync();
        return (list[0], list[1]);
    }

    static async Task<int> QuestionnaireAsync(ChiSoDb db, SurveyKind kind, string framework, string[] groups,
        params (string Code, QuestionType Type, string? Criterion, string[] Groups)[] questions)
    {
        var q = new Questionnaire
        {
            Key = "test-" + Guid.NewGuid().ToString("N")[..8], Version = "1", Name = "Phiếu thử", Kind = kind, Framework = framework,
            Groups = groups.Select(g => new RespondentGroup { Code = g, Name = "Nhóm " + g }).ToList(),
            Sections = [new QuestionSection { Code = "S", Title = "Phần", Order = 1 }],
        };
        db.Questionnaires.Add(q);
        await db.SaveChangesAsync();
        var order = 0;
        foreach (var (code, type, criterion, only) in questions)
            db.Questions.Add(new Question
            {
                QuestionnaireId = q.Id, SectionId = q.Sections[0].Id, Code = code, Text = "Câu " + code, Type = type,
                Criterion = criterion, Groups = [.. only], Order = ++order,
            });
        await db.SaveChangesAsync();
        return q.Id;
    }

    static async Task<int> RoundAsync(ChiSoDb db, int questionnaireId, string name, params RoundQuota[] quotas)
    {
        var round = new SurveyRound
        {
            Year = 2024, Name = name, QuestionnaireId = questionnaireId, OpensOn = new(2024, 10, 1), ClosesOn = new(2024, 12, 30),
            Status = RoundStatus.Open, Quotas = [.. quotas],
        };
        db.SurveyRounds.Add(round);
        await db.SaveChangesAsync();
        return round.Id;
    }

    static SurveyResponse Response(int round, Unit unit, string group, string answers, ResponseReview review = ResponseReview.Accepted) => new()
    {
        RoundId = round, UnitId = unit.Id, Group = group, Channel = ResponseChannel.Online, SubmittedOn = Day, Answers = answers, Review = review,
    };

    /// <summary>Sociological round: 2.4.1 (max 1) asked as Q1 and Q2 of groups g1 and g2; Q3 free text.
    /// Unit A, g1: Q1 = 5, 4, 4, 3 (mean 4 → 0.8 points; 75 % satisfied); g2: Q1 = 2, 2 (mean 2 → 0.4).
    /// An excluded g1 answer of 1 must not count. Quotas: g1 10 (short → warning), g2 2 (met).</summary>
    internal static async Task<Built> SociologicalAsync(ChiSoDb db)
    {
        var (a, b) = await TwoUnitsAsync(db);
        var qid = await QuestionnaireAsync(db, SurveyKind.Sociological, "par-province", ["g1", "g2"],
            ("Q1", QuestionType.Likert5, "par-province:2.4.1", []), ("Q2", QuestionType.Likert5, "par-province:2.4.1", ["g2"]),
            ("Q3", QuestionType.Text, null, []));
        var name = "Khảo sát thử " + Guid.NewGuid().ToString("N")[..6];
        var round = await RoundAsync(db, qid, name,
            new RoundQuota { UnitId = a.Id, Group = "g1", Target = 10 }, new RoundQuota { UnitId = a.Id, Group = "g2", Target = 2 });
        db.SurveyResponses.AddRange(
            Response(round, a, "g1", """{"Q1":"5","Q3":"Tốt"}"""),
            Response(round, a, "g1", """{"Q1":"4"}"""),
            Response(round, a, "g1", """{"Q1":4,"Q3":"Ổn, \"khá\""}"""),
            Response(round, a, "g1", """{"Q1":"3"}""", ResponseReview.Flagged),
            Response(round, a, "g1", """{"Q1":"1"}""", ResponseReview.Excluded),
            Response(round, a, "g2", """{"Q1":"2"}"""),
            Response(round, a, "g2", """{"Q1":"2","Q2":"Không biết"}"""));
        await db.SaveChangesAsync();
        return new Built(round, name, a, b);
    }

    /// <summary>SIPAS round, one group, unit A. P1 (1.1): 5, 3, 4, 2 → 2/4 = 50 %. P2 (2.1): 4, 5, 1, 4 → 3/4;
    /// P3 (2.1): 2, 5, —, 4 → 2/3; component 2.1 pooled 5/7 = 71.43 %. Overall pooled 7/11 = 63.64 %
    /// (averaging the components would give 60.71 %).</summary>
    static async Task<Built> SipasAsync(ChiSoDb db)
    {
        var (a, b) = await TwoUnitsAsync(db);
        var qid = await QuestionnaireAsync(db, SurveyKind.Sipas, "sipas", ["citizens"],
            ("P1", QuestionType.Likert5, "sipas:1.1", []), ("P2", QuestionType.Scale5, "sipas:2.1", []), ("P3", QuestionType.Scale5, "sipas:2.1", []),
            ("Y", QuestionType.YesNo, null, []));
        var name = "SIPAS thử " + Guid.NewGuid().ToString("N")[..6];
        var round = await RoundAsync(db, qid, name, new RoundQuota { UnitId = a.Id, Group = "citizens", Target = 4 });
        db.SurveyResponses.AddRange(
            Response(round, a, "citizens", """{"P1":"5","P2":"4","P3":"2","Y":"Có"}"""),
            Response(round, a, "citizens", """{"P1":"3","P2":"5","P3":"5"}"""),
            Response(round, a, "citizens", """{"P1":"4","P2":"1","Y":"Không"}"""),
            Response(round, a, "citizens", """{"P1":"2","P2":"4","P3":"4"}"""));
        await db.SaveChangesAsync();
        return new Built(round, name, a, b);
    }

    [Fact]
    public async Task Sociological_points_are_max_times_mean_over_five_with_groups_weighted_equally()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var built = await SociologicalAsync(db);

        var scores = (await RoundScoring.ScoreAsync(db, built.RoundId, Actors.Admin()))!;
        Assert.Equal(6, scores.Responses); // the excluded one is not read
        var unit = Assert.Single(scores.Units);
        Assert.Equal(built.A.Code, unit.Code);
        var g1 = unit.Groups.Single(g => g.Code == "g1");
        var q1 = g1.Questions.Single(q => q.Code == "Q1");
        Assert.Equal(4, q1.Mean.N);
        Assert.Equal(4.0, q1.Mean.Value);
        Assert.Equal(75.0, q1.Satisfied.Value);
        var expected = SurveyStatistics.Mean([5, 4, 4, 3]);
        Assert.Equal(Math.Round(expected.MarginOfError, 4), q1.Mean.Margin);
        Assert.Equal(Math.Round(100 * SurveyStatistics.Z95 * Math.Sqrt(0.75 * 0.25 / 4), 2), q1.Satisfied.Margin);
        Assert.DoesNotContain(g1.Questions, q => q.Code == "Q2"); // asked of g2 only
        Assert.True(g1.Warning);
        Assert.True(q1.Mean.Warning);
        Assert.Equal(10, q1.Mean.Planned);

        Assert.Equal(0.8m, g1.Criteria.Single().Points);
        var g2 = unit.Groups.Single(g => g.Code == "g2");
        Assert.False(g2.Warning);
        Assert.Equal(0.4m, g2.Criteria.Single().Points); // "Không biết" is not on the scale
        Assert.Equal(0, g2.Questions.Single(q => q.Code == "Q2").Mean.N);
        Assert.Null(g2.Questions.Single(q => q.Code == "Q2").Mean.Value);

        var c = Assert.Single(unit.Criteria);
        Assert.Equal("2.4.1", c.Code);
        Assert.Equal(1m, c.Max);
        Assert.Equal(0.6m, c.Points); // (0.8 + 0.4) / 2
        Assert.Equal(6, c.N);
        Assert.Equal(2, c.Groups);
        Assert.True(c.Warning);
        Assert.Equal(12, unit.Planned);
        Assert.Null(unit.Sipas);
    }

    [Fact]
    public async Task The_low_n_warning_compares_respondents_with_the_plan_and_both_counts_are_given()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (a, _) = await TwoUnitsAsync(db);
        // 2.4.1 asked twice of g1: 4 respondents give 8 answers, against a plan of 5 respondents.
        var qid = await QuestionnaireAsync(db, SurveyKind.Sociological, "par-province", ["g1"],
            ("Q1", QuestionType.Likert5, "par-province:2.4.1", []), ("Q2", QuestionType.Likert5, "par-province:2.4.1", []));
        var round = await RoundAsync(db, qid, "Cỡ mẫu " + Guid.NewGuid().ToString("N")[..6], new RoundQuota { UnitId = a.Id, Group = "g1", Target = 5 });
        foreach (var answers in new[] { """{"Q1":"5","Q2":"4"}""", """{"Q1":"4","Q2":"4"}""", """{"Q1":"3","Q2":"5"}""", """{"Q1":"4","Q2":"2"}""" })
            db.SurveyResponses.Add(Response(round, a, "g1", answers));
        await db.SaveChangesAsync();

        var unit = (await RoundScoring.ScoreAsync(db, round, Actors.Admin()))!.Units.Single();
        var g1 = unit.Groups.Single();
        Assert.Equal((4, 5, true), (g1.Responses, g1.Planned!.Value, g1.Warning));
        var pooled = g1.Criteria.Single().Mean;
        Assert.Equal(8, pooled.N); // answers: more than the plan …
        Assert.Equal(4, pooled.Respondents); // … but the plan counts respondents, and so does the warning
        Assert.True(pooled.Warning);
        // The interval rests on the 4 respondents, not the 8 answers.
        var eight = SurveyStatistics.Mean([5, 4, 4, 4, 3, 5, 4, 2]);
        Assert.Equal(Math.Round(SurveyStatistics.Z95 * eight.StandardDeviation / Math.Sqrt(4), 4), pooled.Margin);
        var q1 = g1.Questions.Single(q => q.Code == "Q1").Mean;
        Assert.Equal((4, 4, true), (q1.N, q1.Respondents, q1.Warning));
        var c = unit.Criteria.Single();
        Assert.Equal((8, 4, true), (c.N, c.Respondents, c.Warning));

        // One more respondent meets the plan: no warning anywhere, though the answer counts were already above it.
        db.SurveyResponses.Add(Response(round, a, "g1", """{"Q1":"2","Q2":"3"}"""));
        await db.SaveChangesAsync();
        unit = (await RoundScoring.ScoreAsync(db, round, Actors.Admin()))!.Units.Single();
        Assert.False(unit.Warning);
        Assert.False(unit.Groups.Single().Criteria.Single().Mean.Warning);
        Assert.Equal((10, 5, false), (unit.Criteria.Single().N, unit.Criteria.Single().Respondents, unit.Criteria.Single().Warning));

        // The export names both counts and says what the warning compares.
        var xlsx = new MemoryStream();
        ScoringExcel.Write((await RoundScoring.ScoreAsync(db, round, Actors.Admin()))!, xlsx);
        xlsx.Position = 0;
        var row = xlsx.Query(useHeaderRow: true, sheetName: ScoringExcel.CriteriaSheet).Cast<IDictionary<string, object?>>().Single();
        Assert.Equal(5.0, Convert.ToDouble(row["Số phiếu"]));
        Assert.Equal(10.0, Convert.ToDouble(row["Số câu trả lời"]));
    }

    [Fact]
    public async Task Sipas_pools_the_answers_of_a_component_an_area_and_the_whole()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var built = await SipasAsync(db);

        var s = (await RoundScoring.ScoreAsync(db, built.RoundId, Actors.Admin()))!.Units.Single().Sipas!;
        Assert.Equal(50.0, s.Components.Single(x => x.Code == "1.1").Percent.Value);
        Assert.Equal(71.43, s.Components.Single(x => x.Code == "2.1").Percent.Value);
        Assert.Equal(7, s.Components.Single(x => x.Code == "2.1").Percent.N);
        Assert.Equal(50.0, s.Areas.Single(x => x.Code == "1").Percent.Value);
        Assert.Equal(71.43, s.Areas.Single(x => x.Code == "2").Percent.Value);
        Assert.Equal(63.64, s.Overall.Value);
        Assert.Equal(11, s.Overall.N);
        Assert.Equal(66.67, s.Questions.Single(x => x.Code == "P3").Percent.Value);
        Assert.Equal("Tiếp cận dịch vụ", s.Components.Single(x => x.Code == "2.1").Name);
    }

    [Fact]
    public async Task Publishing_sipas_writes_audited_results_that_the_snapshot_reads()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Built built;
        await using (var db = database.NewContext()) built = await SipasAsync(db);
        await using (var db = database.NewContext())
        {
            var report = (await ScoringPublish.PublishAsync(db, new FrameworkImporter(db, TimeProvider.System), built.RoundId, null, Actors.Admin("thử")))!;
            Assert.True(report.Succeeded, string.Join("; ", report.Problems));
            Assert.Equal(4, report.Scores); // 1.1, 2.1 and areas 1, 2
        }
        await using (var db = database.NewContext())
        {
            var snap = (await IndexSnapshot.LoadAsync(db, "sipas", 2024, built.A.Code))!;
            Assert.Equal(63.64m, snap.Result!.Total);
            Assert.Equal(71.43m, snap.ResultOf(snap.Criteria.Single(c => c.Code == "2.1")));
            Assert.Equal(50m, snap.ResultOf(snap.Criteria.Single(c => c.Code == "1")));
            var audit = await db.Audit.Where(x => x.Subject == $"result:sipas:2024:{built.A.Code}").ToListAsync();
            Assert.Contains(audit, x => x.Field == "total" && x.NewValue == "63.64" && x.Reason == $"Kết quả khảo sát {built.RoundName}");
            Assert.Equal(5, audit.Count);
        }
    }

    [Fact]
    public async Task Publishing_a_sociological_round_needs_the_framework_named_and_writes_no_total()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Built built;
        await using (var db = database.NewContext()) built = await SociologicalAsync(db);
        await using (var db = database.NewContext())
        {
            var importer = new FrameworkImporter(db, TimeProvider.System);
            var refused = (await ScoringPublish.PublishAsync(db, importer, built.RoundId, null, Actors.Admin("thử")))!;
            Assert.False(refused.Succeeded);
            Assert.Contains("framework", refused.Problems.Single().Message);
            Assert.False(await db.Results.AnyAsync(r => r.UnitId == built.A.Id));

            var report = (await ScoringPublish.PublishAsync(db, importer, built.RoundId, "par-province", Actors.Admin("thử")))!;
            Assert.True(report.Succeeded, string.Join("; ", report.Problems));
        }
        await using (var db = database.NewContext())
        {
            var snap = (await IndexSnapshot.LoadAsync(db, "par-province", 2024, built.A.Code))!;
            Assert.Null(snap.Result!.Total);
            Assert.Equal(0.6m, snap.ResultOf(snap.Criteria.Single(c => c.Code == "2.4.1")));
            Assert.Single(snap.Result.Scores);
            Assert.Single(await db.Audit.Where(x => x.Subject == $"result:par-province:2024:{built.A.Code}").ToListAsync());
        }
    }

    [Fact]
    public async Task Responses_export_reads_back_with_one_row_per_response_and_a_column_per_question()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var built = await SociologicalAsync(db);
        var xlsx = new MemoryStream();
        Assert.True(await ResponseExport.WriteAsync(db, built.RoundId, xlsx, Actors.Admin()));
        xlsx.Position = 0;
        var rows = xlsx.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(7, rows.Count); // every response, the excluded one with its review
        Assert.Equal([.. ResponseExport.FixedColumns, "Q1", "Q2", "Q3"], rows[0].Keys.ToArray());
        Assert.Equal(5.0, Convert.ToDouble(rows[0]["Q1"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(built.A.Code, rows[0]["Đơn vị"]);
        Assert.Equal("Ổn, \"khá\"", rows[2]["Q3"]);
        Assert.Equal("Bị loại", rows[4]["Duyệt"]);
        Assert.Equal("Không biết", rows[6]["Q2"]);

        var scoresXlsx = new MemoryStream();
        ScoringExcel.Write((await RoundScoring.ScoreAsync(db, built.RoundId, Actors.Admin()))!, scoresXlsx);
        scoresXlsx.Position = 0;
        var criteria = scoresXlsx.Query(useHeaderRow: true, sheetName: ScoringExcel.CriteriaSheet).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(0.6, Convert.ToDouble(Assert.Single(criteria)["Điểm"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_scores_workbook_names_each_questions_criterion_from_the_round_years_version_with_no_raw_keys()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var built = await SociologicalAsync(db);
        var framework = await db.Frameworks.AsNoTracking().Include(f => f.Versions).SingleAsync(f => f.Key == "par-province");
        var version = framework.VersionFor(2024)!;
        var name = await db.Criteria.Where(c => c.VersionId == version.Id && c.Code == "2.4.1").Select(c => c.Name).SingleAsync();

        var xlsx = new MemoryStream();
        ScoringExcel.Write((await RoundScoring.ScoreAsync(db, built.RoundId, Actors.Admin()))!, xlsx);
        xlsx.Position = 0;
        var rows = xlsx.Query(useHeaderRow: true, sheetName: ScoringExcel.QuestionsSheet).Cast<IDictionary<string, object?>>().ToList();
        var q1 = rows.First(r => (string?)r["Câu hỏi"] == "Q1");
        Assert.Equal(("2.4.1", name), ((string?)q1["Tiêu chí"], (string?)q1["Tên tiêu chí"]));
        Assert.Contains(rows, r => (string?)r["Câu hỏi"] == "Q2" && (string?)r["Tên tiêu chí"] == name);
        Assert.DoesNotContain(rows.SelectMany(r => r.Values).OfType<string>(), v => v.Contains("par-province", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Responses_page_by_id_and_filter_by_unit_and_group_over_http()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Built built;
        await using (var db = database.NewContext()) built = await SociologicalAsync(db);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();

        var seen = new List<long>();
        long? after = null;
        var pages = 0;
        do
        {
            var page = await JsonAsync(client, $"/api/surveys/rounds/{built.RoundId}/responses?take=3{(after is null ? "" : $"&after={after}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
            pages++;
        } while (after is not null);
        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Count);
        Assert.Equal(seen.Order(), seen);

        var g2 = await JsonAsync(client, $"/api/surveys/rounds/{built.RoundId}/responses?unit={built.A.Code}&group=g2");
        Assert.Equal(2, g2.GetProperty("items").GetArrayLength());
        Assert.Equal("2", g2.GetProperty("items")[0].GetProperty("answers").GetProperty("Q1").GetString());
        var none = await JsonAsync(client, $"/api/surveys/rounds/{built.RoundId}/responses?unit={built.B.Code}");
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/surveys/rounds/{built.RoundId}/responses?take=0")).StatusCode);

        var scores = await JsonAsync(client, $"/api/surveys/rounds/{built.RoundId}/scores");
        var unit = scores.GetProperty("units")[0];
        Assert.Equal(0.6m, unit.GetProperty("criteria")[0].GetProperty("points").GetDecimal());
        var export = await client.GetAsync($"/api/surveys/rounds/{built.RoundId}/responses.xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var rows = new MemoryStream(await export.Content.ReadAsByteArrayAsync()).Query(useHeaderRow: true).Count();
        Assert.Equal(7, rows);
        var publish = await client.PostAsync($"/api/surveys/rounds/{built.RoundId}/publish", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, publish.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/surveys/rounds/999999/scores")).StatusCode);

        // The scores page, as prerendered: the unit's criterion with its points, Vietnamese first.
        var html = await client.GetStringAsync($"/surveys/rounds/{built.RoundId}/scores");
        Assert.Contains("Điểm theo tiêu chí", html);
        Assert.Contains("Số phiếu", html); // respondents, which the plan and the ⚠ count …
        Assert.Contains("Số câu trả lời", html); // … and answers, labelled apart
        Assert.Contains("<b>0,6</b>", html);
        Assert.Contains($"/api/surveys/rounds/{built.RoundId}/responses.xlsx", html);
    }

    static async Task<JsonElement> JsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}

public sealed class ScoringSqliteTests() : ScoringTests(Provider.Sqlite);

public sealed class ScoringPostgresTests() : ScoringTests(Provider.Postgres);
