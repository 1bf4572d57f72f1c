using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Assessments;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Api;

/// <summary>The two rules for what people type (docs/decisions/0017), through every entry point on both databases: a
/// deadline given as a date is the end of that day in Hanoi; text arrives in NFC whatever the keyboard sent.</summary>
public abstract class InputRulesTests(Provider provider)
{
    /// <summary>22/12/2026 23:59:59.999999 in Hanoi: the last instant both databases keep (PostgreSQL: microseconds).</summary>
    static readonly DateTime EndOf22December = new DateTime(2026, 12, 22, 16, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990);

    static JsonObject CycleJson(string key, string due) => new()
    {
        ["year"] = 2026, ["name"] = "Kỳ thử hạn " + due, ["selfAssessmentDue"] = due, ["appraisalFrom"] = "2027-01-04",
        ["appraisalTo"] = "2027-01-29", ["explanationDays"] = 7,
        ["groups"] = new JsonArray(new JsonObject { ["name"] = "Sở", ["framework"] = key, ["version"] = FrameworkBuilder.Version, ["units"] = new JsonArray("SNV") }),
    };

    static async Task<DateTime> StoredDueAsync(TestDatabase database, int id)
    {
        await using var db = database.NewContext();
        // SQLite hands the stored UTC back without a kind.
        return DateTime.SpecifyKind(await db.Cycles.Where(c => c.Id == id).Select(c => c.SelfAssessmentDue).SingleAsync(), DateTimeKind.Utc);
    }

    [Theory]
    [InlineData("2026-12-22", "2026-12-22T16:59:59.999999Z")]          // a date: the end of that day in Hanoi
    [InlineData("2026-12-22T17:00", "2026-12-22T10:00:00Z")]           // a time without an offset: Hanoi time
    [InlineData("2026-12-22T00:00:00", "2026-12-21T17:00:00Z")]        // midnight written out is midnight, not the day's end
    [InlineData("2026-12-22T17:00+07:00", "2026-12-22T10:00:00Z")]     // with an offset or Z: as given
    [InlineData("2026-12-22T10:00:00Z", "2026-12-22T10:00:00Z")]
    [InlineData("2026-12-22T05:00:00-05:00", "2026-12-22T10:00:00Z")]
    public async Task A_deadline_sent_to_the_API_is_stored_by_the_Hanoi_rule(string sent, string stored)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string key;
        await using (var db = database.NewContext()) key = await AssessmentSetup.FrameworkAsync(db);
        await using var app = new ChiSoApp(database);
        using var admin = app.CreateClient();

