using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Surveys.Collection;

/// <summary>The intake through real HTTP (API and the public form with its antiforgery token) over a seeded database of
/// the test's own, on both providers.</summary>
public abstract class CollectionTests(Provider provider)
{
    sealed class Running(TestDatabase database, ChiSoApp app) : IAsyncDisposable
    {
        public TestDatabase Database { get; } = database;
        public HttpClient Client { get; } = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    async Task<(Running Run, OpenRound Round)> StartAsync(string key = "sipas", string[]? groups = null, RoundStatus status = RoundStatus.Open)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var round = await CollectionBuilder.OpenRoundAsync(db, key, groups ?? ["citizens", "organisations"], status: status);
        return (new Running(database, new ChiSoApp(database)), round);
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    static Task<HttpResponseMessage> PostAnswer(HttpClient client, OpenRound round, IReadOnlyDictionary<string, string?> answers,
        string group = "citizens", string? token = null, string? dossier = null, int? seconds = 600, string? unit = null) =>
        client.PostAsJsonAsync($"/api/surveys/rounds/{round.Id}/responses",
            new { unit = unit ?? round.Unit, group, answers, token, dossier, seconds });

    static async Task<List<SurveyResponse>> StoredAsync(ChiSoDb db, int roundId) =>
        await db.SurveyResponses.AsNoTracking().Where(r => r.RoundId == roundId).OrderBy(r => r.Id).ToListAsync();

    [Fact]
    public async Task A_valid_answer_through_the_API_is_stored_as_one_packed_row_with_only_the_day()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var answers = CollectionBuilder.ValidAnswers(round.Form, "citizens");
        answers["A9"] = "Chính sách khám chữa bệnh;Chính sách phát triển kinh tế";
        var created = await JsonAsync(await PostAnswer(run.Client, round, answers), HttpStatusCode.Created);
        Assert.Equal(0, created.GetProperty("flags").GetArrayLength());

