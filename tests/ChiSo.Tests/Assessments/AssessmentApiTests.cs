using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Infrastructure;
using static ChiSo.Tests.Assessments.AssessmentSetup;

namespace ChiSo.Tests.Assessments;

/// <summary>The assessment over HTTP with real sign-ins: a unit user reaches only their unit and no appraiser action;
/// bad input gets problem+json in Vietnamese; a cycle goes from opening to a public ranking.</summary>
public abstract class AssessmentApiTests(Provider provider)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    static async Task<JsonElement> Problem(HttpResponseMessage r, HttpStatusCode status)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    static async Task<Guid> Token(HttpClient c, int id, string unit, string code) =>
        (await c.GetFromJsonAsync<UnitAssessment>($"/api/cycles/{id}/units/{unit}", Json))!.Items.Single(i => i.Code == code).Concurrency!.Value;

    static Task<HttpResponseMessage> Score(HttpClient c, int id, string unit, string code, string answer, Guid token, string? noEvidence = "Chưa số hoá") =>
        c.PutAsJsonAsync($"/api/cycles/{id}/units/{unit}/items/{code}/self", new SelfScoreInput(answer, "Căn cứ", noEvidence, null, token), Json);

    [Fact]
    public async Task A_cycle_runs_over_http_and_each_role_reaches_only_its_part()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string key;
        await using (var db = database.NewContext()) key = await FrameworkAsync(db);
        await using var app = new ChiSoApp(database);
        var admin = app.CreateClient();
        var due = DateTime.UtcNow.AddDays(10);
        var created = await admin.PostAsJsonAsync("/api/cycles", new CycleSpec(2026, "Kỳ thử qua API", due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở", key, "V1", ["SNV", "STP"])]), Json);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<CycleSummary>(Json))!.Id;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/cycles/{id}/open", null)).StatusCode);

        var editor = await app.ClientAsync(Roles.UnitEditor, "SNV");
        var head = await app.ClientAsync(Roles.UnitHead, "SNV");
        var other = await app.ClientAsync(Roles.UnitEditor, "STP");
        var leader = await app.ClientAsync(Roles.Leader);

        // Scoping: another unit's data, appraiser and admin actions are refused with 403 problem+json.
        Assert.Contains("đơn vị mình", (await Problem(await other.GetAsync($"/api/cycles/{id}/units/SNV"), HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        await Problem(await Score(other, id, "SNV", "1.1", "4", Guid.Empty), HttpStatusCode.Forbidden);
        await Problem(await editor.PutAsJsonAsync($"/api/cycles/{id}/units/SNV/items/1.1/appraisal", new AppraisalInput(AppraisalVerdict.Accepted, null, null, Guid.Empty), Json), HttpStatusCode.Forbidden);
        await Problem(await editor.PostAsync($"/api/cycles/{id}/open", null), HttpStatusCode.Forbidden);
        await Problem(await editor.GetAsync($"/api/cycles/{id}/ranking"), HttpStatusCode.Forbidden);
        await Problem(await leader.PostAsync($"/api/cycles/{id}/units/SNV/submit", null), HttpStatusCode.Forbidden);
        var visible = await editor.GetFromJsonAsync<CycleSummary>($"/api/cycles/{id}", Json);
        Assert.Equal(["SNV"], visible!.Units.Select(u => u.Code)); // not how other units stand

        // Bad input: Vietnamese validation problems, nothing written.
        var tooHigh = await Problem(await Score(editor, id, "SNV", "1.1", "4,5", await Token(editor, id, "SNV", "1.1")), HttpStatusCode.BadRequest);
        Assert.Contains("vượt điểm tối đa 4", tooHigh.GetProperty("errors").GetProperty("answer")[0].GetString());
        var exe = new MultipartFormDataContent { { new StringContent("Báo cáo"), "title" } };
        exe.Add(new ByteArrayContent([0x4D, 0x5A, 0x90, 0]) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", "bao-cao.exe");
        Assert.Contains("không được nhận", (await Problem(await editor.PostAsync($"/api/cycles/{id}/units/SNV/evidence", exe), HttpStatusCode.BadRequest))
            .GetProperty("detail").GetString());
        var badDate = new MultipartFormDataContent { { new StringContent("Báo cáo"), "title" }, { new StringContent("31/02/2026"), "docDate" } };
        badDate.Add(new ByteArrayContent(Pdf()), "file", "a.pdf");
        await Problem(await editor.PostAsync($"/api/cycles/{id}/units/SNV/evidence", badDate), HttpStatusCode.BadRequest);

        // Self-assessment with real evidence; the editor may not submit, the head may.
        var pdf = new MultipartFormDataContent { { new StringContent("Kế hoạch CCHC"), "title" }, { new StringContent("12/KH-SNV"), "docNumber" }, { new StringContent("10/01/2026"), "docDate" } };
        pdf.Add(new ByteArrayContent(Pdf()), "file", "ke-hoach.pdf");
        var evidence = await (await editor.PostAsync($"/api/cycles/{id}/units/SNV/evidence", pdf)).Content.ReadFromJsonAsync<EvidenceView>(Json);
        Assert.Equal((new DateOnly(2026, 1, 10), "12/KH-SNV"), (evidence!.DocDate, evidence.DocNumber));
        var file = await editor.GetAsync($"/api/cycles/{id}/units/SNV/evidence/{evidence.Id}/file");
        Assert.Equal(Pdf(), await file.Content.ReadAsByteArrayAsync());
        await Problem(await other.GetAsync($"/api/cycles/{id}/units/SNV/evidence/{evidence.Id}/file"), HttpStatusCode.Forbidden);
        var withEvidence = await editor.PutAsJsonAsync($"/api/cycles/{id}/units/SNV/items/1.1/self",
            new SelfScoreInput("3,5", "Kế hoạch số 12", null, [evidence.Id], await Token(editor, id, "SNV", "1.1")), Json);
        Assert.Equal(HttpStatusCode.OK, withEvidence.StatusCode);
        foreach (var (code, answer) in new[] { ("1.2", "Có"), ("1.3", "Một phần"), ("3.1", "0"), ("3.2", "Không"), ("4.1", "0") })
            Assert.Equal(HttpStatusCode.OK, (await Score(editor, id, "SNV", code, answer, await Token(editor, id, "SNV", code))).StatusCode);
        var stale = await Problem(await Score(editor, id, "SNV", "1.2", "Không", Guid.NewGuid()), HttpStatusCode.Conflict);
        Assert.Equal("yes", stale.GetProperty("current").GetProperty("answer").GetString()); // what is saved, beside the rejected input
        await Problem(await editor.PostAsync($"/api/cycles/{id}/units/SNV/submit", null), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await head.PostAsync($"/api/cycles/{id}/units/SNV/submit", null)).StatusCode);
        var locked = await Problem(await Score(editor, id, "SNV", "1.2", "Không", await Token(editor, id, "SNV", "1.2")), HttpStatusCode.Conflict);
        Assert.Contains("điểm đã khoá", locked.GetProperty("detail").GetString());

        // Appraisal by an assigned appraiser only.
        var appraiserName = await app.UserAsync(Roles.Appraiser);
        var appraiser = await app.ClientAsync(Roles.Appraiser);
        await Problem(await appraiser.GetAsync($"/api/cycles/{id}/units/SNV"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/cycles/{id}/appraisers", new[] { new AssignmentSpec(appraiserName, "SNV", null) }, Json)).StatusCode);
        var queue = await appraiser.GetFromJsonAsync<List<QueueLine>>("/api/appraisal/queue", Json);
        var line = Assert.Single(queue!);
        Assert.Equal(("SNV", 6), (line.UnitCode, line.Waiting));
        foreach (var code in new[] { "1.1", "1.2", "1.3", "3.1", "3.2", "4.1" })
        {
            var r = await appraiser.PutAsJsonAsync($"/api/cycles/{id}/units/SNV/items/{code}/appraisal",
                new AppraisalInput(AppraisalVerdict.Accepted, null, null, await Token(appraiser, id, "SNV", code)), Json);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await appraiser.PostAsync($"/api/cycles/{id}/units/SNV/send-appraisal", null)).StatusCode);

        // The audit of one criterion, readable by the unit and exportable.
        var audit = await editor.GetFromJsonAsync<List<JsonElement>>($"/api/cycles/{id}/units/SNV/audit?code=1.1", Json);
        Assert.Contains(audit!, a => a.GetProperty("field").GetString() == "1.1" && a.GetProperty("newValue").GetString() == "3.5");
        Assert.Contains(audit!, a => a.GetProperty("field").GetString() == "1.1:appraisal");
        var xlsx = await admin.GetAsync($"/api/cycles/{id}/units/SNV/audit?format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_submission_after_the_deadline_is_refused_in_vietnamese_and_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string key;
        await using (var db = database.NewContext()) key = await FrameworkAsync(db);
        await using var app = new ChiSoApp(database);
        var admin = app.CreateClient();
        var created = await admin.PostAsJsonAsync("/api/cycles", new CycleSpec(2025, "Kỳ đã quá hạn", DateTime.UtcNow.AddMinutes(-1), new DateOnly(2026, 1, 4),
            new DateOnly(2026, 1, 29), 7, [new GroupSpec("Sở", key, "V1", ["SNV"])]), Json);
        var id = (await created.Content.ReadFromJsonAsync<CycleSummary>(Json))!.Id;
        await admin.PostAsync($"/api/cycles/{id}/open", null);
        var head = await app.ClientAsync(Roles.UnitHead, "SNV");
        var late = await Problem(await Score(head, id, "SNV", "1.1", "4", await Token(head, id, "SNV", "1.1")), HttpStatusCode.Conflict);
        Assert.Contains("Đã quá hạn tự đánh giá", late.GetProperty("detail").GetString());
        Assert.Contains("Đã quá hạn", (await Problem(await head.PostAsync($"/api/cycles/{id}/units/SNV/submit", null), HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        var view = await head.GetFromJsonAsync<UnitAssessment>($"/api/cycles/{id}/units/SNV", Json);
        Assert.Equal((UnitStage.Draft, 0, false), (view!.Stage, view.Progress.Answered, view.CanEdit));
    }
}

public sealed class AssessmentApiSqliteTests() : AssessmentApiTests(Provider.Sqlite);

public sealed class AssessmentApiPostgresTests() : AssessmentApiTests(Provider.Postgres);