        var response = await admin.PostAsync("/api/cycles", new StringContent(CycleJson(key, sent).ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var json = JsonNode.Parse(body)!;
        var expected = DateTime.Parse(stored, null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.Equal(expected, await StoredDueAsync(database, json["id"]!.GetValue<int>()));
        // Written back in UTC with its Z, the same on both databases.
        Assert.Equal(stored, json["selfAssessmentDue"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_date_only_deadline_reads_back_as_the_end_of_that_day_in_Hanoi_from_the_API_the_service_and_the_CLI()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string key;
        await using (var db = database.NewContext()) key = await AssessmentSetup.FrameworkAsync(db);

        // The API.
        int viaApi;
        await using (var app = new ChiSoApp(database))
        {
            using var admin = app.CreateClient();
            var response = await admin.PostAsync("/api/cycles", new StringContent(CycleJson(key, "2026-12-22").ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            viaApi = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<int>();
        }
        // A caller of the service that holds a date as a DateTime without a kind (a page's date picker, a JSON file read
        // without the API's reader): the service applies the rule itself.
        int viaService;
        await using (var db = database.NewContext())
        {
            var spec = JsonSerializer.Deserialize<CycleSpec>(CycleJson(key, "2026-12-22").ToJsonString(), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            Assert.Equal(DateTimeKind.Unspecified, spec.SelfAssessmentDue.Kind);
            var created = await new AssessmentService(db, new FakeTimeProvider(AssessmentSetup.Start)).CreateCycleAsync(spec, AssessmentSetup.Admin);
            Assert.True(created.Ok, created.Error);
            viaService = created.Value.Id;
        }
        // The CLI: `./chiso cycle create spec.json`.
        var file = Path.Combine(Path.GetTempPath(), $"cycle-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, CycleJson(key, "2026-12-22").ToJsonString());
        JsonNode cli;
        try { cli = JsonNode.Parse((await Cli.RunAsync(database, "cycle", "create", file, "--json")).GetRawText())!; }
        finally { File.Delete(file); }

        foreach (var id in new[] { viaApi, viaService, cli["id"]!.GetValue<int>() })
        {
            var due = await StoredDueAsync(database, id);
            Assert.Equal(EndOf22December, due);
            Assert.Equal("23:59 22/12/2026", ViText.DateTime(due));
        }
        Assert.Equal("2026-12-22T16:59:59.999999Z", cli["selfAssessmentDue"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_explanation_window_ends_at_the_end_of_its_last_day_in_Hanoi()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, clock, id, _) = await AssessmentSetup.OpenCycleAsync(db);
        foreach (var code in new[] { "1.1", "1.2", "1.3", "3.1", "3.2", "4.1" })
            await AssessmentSetup.ScoreAsync(s, id, "SNV", code, code is "1.2" or "3.2" ? "yes" : code == "1.3" ? "Đầy đủ" : "1", AssessmentSetup.Admin, noEvidence: "Văn bản đang trình ký");
        Assert.True((await s.SubmitAsync(id, "SNV", AssessmentSetup.Admin)).Ok);
        foreach (var code in new[] { "1.1", "1.2", "1.3", "3.1", "3.2", "4.1" })
            await AssessmentSetup.AppraiseAsync(s, id, "SNV", code, AssessmentSetup.Admin, code == "1.1" ? 0.5m : null, code == "1.1" ? "Thiếu văn bản" : null);
        // Sent at 09:00 on 01/12 in Hanoi; seven days to explain: until 08/12 is over.
        var sent = await s.SendAppraisalAsync(id, "SNV", AssessmentSetup.Admin);
        Assert.True(sent.Ok, sent.Error);
        Assert.Equal(ViText.EndOfDay(new DateOnly(2026, 12, 8)), sent.Value.ExplanationDue);
        Assert.Equal("23:59 08/12/2026", ViText.DateTime(sent.Value.ExplanationDue));
        Assert.Equal(AssessmentSetup.Start, clock.GetUtcNow());
    }

    [Fact]
    public async Task Decomposed_Vietnamese_sent_to_the_API_is_stored_in_NFC_and_found_by_its_NFC_spelling()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        OpenRound round;
        await using (var db = database.NewContext()) round = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
        await using var app = new ChiSoApp(database);
        using var admin = app.CreateClient();
        static string Nfd(string s) => s.Normalize(NormalizationForm.FormD);
        const string code = "HỒNG-HÀ-THỬ", name = "Phường Hồng Hà thử nghiệm", criterion = "Ban hành kế hoạch cải cách hành chính đúng hạn";
        Assert.NotEqual(name, Nfd(name));

        // A unit, through the registry's JSON import, code and name decomposed.
        var units = new JsonObject { ["units"] = new JsonArray(new JsonObject { ["code"] = Nfd(code), ["name"] = Nfd(name), ["kind"] = "commune" }) };
        var imported = await admin.PostAsync("/api/units/import", new StringContent(units.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        // Found by its NFC spelling in the database, and through the API by either spelling of the code (route values are
        // normalised too).
        await using (var db = database.NewContext())
            Assert.Equal(1, await db.Units.CountAsync(u => u.Code == code && u.Name == name));
        foreach (var spelling in new[] { code, Nfd(code) })
        {
            var unit = await admin.GetAsync("/api/units/" + Uri.EscapeDataString(spelling));
            Assert.Equal(HttpStatusCode.OK, unit.StatusCode);
            Assert.Equal(name, JsonNode.Parse(await unit.Content.ReadAsStringAsync())!["name"]!.GetValue<string>());
        }

        // A framework and a criterion, through the framework editor's API.
        var key = FrameworkBuilder.NewKey();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/frameworks", new { key, name = Nfd("Bộ chỉ số thử") })).StatusCode);
        var version = JsonNode.Parse(await (await admin.PostAsJsonAsync($"/api/frameworks/{key}/versions",
            new { label = "2026", name = "Thử", validFromYear = 2026, max = 10 })).Content.ReadAsStringAsync())!;
        var added = await admin.PostAsJsonAsync($"/api/frameworks/{key}/versions/2026/criteria", new
        {
            concurrency = version["concurrency"]!.GetValue<Guid>(), parent = (string?)null, position = (int?)null,
            criterion = new
            {
                code = "1", name = Nfd(criterion), max = 10, method = "appraisal", kind = "standard", answer = "points", levels = Array.Empty<object>(),
                appliesTo = Array.Empty<string>(), allowNotApplicable = false, evidenceRequired = false, previousCodes = Array.Empty<string>(), lead = Array.Empty<object>(),
            },
        });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        int versionId;
        await using (var db = database.NewContext())
        {
            versionId = await db.FrameworkVersions.Where(v => v.Framework!.Key == key).Select(v => v.Id).SingleAsync();
            Assert.Equal(1, await db.Criteria.CountAsync(c => c.VersionId == versionId && c.Name == criterion));
            Assert.Equal("Bộ chỉ số thử", await db.Frameworks.Where(f => f.Key == key).Select(f => f.Name).SingleAsync());
        }

        // A survey answer sent decomposed: the yes/no choice is recognised and free text is stored in NFC.
        var answers = CollectionBuilder.ValidAnswers(round.Form, "citizens");
        var yesNo = round.Form.Questions.First(q => q.Type == QuestionType.YesNo && answers.ContainsKey(q.Code)).Code;
        var text = round.Form.Questions.First(q => q.Type == QuestionType.Text && q.For("citizens")).Code;
        answers[yesNo] = Nfd("Có");
        answers[text] = Nfd("Bộ phận một cửa phường");
        var stored = await admin.PostAsJsonAsync($"/api/surveys/rounds/{round.Id}/responses", new { unit = round.Unit, group = "citizens", answers, seconds = 600 });
        Assert.True(stored.StatusCode == HttpStatusCode.Created, await stored.Content.ReadAsStringAsync());
        await using (var db = database.NewContext())
        {
            var packed = await db.SurveyResponses.Where(r => r.RoundId == round.Id).Select(r => r.Answers).SingleAsync();
            Assert.Contains("Bộ phận một cửa phường", packed);
            Assert.True(packed.IsNormalized(NormalizationForm.FormC));
        }

        // The catch-all: whatever saves through EF (a page, the CLI) is stored in NFC too.
        await using (var db = database.NewContext())
        {
            var row = await db.Criteria.SingleAsync(c => c.VersionId == versionId && c.Code == "1");
            row.Name = Nfd("Kiểm tra cải cách hành chính");
            await db.SaveChangesAsync();
        }
        await using (var db = database.NewContext())
            Assert.Equal(1, await db.Criteria.CountAsync(c => c.VersionId == versionId && c.Name == "Kiểm tra cải cách hành chính"));
    }

    [Fact]
    public async Task A_password_with_Vietnamese_letters_is_the_same_password_typed_composed_or_decomposed()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Leader);
        const string password = "Mật-khẩu-Hồ-Gươm-2026";
        // Set through a door that does not normalise (an interactive page calls UserManager as the CLI does), decomposed.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ChiSoUser>>();
            var user = (await users.FindByNameAsync(userName))!;
            Assert.True((await users.RemovePasswordAsync(user)).Succeeded);
            Assert.True((await users.AddPasswordAsync(user, password.Normalize(NormalizationForm.FormD))).Succeeded);
        }
        foreach (var typed in new[] { password, password.Normalize(NormalizationForm.FormD) })
        {
            using var client = app.AnonymousClient();
            var login = await client.PostAsJsonAsync("/api/account/login", new LoginRequest(userName, typed));
            Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        }
    }
}

public sealed class InputRulesSqliteTests() : InputRulesTests(Provider.Sqlite);

public sealed class InputRulesPostgresTests() : InputRulesTests(Provider.Postgres);