        await using var db = run.Database.NewContext();
        var row = Assert.Single(await StoredAsync(db, round.Id));
        Assert.Equal(ResponseChannel.Api, row.Channel);
        Assert.Equal(ResponseReview.Accepted, row.Review);
        Assert.Equal(Rounds.Today(TimeProvider.System), row.SubmittedOn);
        var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Answers)!;
        Assert.Equal(answers.Count, stored.Count);
        Assert.Equal("Bộ phận một cửa", stored["A7"]);
        // Several choices are kept in the questionnaire's order, whatever order they were sent in.
        Assert.Equal("Chính sách phát triển kinh tế;Chính sách khám chữa bệnh", stored["A9"]);
    }

    [Fact]
    public async Task Invalid_answers_are_refused_with_a_message_per_question_and_nothing_is_stored()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var answers = CollectionBuilder.ValidAnswers(round.Form, "citizens");
        answers.Remove("1.1.1");            // required
        answers["1.1.2"] = "6";             // out of the 1–5 scale
        answers["A1"] = "Không rõ";         // not an option
        answers["A8"] = "Không";            // 2.1.4 is then skipped ...
        answers["2.1.4"] = "4";             // ... so it must be empty
        answers["A5"] = "Doanh nghiệp nhà nước"; // organisations only
        answers["Z9"] = "1";                // no such question
        var problem = await JsonAsync(await PostAnswer(run.Client, round, answers), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal("Xin trả lời câu này.", errors.GetProperty("1.1.1")[0].GetString());
        Assert.Contains("từ 1 đến 5", errors.GetProperty("1.1.2")[0].GetString());
        Assert.Contains("phương án", errors.GetProperty("A1")[0].GetString());
        Assert.Contains("bỏ qua", errors.GetProperty("2.1.4")[0].GetString());
        Assert.True(errors.TryGetProperty("A5", out var _));
        Assert.True(errors.TryGetProperty("Z9", out var _));

        // Skipped and left empty: accepted, even though 2.1.4 is required.
        answers = CollectionBuilder.ValidAnswers(round.Form, "citizens");
        answers["A8"] = "Không";
        answers.Remove("2.1.4");
        await JsonAsync(await PostAnswer(run.Client, round, answers), HttpStatusCode.Created);

        // Unknown unit, group outside the round's plan.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAnswer(run.Client, round, answers, unit: "KHONG-CO")).StatusCode);
        await using var db = run.Database.NewContext();
        Assert.Single(await StoredAsync(db, round.Id));
    }

    [Fact]
    public async Task A_round_that_is_not_open_takes_no_answers()
    {
        var (run, round) = await StartAsync(status: RoundStatus.Draft);
        await using var _ = run;
        Assert.Equal(HttpStatusCode.Conflict, (await PostAnswer(run.Client, round, CollectionBuilder.ValidAnswers(round.Form, "citizens"))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await run.Client.GetAsync($"/khao-sat/{round.Id}/{round.Unit}?g=citizens")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync($"/khao-sat/{round.Id + 1000}/{round.Unit}?g=citizens")).StatusCode);
    }

    [Fact]
    public async Task The_public_form_posts_with_its_antiforgery_token_and_redisplays_errors_keeping_the_answers()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var url = $"/khao-sat/{round.Id}/{round.Unit}?g=citizens";
        var page = await run.Client.GetAsync(url);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Rất không hài lòng", html);
        Assert.Contains("data-skip=\"A8\" data-skip-value=\"Không\"", html);
        Assert.DoesNotContain("MudBlazor", html);
        Assert.DoesNotContain("blazor.web.js", html);
        var antiforgery = CollectionBuilder.AntiforgeryToken(html);
        var post = $"/khao-sat/{round.Id}/{round.Unit}/gui";

        // Without the antiforgery field: refused before anything is read.
        var answers = CollectionBuilder.ValidAnswers(round.Form, "citizens");
        var forged = CollectionBuilder.FormFields(antiforgery, "citizens", answers).Where(f => f.Key != "__RequestVerificationToken").ToList();
        Assert.Equal(HttpStatusCode.BadRequest, (await run.Client.PostAsync(post, new FormUrlEncodedContent(forged))).StatusCode);

        // A required question missing: the form comes back with the message next to it and the answers kept.
        answers.Remove("2.2.1");
        var bad = await run.Client.PostAsync(post, new FormUrlEncodedContent(CollectionBuilder.FormFields(antiforgery, "citizens", answers)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var again = await bad.Content.ReadAsStringAsync();
        Assert.Contains("id=\"e-2.2.1\">Xin trả lời câu này.", again);
        Assert.Contains(">Bộ phận một cửa</textarea>", again);
        Assert.Contains($"name=\"a:1.1.1\" value=\"{answers["1.1.1"]}\" checked", again);

        answers["2.2.1"] = "4";
        var good = await run.Client.PostAsync(post, new FormUrlEncodedContent(
            CollectionBuilder.FormFields(CollectionBuilder.AntiforgeryToken(again), "citizens", answers, started: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300)));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/khao-sat/cam-on", good.Headers.Location!.ToString());
        Assert.Contains("Cảm ơn", await run.Client.GetStringAsync("/khao-sat/cam-on"));

        await using var db = run.Database.NewContext();
        var row = Assert.Single(await StoredAsync(db, round.Id));
        Assert.Equal(ResponseChannel.Online, row.Channel);
        Assert.InRange(row.Seconds!.Value, 299, 330);
    }

    [Fact]
    public async Task A_closed_group_answers_once_per_token_through_the_form()
    {
        var (run, round) = await StartAsync("par-sociological", ["dept-civil-servants", "residents"]);
        await using var _ = run;
        string token;
        await using (var db = run.Database.NewContext())
            token = (await Tokens.GenerateAsync(db, ChiSoApp.Markers, round.Id, round.Unit, "dept-civil-servants", 2, Actors.Admin())).Value!.Tokens[0].Token;
        var answers = CollectionBuilder.ValidAnswers(round.Form, "dept-civil-servants");

        // No token, a wrong one: no form.
        Assert.Equal(HttpStatusCode.Forbidden, (await run.Client.GetAsync($"/khao-sat/{round.Id}/{round.Unit}?g=dept-civil-servants")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await run.Client.GetAsync($"/khao-sat/{round.Id}/{round.Unit}?g=dept-civil-servants&t=sai")).StatusCode);
        // The token of one unit does not open another unit's form.
        Assert.Equal(HttpStatusCode.Forbidden, (await run.Client.GetAsync($"/khao-sat/{round.Id}/{round.OtherUnit}?g=dept-civil-servants&t={token}")).StatusCode);

        // An invalid answer does not spend the token.
        var incomplete = answers.Where(a => a.Key != "B1").ToDictionary();
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAnswer(run.Client, round, incomplete, "dept-civil-servants", token: token)).StatusCode);

        var url = $"/khao-sat/{round.Id}/{round.Unit}?g=dept-civil-servants&t={token}";
        var html = await run.Client.GetStringAsync(url);
        var fields = CollectionBuilder.FormFields(CollectionBuilder.AntiforgeryToken(html), "dept-civil-servants", answers, token: token);
        var post = $"/khao-sat/{round.Id}/{round.Unit}/gui";
        Assert.Equal(HttpStatusCode.Redirect, (await run.Client.PostAsync(post, new FormUrlEncodedContent(fields))).StatusCode);
        // The same token again, by the form or the API: refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await run.Client.PostAsync(post, new FormUrlEncodedContent(fields))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAnswer(run.Client, round, answers, "dept-civil-servants", token: token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await run.Client.GetAsync(url)).StatusCode);
        await using (var db = run.Database.NewContext())
        {
            Assert.Single(await StoredAsync(db, round.Id));
            Assert.Equal(1, await db.SurveyTokens.CountAsync(t => t.RoundId == round.Id && t.Used));
            Assert.DoesNotContain(token, (await StoredAsync(db, round.Id))[0].Answers);
        }
    }

    [Fact]
    public async Task A_dossier_answers_an_open_SIPAS_link_once_and_is_kept_only_as_a_hash()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        const string dossier = "000.00.12.H26-240115-0042";
        var url = $"/khao-sat/{round.Id}/{round.Unit}?g=citizens&d={dossier}";
        var answers = CollectionBuilder.ValidAnswers(round.Form, "citizens");
        var fields = CollectionBuilder.FormFields(CollectionBuilder.AntiforgeryToken(await run.Client.GetStringAsync(url)), "citizens", answers, dossier: dossier);
        var post = $"/khao-sat/{round.Id}/{round.Unit}/gui";
        Assert.Equal(HttpStatusCode.Redirect, (await run.Client.PostAsync(post, new FormUrlEncodedContent(fields))).StatusCode);
        var refused = await run.Client.PostAsync(post, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Hồ sơ này đã được đánh giá", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await run.Client.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAnswer(run.Client, round, answers, dossier: dossier.ToLowerInvariant())).StatusCode);
        // Another dossier, and no dossier at all, still answer.
        await JsonAsync(await PostAnswer(run.Client, round, CollectionBuilder.ValidAnswers(round.Form, "citizens", 1), dossier: "KHAC-1"), HttpStatusCode.Created);
        await JsonAsync(await PostAnswer(run.Client, round, CollectionBuilder.ValidAnswers(round.Form, "citizens", 2)), HttpStatusCode.Created);

        await using var db = run.Database.NewContext();
        var rows = await StoredAsync(db, round.Id);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.DoesNotContain(dossier, JsonSerializer.Serialize(r)));
        var used = await db.UsedDossiers.Where(d => d.RoundId == round.Id).ToListAsync();
        Assert.Equal(2, used.Count);
        Assert.Contains(used, d => d.Hash == ChiSoApp.Markers.Dossier(round.Id, dossier).Keyed);
        Assert.DoesNotContain(used, d => d.Hash.Contains("0042"));
    }

    [Fact]
    public async Task Answers_cannot_be_joined_to_tokens_or_dossiers()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        await using var db = run.Database.NewContext();
        var response = db.Model.FindEntityType(typeof(SurveyResponse))!;
        var linked = new[] { typeof(SurveyToken), typeof(UsedDossier) };
        Assert.DoesNotContain(response.GetForeignKeys(), fk => linked.Contains(fk.PrincipalEntityType.ClrType));
        Assert.DoesNotContain(response.GetNavigations(), n => linked.Contains(n.TargetEntityType.ClrType));
        foreach (var t in linked)
        {
            var e = db.Model.FindEntityType(t)!;
            Assert.DoesNotContain(e.GetForeignKeys(), fk => fk.PrincipalEntityType.ClrType == typeof(SurveyResponse));
            Assert.DoesNotContain(e.GetProperties(), p => p.Name.Contains("Response", StringComparison.OrdinalIgnoreCase));
        }
        // Nothing that could carry a token, a dossier, an address or a time of day. The one hash a response has is of its own
        // answers (the duplicate rule's index), checked below to be exactly that.
        Assert.DoesNotContain(response.GetProperties(), p => p.ClrType == typeof(DateTime) || p.ClrType == typeof(DateTimeOffset)
            || p.ClrType == typeof(TimeOnly) || (p.Name != nameof(SurveyResponse.AnswersHash)
                && new[] { "token", "dossier", "hash", "ip", "address", "time" }.Any(w => p.Name.Contains(w, StringComparison.OrdinalIgnoreCase))));
        await JsonAsync(await PostAnswer(run.Client, round, CollectionBuilder.ValidAnswers(round.Form, "citizens"), dossier: "HS-2024-0042"), HttpStatusCode.Created);
        var stored = Assert.Single(await StoredAsync(db, round.Id));
        Assert.Equal(SurveyResponse.HashOf(stored.Answers), stored.AnswersHash);
    }

    [Fact]
    public async Task Speeders_straight_lining_and_duplicates_are_flagged_then_accepted_or_excluded_by_a_reviewer()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var same = CollectionBuilder.ValidAnswers(round.Form, "citizens");
        foreach (var q in round.Form.Questions.Where(q => q.IsScale && same.ContainsKey(q.Code))) same[q.Code] = "5";
        var straight = await JsonAsync(await PostAnswer(run.Client, round, same), HttpStatusCode.Created);
        Assert.Equal(["straight-line"], straight.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        var answers = CollectionBuilder.ValidAnswers(round.Form, "citizens", 3);
        Assert.True(answers.Count >= 30);
        var fast = await JsonAsync(await PostAnswer(run.Client, round, answers, seconds: 40), HttpStatusCode.Created);
        Assert.Equal(["speeder"], fast.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var duplicate = await JsonAsync(await PostAnswer(run.Client, round, answers, seconds: 500), HttpStatusCode.Created);
        Assert.Equal(["duplicate"], duplicate.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        // The same answers for another unit are not a duplicate.
        Assert.Equal(0, (await JsonAsync(await PostAnswer(run.Client, round, answers, unit: round.OtherUnit), HttpStatusCode.Created)).GetProperty("flags").GetArrayLength());

        var flagged = await JsonAsync(await run.Client.GetAsync($"/api/surveys/rounds/{round.Id}/flagged"), HttpStatusCode.OK);
        Assert.Equal(3, flagged.GetArrayLength());
        var ids = flagged.EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).ToList();
        await JsonAsync(await run.Client.PostAsJsonAsync($"/api/surveys/rounds/{round.Id}/responses/{ids[0]}/review", new { accept = true }), HttpStatusCode.NoContent);
        await JsonAsync(await run.Client.PostAsJsonAsync($"/api/surveys/rounds/{round.Id}/responses/{ids[1]}/review", new { accept = false }), HttpStatusCode.NoContent);
        await JsonAsync(await run.Client.PostAsJsonAsync($"/api/surveys/rounds/{round.Id + 1}/responses/{ids[2]}/review", new { accept = false }), HttpStatusCode.NotFound);
        Assert.Equal(1, (await JsonAsync(await run.Client.GetAsync($"/api/surveys/rounds/{round.Id}/flagged"), HttpStatusCode.OK)).GetArrayLength());
        // A decision changes the scores: the audit log says who took it, from what to what, and on which flags.
        await using (var db = run.Database.NewContext())
        {
            var audit = await db.Audit.AsNoTracking().Where(a => a.Subject == $"survey-round:{round.Id}").OrderBy(a => a.Id).ToListAsync();
            Assert.Equal([($"response:{ids[0]}", "Flagged", "Accepted"), ($"response:{ids[1]}", "Flagged", "Excluded")],
                audit.Select(a => (a.Field, a.OldValue, a.NewValue)));
            Assert.All(audit, a => Assert.False(string.IsNullOrEmpty(a.User)));
            Assert.StartsWith("Xem xét phiếu bị gắn cờ: ", audit[0].Reason);
        }

        var progress = await JsonAsync(await run.Client.GetAsync($"/api/surveys/rounds/{round.Id}/progress"), HttpStatusCode.OK);
        Assert.Equal(40, progress.GetProperty("target").GetInt32());
        Assert.Equal(3, progress.GetProperty("answers").GetInt32());
        Assert.Equal(1, progress.GetProperty("flagged").GetInt32());
        Assert.Equal(1, progress.GetProperty("excluded").GetInt32());
        var line = progress.GetProperty("quotas").EnumerateArray().Single(q => q.GetProperty("unitCode").GetString() == round.Unit && q.GetProperty("group").GetString() == "citizens");
        Assert.Equal(2, line.GetProperty("answers").GetInt32());
        Assert.Equal(0.2, line.GetProperty("filled").GetDouble(), 6);
    }

    [Fact]
    public async Task Anonymous_answers_from_one_address_are_limited_with_a_Vietnamese_message_and_signed_in_staff_are_not()
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var __ = database;
        OpenRound round;
        await using (var db = database.NewContext()) round = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
        await using var app = new ChiSoApp(database, b => b.UseSetting("Surveys:FormRateLimitPerMinute", "2"));
        using var anonymous = app.AnonymousClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 1; i <= 2; i++)
            await JsonAsync(await PostAnswer(anonymous, round, CollectionBuilder.ValidAnswers(round.Form, "citizens", i)), HttpStatusCode.Created);
        var refused = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/surveys/rounds/{round.Id}/responses")
        {
            Content = JsonContent.Create(new { unit = round.Unit, group = "citizens", answers = CollectionBuilder.ValidAnswers(round.Form, "citizens", 3), seconds = 600 }),
        });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Quá nhiều phiếu", (await JsonAsync(refused, HttpStatusCode.TooManyRequests)).GetProperty("title").GetString());
        Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());

        // The public form from the same address shares the budget, and says it on a page of its own.
        var form = await anonymous.PostAsync($"/khao-sat/{round.Id}/{round.Unit}/gui", new FormUrlEncodedContent(new Dictionary<string, string> { ["g"] = "citizens" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.Equal("text/html", form.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Quá nhiều phiếu gửi từ cùng một địa chỉ", await form.Content.ReadAsStringAsync());

        // Staff signed in (a collection tool's account, paper forms typed in) are not limited.
        using var staff = app.CreateClient();
        await JsonAsync(await PostAnswer(staff, round, CollectionBuilder.ValidAnswers(round.Form, "citizens", 4)), HttpStatusCode.Created);
        await using var check = database.NewContext();
        Assert.Equal(3, (await StoredAsync(check, round.Id)).Count);
    }

    [Fact]
    public async Task A_speeder_is_measured_against_the_usual_time_of_the_group_once_twenty_answers_are_timed()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var text = round.Form.Questions.First(q => q.Type == QuestionType.Text && q.For("citizens")).Code;
        async Task<string[]> FlagsOf(int i, int seconds)
        {
            var answers = CollectionBuilder.ValidAnswers(round.Form, "citizens", i);
            answers[text] = $"Quầy số {i}";   // no two alike: no duplicate flag
            var created = await JsonAsync(await PostAnswer(run.Client, round, answers, seconds: seconds), HttpStatusCode.Created);
            return created.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray();
        }
        for (var i = 0; i < 19; i++) Assert.Empty(await FlagsOf(i, 600 + i));
        // 19 timed answers: no usual time yet, so 150 s passes (over a minute for the 30-odd questions).
        Assert.Empty(await FlagsOf(19, 150));
        // Twenty now: 150, 600 … 618; the median is (608 + 609) / 2 = 608,5 and a third of it 202,8.
        Assert.Equal(["speeder"], await FlagsOf(20, 150));
        Assert.Empty(await FlagsOf(21, 250));
    }

    static MultipartFormDataContent Files(string csv, string? second = null)
    {
        var content = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv)), "file", "phieu.csv" } };
        if (second is not null) content.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(second)), "second", "phieu-lan2.csv");
        return content;
    }

    static string Csv(OpenRound round, params (string Unit, Dictionary<string, string?> Answers)[] rows)
    {
        var codes = round.Form.Questions.Where(q => q.For("citizens")).Select(q => q.Code).ToList();
        static string Cell(string? v) => v is null ? "" : v.Contains(',') || v.Contains('"') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
        return "Đơn vị,Nhóm," + string.Join(',', codes) + "\n"
            + string.Join("\n", rows.Select(r => $"{r.Unit},citizens," + string.Join(',', codes.Select(c => Cell(r.Answers.GetValueOrDefault(c)))))) + "\n";
    }

    /// <summary>Valid forms of citizens of the round's unit, each told apart by its number in a free-text answer.</summary>
    static IEnumerable<(string Unit, Dictionary<string, string?> Answers)> NumberedForms(OpenRound round, int count)
    {
        var text = round.Form.Questions.First(q => q.Type == QuestionType.Text && q.For("citizens")).Code;
        return Enumerable.Range(0, count).Select(i =>
        {
            var a = CollectionBuilder.ValidAnswers(round.Form, "citizens", i);
            a[text] = $"Phiếu số {i}";
            return (round.Unit, a);
        });
    }

    [Fact]
    public async Task A_bad_paper_batch_is_refused_with_its_report_and_a_good_one_is_imported_whole()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var good1 = CollectionBuilder.ValidAnswers(round.Form, "citizens", 1);
        var good2 = CollectionBuilder.ValidAnswers(round.Form, "citizens", 2);
        var bad = CollectionBuilder.ValidAnswers(round.Form, "citizens", 3);
        bad["2.3.1"] = "7";
        bad.Remove("A7");
        var csv = Csv(round, (round.Unit, good1), (round.Unit, bad), ("KHONG-CO", good2));
        var report = await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Files(csv)), HttpStatusCode.UnprocessableEntity);
        var problems = report.GetProperty("problems").EnumerateArray().Select(p => (p.GetProperty("row").GetInt32(), p.GetProperty("column").GetString())).ToList();
        Assert.Contains((3, "2.3.1"), problems);
        Assert.Contains((3, "A7"), problems);
        Assert.Contains((4, "Đơn vị"), problems);
        Assert.DoesNotContain(problems, p => p.Item1 == 2);
        await using (var db = run.Database.NewContext())
        {
            Assert.Empty(await StoredAsync(db, round.Id));
            Assert.False(await db.PaperBatches.AnyAsync(b => b.RoundId == round.Id));
        }

        csv = Csv(round, (round.Unit, good1), (round.OtherUnit, good2));
        var ok = await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Files(csv)), HttpStatusCode.OK);
        Assert.Equal(2, ok.GetProperty("rows").GetInt32());
        await using (var db = run.Database.NewContext())
        {
            var rows = await StoredAsync(db, round.Id);
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Equal(ResponseChannel.Paper, r.Channel));
            var batch = await db.PaperBatches.SingleAsync(b => b.RoundId == round.Id);
            Assert.Equal(2, batch.Rows);
            Assert.All(rows, r => Assert.Equal(batch.Id, r.BatchId));
        }
    }

    [Fact]
    public async Task A_large_batch_is_refused_whole_for_one_bad_row_at_its_end_and_flags_a_form_typed_twice_far_apart()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        // 2,500 forms (more than one chunk of the import is written before the last rows are checked), then the first one again.
        var rows = NumberedForms(round, 2500).ToList();
        rows.Add(rows[0]);
        var bad = CollectionBuilder.ValidAnswers(round.Form, "citizens", 1);
        bad["2.3.1"] = "7";
        // Headers typed in lower case still name the columns and the questions.
        static string LowerHeader(string csv) => csv[..csv.IndexOf('\n')].ToLowerInvariant() + csv[csv.IndexOf('\n')..];

        var refused = await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper",
            Files(LowerHeader(Csv(round, [.. rows, (round.Unit, bad)])))), HttpStatusCode.UnprocessableEntity);
        var problem = Assert.Single(refused.GetProperty("problems").EnumerateArray());
        Assert.Equal((2503, "2.3.1"), (problem.GetProperty("row").GetInt32(), problem.GetProperty("column").GetString()));
        await using (var db = run.Database.NewContext())
        {
            Assert.Empty(await StoredAsync(db, round.Id));
            Assert.False(await db.PaperBatches.AnyAsync(b => b.RoundId == round.Id));
        }

        var ok = await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Files(LowerHeader(Csv(round, [.. rows])))), HttpStatusCode.OK);
        Assert.Equal(2501, ok.GetProperty("rows").GetInt32());
        Assert.Equal(1, ok.GetProperty("flagged").GetInt32());
        await using (var db = run.Database.NewContext())
        {
            var stored = await StoredAsync(db, round.Id);
            Assert.Equal(2501, stored.Count);
            Assert.Equal("duplicate", stored[^1].Flags);
            Assert.Equal(ResponseReview.Flagged, stored[^1].Review);
            Assert.Equal(stored[0].Answers, stored[^1].Answers);
            Assert.Contains("\"A7\":", stored[0].Answers);
        }
    }

    [Fact]
    public async Task Double_entry_reports_the_cells_that_differ_and_imports_only_matching_entries()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var a = CollectionBuilder.ValidAnswers(round.Form, "citizens", 1);
        var b = CollectionBuilder.ValidAnswers(round.Form, "citizens", 2);
        var first = Csv(round, (round.Unit, a), (round.Unit, b));
        var typo = new Dictionary<string, string?>(b) { ["2.4.1"] = b["2.4.1"] == "1" ? "2" : "1" };
        var second = Csv(round, (round.Unit, a), (round.Unit, typo));

        var diffs = await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper/reconcile", Files(first, second)), HttpStatusCode.OK);
        Assert.Equal(0, diffs.GetProperty("moreRows").GetInt32());
        var d = Assert.Single(diffs.GetProperty("differences").EnumerateArray());
        Assert.Equal(3, d.GetProperty("row").GetInt32());
        Assert.Equal("2.4.1", d.GetProperty("column").GetString());

        var refused = await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Files(first, second)), HttpStatusCode.UnprocessableEntity);
        Assert.Single(refused.GetProperty("differences").EnumerateArray());
        await using (var db = run.Database.NewContext()) Assert.Empty(await StoredAsync(db, round.Id));

        await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Files(first, first)), HttpStatusCode.OK);
        await using (var db = run.Database.NewContext()) Assert.Equal(2, (await StoredAsync(db, round.Id)).Count);
    }

    [Fact]
    public async Task The_paper_template_names_every_column_and_a_copy_filled_in_imports_and_is_listed_as_a_batch()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var response = await run.Client.GetAsync($"/api/surveys/rounds/{round.Id}/paper/template.xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xlsx = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["Phiếu", "Hướng dẫn", "Đơn vị và nhóm"], MiniExcelLibs.MiniExcel.GetSheetNames(xlsx));
        var codes = round.Form.Questions.Select(q => q.Code).ToList();
        // The first sheet as the import reads it: the header row and nothing under it.
        using var entry = ChiSo.Features.Files.ImportedFiles.Read(new MemoryStream(xlsx.ToArray()), PaperImport.Limits);
        var columns = entry.Columns.ToList();
        Assert.Equal([PaperImport.UnitColumn, PaperImport.GroupColumn, .. codes], columns);
        Assert.Empty(entry.Rows);
        var guide = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "Hướng dẫn").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(codes, guide.Select(g => (string)g["Cột (mã câu)"]!));
        var scale = round.Form.Questions.First(q => q.Type == QuestionType.Scale5);
        Assert.StartsWith("1 – 5 (1 = Rất không hài lòng", (string)guide.Single(g => (string)g["Cột (mã câu)"]! == scale.Code)["Nhập"]!);
        var pairs = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "Đơn vị và nhóm").Cast<IDictionary<string, object?>>().ToList();
        Assert.Contains(pairs, p => (string)p[PaperImport.UnitColumn]! == round.Unit && (string)p[PaperImport.GroupColumn]! == "citizens");

        // The typist fills the template's own sheet in the template's column order (a question of another group stays empty).
        var filled = new MemoryStream();
        var answers = new[] { 1, 2 }.Select(seed => CollectionBuilder.ValidAnswers(round.Form, "citizens", seed)).ToList();
        MiniExcelLibs.MiniExcel.SaveAs(filled, answers.Select(a => columns.ToDictionary(c => c, c => (object?)(c == PaperImport.UnitColumn ? round.Unit
            : c == PaperImport.GroupColumn ? "citizens" : a.GetValueOrDefault(c) ?? ""))).ToList(), sheetName: "Phiếu");
        var form = new MultipartFormDataContent { { new ByteArrayContent(filled.ToArray()), "file", "phieu-giay.xlsx" } };
        Assert.Equal(2, (await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", form), HttpStatusCode.OK)).GetProperty("rows").GetInt32());

        var batch = Assert.Single((await JsonAsync(await run.Client.GetAsync($"/api/surveys/rounds/{round.Id}/paper/batches"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(("phieu-giay.xlsx", 2, 0, 0), (batch.GetProperty("fileName").GetString(), batch.GetProperty("rows").GetInt32(),
            batch.GetProperty("flagged").GetInt32(), batch.GetProperty("excluded").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/api/surveys/rounds/999999/paper/template.xlsx")).StatusCode);
    }

    [Fact]
    public async Task A_paper_batch_withdrawn_with_a_reason_stops_counting_keeps_its_rows_and_is_audited()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        await JsonAsync(await PostAnswer(run.Client, round, CollectionBuilder.ValidAnswers(round.Form, "citizens", 9)), HttpStatusCode.Created);
        var imported = await JsonAsync(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Files(Csv(round, [.. NumberedForms(round, 4)]))), HttpStatusCode.OK);
        var batch = imported.GetProperty("batchId").GetInt32();
        async Task<int> Scored() => (await JsonAsync(await run.Client.GetAsync($"/api/surveys/rounds/{round.Id}/scores"), HttpStatusCode.OK)).GetProperty("responses").GetInt32();
        Assert.Equal(5, await Scored());

        var url = $"/api/surveys/rounds/{round.Id}/paper/batches/{batch}/withdraw";
        var refused = await JsonAsync(await run.Client.PostAsJsonAsync(url, new { reason = " " }), HttpStatusCode.BadRequest);
        Assert.Equal("Cần ghi lý do rút lô phiếu.", refused.GetProperty("errors").GetProperty("reason")[0].GetString());
        await JsonAsync(await run.Client.PostAsJsonAsync($"/api/surveys/rounds/{round.Id + 1}/paper/batches/{batch}/withdraw", new { reason = "nhầm" }), HttpStatusCode.NotFound);
        Assert.Equal(5, await Scored());

        var done = await JsonAsync(await run.Client.PostAsJsonAsync(url, new { reason = "Nhập nhầm tệp của đợt khác" }), HttpStatusCode.OK);
        Assert.Equal(4, done.GetProperty("excluded").GetInt32());
        Assert.Equal(1, await Scored());
        var line = Assert.Single((await JsonAsync(await run.Client.GetAsync($"/api/surveys/rounds/{round.Id}/paper/batches"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal((4, 4), (line.GetProperty("rows").GetInt32(), line.GetProperty("excluded").GetInt32()));
        await using var db = run.Database.NewContext();
        var rows = await StoredAsync(db, round.Id);
        Assert.Equal(5, rows.Count);
        Assert.All(rows.Where(r => r.BatchId == batch), r => Assert.Equal(ResponseReview.Excluded, r.Review));
        var audit = await db.Audit.AsNoTracking().SingleAsync(a => a.Subject == $"survey-round:{round.Id}" && a.Field == $"paper-batch:{batch}");
        Assert.Equal(("4 phiếu được tính", "rút lô: 0 phiếu được tính", "Nhập nhầm tệp của đợt khác"), (audit.OldValue, audit.NewValue, audit.Reason));
    }

    /// <summary>Reports on the calling thread, so the test sees them in order and all of them before the import returns.</summary>
    sealed class Recorded : IProgress<PaperImportProgress>
    {
        public List<PaperImportProgress> Reports { get; } = [];
        public void Report(PaperImportProgress value) => Reports.Add(value);
    }

    [Fact]
    public async Task A_paper_import_reports_its_progress_chunk_by_chunk_up_to_every_row()
    {
        var (run, round) = await StartAsync();
        await using var _ = run;
        var rows = NumberedForms(round, 3000).ToArray();
        var progress = new Recorded();
        await using (var db = run.Database.NewContext())
        {
            var report = await PaperImport.ImportAsync(db, round.Id, "lo-1.csv", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Csv(round, rows))),
                Actors.Admin("nhập liệu"), TimeProvider.System, progress: progress);
            Assert.True(report.Succeeded);
        }
        Assert.Equal([new(0, 3000), new(2048, 3000), new(3000, 3000)], progress.Reports);
    }
}

public sealed class CollectionSqliteTests() : CollectionTests(Provider.Sqlite);

public sealed class CollectionPostgresTests() : CollectionTests(Provider.Postgres);
