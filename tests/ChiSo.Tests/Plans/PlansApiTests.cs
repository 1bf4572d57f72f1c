using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChiSo.Features.Plans;
using ChiSo.Features.Results;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Plans;

/// <summary>The plans API through the real app and HTTP, over a seeded database of the test's own.</summary>
public abstract class PlansApiTests(Provider provider)
{
    sealed class Running(TestDatabase database, ChiSoApp app) : IAsyncDisposable
    {
        public TestDatabase Database { get; } = database;
        public HttpClient Client { get; } = app.CreateClient();

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    async Task<Running> StartAsync()
    {
        var database = await TestDatabase.CreateAsync(provider);
        return new Running(database, new ChiSoApp(database));
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    static IEnumerable<JsonElement> Tasks(JsonElement plan) =>
        plan.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("tasks").EnumerateArray());

    static async Task<JsonElement> DraftAsync(HttpClient client) =>
        await JsonAsync(await client.PostAsJsonAsync("/api/plans/drafts", new { framework = "par-province", year = 2023 }), HttpStatusCode.Created);

    static object EditOf(JsonElement task, string? deadline = null, string[]? lead = null, string? description = null, Guid? concurrency = null) => new
    {
        number = task.GetProperty("number").GetString(),
        description = description ?? task.GetProperty("description").GetString(),
        lead = lead ?? task.GetProperty("lead").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToArray(),
        cooperating = task.GetProperty("cooperating").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToArray(),
        deadline = deadline ?? task.GetProperty("deadlineText").GetString(),
        output = task.GetProperty("output").GetString(),
        criteria = task.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("framework").GetString() + ":" + c.GetProperty("code").GetString()).ToArray(),
        concurrency = concurrency ?? task.GetProperty("concurrency").GetGuid(),
    };

    [Fact]
    public async Task Draft_from_PAR_2023_gaps_has_a_task_per_weak_criterion_addressed_to_its_lead()
    {
        await using var run = await StartAsync();
        var gaps = await JsonAsync(await run.Client.GetAsync("/api/gaps/par-province/2023"));

        var plan = await DraftAsync(run.Client);

        Assert.Equal("Draft", plan.GetProperty("status").GetString());
        Assert.Equal(2024, plan.GetProperty("year").GetInt32());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("number").ValueKind);
        var tasks = Tasks(plan).ToList();
        var byCode = tasks.ToDictionary(t => t.GetProperty("criteria")[0].GetProperty("code").GetString()!);
        // 2.4.1 scored 0.81 of 1; its lead is inherited from field 2 (Sở Tư pháp).
        var t241 = byCode["2.4.1"];
        Assert.Equal("Sở Tư pháp", Assert.Single(t241.GetProperty("lead").EnumerateArray()).GetProperty("name").GetString());
        Assert.NotEqual(JsonValueKind.Null, t241.GetProperty("lead")[0].GetProperty("unitCode").ValueKind);
        Assert.Equal(0.19m, t241.GetProperty("criteria")[0].GetProperty("pointsAtStake").GetDecimal());
        Assert.Equal("Khắc phục, nâng cao kết quả tiêu chí 2.4.1 Tính đồng bộ, thống nhất của các VBQPPL do địa phương ban hành (năm 2023: 0,81/1, mất 0,19 điểm)",
            t241.GetProperty("description").GetString());
        Assert.Equal("Quý III/2024", t241.GetProperty("deadlineText").GetString());
        Assert.Equal("2024-09-30", t241.GetProperty("due").GetString());
        // "Next year, each task shows what its criteria scored": the plan year's result beside the year before.
        Assert.Equal(2024, t241.GetProperty("criteria")[0].GetProperty("year").GetInt32());
        Assert.Equal(0.81m, t241.GetProperty("criteria")[0].GetProperty("previous").GetDecimal());
        // 1.3 has full marks (2/2): nothing to recover.
        Assert.False(byCode.ContainsKey("1.3"));
        // Every task's points at stake are the criterion's max − result, and every criterion losing points has a task.
        var leaves = gaps.GetProperty("criteria").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetString()!);
        foreach (var (code, task) in byCode)
            Assert.Equal(leaves[code].GetProperty("max").GetDecimal() - leaves[code].GetProperty("result").GetDecimal(),
                task.GetProperty("criteria")[0].GetProperty("pointsAtStake").GetDecimal());
        Assert.Equal(leaves.Values.Where(l => l.GetProperty("pointsLost").ValueKind == JsonValueKind.Number && l.GetProperty("pointsLost").GetDecimal() > 0)
            .Select(l => l.GetProperty("code").GetString()).Order(), byCode.Keys.Order());
        // One criterion target per task: the 2024 target when the plan of 2024 set one, else the max.
        var targets = plan.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(tasks.Count, targets.Count);
        var target241 = targets.Single(t => t.GetProperty("criterion").GetString() == "2.4.1");
        Assert.Equal("Criterion", target241.GetProperty("kind").GetString());
        var expected = leaves["2.4.1"].GetProperty("target") is { ValueKind: JsonValueKind.Number } tv ? tv.GetDecimal() : 1m;
        Assert.Equal(expected, target241.GetProperty("threshold").GetDecimal());
    }

    [Fact]
    public async Task Issuing_a_draft_needs_a_number_and_date_and_happens_once()
    {
        await using var run = await StartAsync();
        var plan = await DraftAsync(run.Client);
        var id = plan.GetProperty("id").GetInt32();
        var token = plan.GetProperty("concurrency").GetGuid();

        var bad = await run.Client.PostAsJsonAsync($"/api/plans/{id}/issue", new { number = " ", issuedOn = (string?)null, concurrency = token });
        var problem = await JsonAsync(bad, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("số kế hoạch", problem.GetProperty("errors").GetProperty("number")[0].GetString());
        Assert.Equal("Draft", (await JsonAsync(await run.Client.GetAsync($"/api/plans/{id}"))).GetProperty("status").GetString());

        var issued = await JsonAsync(await run.Client.PostAsJsonAsync($"/api/plans/{id}/issue", new { number = "99/KH-UBND", issuedOn = "2024-01-15", concurrency = token }));
        Assert.Equal("Issued", issued.GetProperty("status").GetString());
        Assert.Equal("99/KH-UBND", issued.GetProperty("number").GetString());
        Assert.Equal("2024-01-15", issued.GetProperty("issuedOn").GetString());

        var again = await run.Client.PostAsJsonAsync($"/api/plans/{id}/issue",
            new { number = "100/KH-UBND", issuedOn = "2024-01-16", concurrency = issued.GetProperty("concurrency").GetGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var list = await JsonAsync(await run.Client.GetAsync("/api/plans?year=2024"));
        Assert.Contains(list.EnumerateArray(), p => p.GetProperty("number").GetString() == "99/KH-UBND" && p.GetProperty("status").GetString() == "Issued");
    }

    [Fact]
    public async Task Editing_a_task_reparses_its_deadline_and_a_stale_edit_is_refused()
    {
        await using var run = await StartAsync();
        var plan = await DraftAsync(run.Client);
        var id = plan.GetProperty("id").GetInt32();
        var task = Tasks(plan).First();
        var url = $"/api/plans/{id}/tasks/{task.GetProperty("id").GetInt32()}";

        var edited = await JsonAsync(await run.Client.PutAsJsonAsync(url, EditOf(task, deadline: "Hằng quý", lead: ["Sở Nội vụ", "Ban Chưa Có Trong Danh Mục"])));

        Assert.Equal("Hằng quý", edited.GetProperty("deadlineText").GetString());
        Assert.Equal("Recurring", edited.GetProperty("deadlineKind").GetString());
        Assert.Equal("Quarterly", edited.GetProperty("recurrence").GetString());
        var leads = edited.GetProperty("lead").EnumerateArray().ToList();
        Assert.Equal("SNV", leads[0].GetProperty("unitCode").GetString());
        Assert.False(leads[1].GetProperty("resolved").GetBoolean());
        // Points at stake stay with a criterion the edit keeps.
        Assert.Equal(task.GetProperty("criteria")[0].GetProperty("pointsAtStake").GetDecimal(), edited.GetProperty("criteria")[0].GetProperty("pointsAtStake").GetDecimal());
        var unresolved = await JsonAsync(await run.Client.GetAsync($"/api/plans/{id}/unresolved-agencies"));
        Assert.Equal("Ban Chưa Có Trong Danh Mục", Assert.Single(unresolved.EnumerateArray()).GetProperty("name").GetString());

        var dated = await JsonAsync(await run.Client.PutAsJsonAsync(url, EditOf(edited, deadline: "Tháng 6")));
        Assert.Equal("Date", dated.GetProperty("deadlineKind").GetString());
        Assert.Equal("2024-06-30", dated.GetProperty("due").GetString());

        // The first edit's token is stale now: 409 problem+json, nothing written.
        var stale = await run.Client.PutAsJsonAsync(url, EditOf(edited, deadline: "Tháng 12/2024"));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        // Bad input: Vietnamese messages, nothing written.
        var invalid = await run.Client.PutAsJsonAsync(url, EditOf(dated, description: "", deadline: "Tháng 11/2024"));
        var errors = (await JsonAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("Nhiệm vụ cần có nội dung.", errors.GetProperty("description")[0].GetString());
        var badCriterion = await run.Client.PutAsJsonAsync(url, new
        {
            number = "1", description = "x", lead = Array.Empty<string>(), cooperating = Array.Empty<string>(), deadline = "Tháng 11/2024",
            output = (string?)null, criteria = new[] { "par-province:9.9" }, concurrency = dated.GetProperty("concurrency").GetGuid(),
        });
        Assert.Contains("9.9", (await JsonAsync(badCriterion, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("criteria")[0].GetString());
        await using var db = run.Database.NewContext();
        var stored = await db.PlanTasks.SingleAsync(t => t.Id == task.GetProperty("id").GetInt32());
        Assert.Equal("Tháng 6", stored.DeadlineText);
        Assert.Equal(new DateOnly(2024, 6, 30), stored.Due);
    }

    [Fact]
    public async Task Editing_the_header_with_a_stale_token_is_a_conflict()
    {
        await using var run = await StartAsync();
        var plan = await DraftAsync(run.Client);
        var id = plan.GetProperty("id").GetInt32();
        object Header(string title, Guid token) => new { title, year = 2024, kind = "IndexImprovement", number = (string?)null, issuedOn = (string?)null, issuer = "HN",
            implements = (string?)null, purposes = new[] { "Mục đích mới" }, requirements = (string[]?)null, concurrency = token };

        var ok = await JsonAsync(await run.Client.PutAsJsonAsync($"/api/plans/{id}", Header("Tên mới", plan.GetProperty("concurrency").GetGuid())));
        Assert.Equal("Tên mới", ok.GetProperty("title").GetString());
        Assert.Equal(["Mục đích mới"], ok.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));

        var stale = await run.Client.PutAsJsonAsync($"/api/plans/{id}", Header("Tên khác", plan.GetProperty("concurrency").GetGuid()));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Tên mới", (await JsonAsync(await run.Client.GetAsync($"/api/plans/{id}"))).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_target_is_at_risk_without_an_actual_then_follows_the_latest_one()
    {
        await using var run = await StartAsync();
        var list = await JsonAsync(await run.Client.GetAsync("/api/plans?kind=unit-plan"));
        var id = list.EnumerateArray().Single(p => p.GetProperty("title").GetString()!.Contains("Tây Hồ")).GetProperty("id").GetInt32();
        var plan = await JsonAsync(await run.Client.GetAsync($"/api/plans/{id}"));
        // "Chỉ số SIPAS của quận đạt tối thiểu 90%": ≥ 90.
        var sipas = plan.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("metric").GetString() == "Chỉ số SIPAS của quận");
        Assert.Equal("AtRisk", sipas.GetProperty("status").GetString());
        var url = $"/api/plans/{id}/targets/{sipas.GetProperty("id").GetInt32()}/actuals";

        async Task<string?> Record(string period, decimal value) =>
            (await JsonAsync(await run.Client.PutAsJsonAsync(url, new { year = 2024, period, value }))).GetProperty("status").GetString();

        Assert.Equal("AtRisk", await Record("Q1", 85m));   // misses 90 by 5 < 9 (10 % of 90)
        Assert.Equal("NotMet", await Record("H1", 80m));   // misses by 10
        Assert.Equal("Met", await Record("Q3", 90m));
        Assert.Equal("NotMet", await Record("Q3", 70m));   // the same period again replaces the value
        var bad = await run.Client.PutAsJsonAsync(url, new { year = 1800, period = "Q1", value = 1m });
        Assert.Contains("không hợp lệ", (await JsonAsync(bad, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("year")[0].GetString());

        await using var db = run.Database.NewContext();
        var actuals = await db.PlanTargets.Where(t => t.Id == sipas.GetProperty("id").GetInt32()).SelectMany(t => t.Actuals).ToListAsync();
        Assert.Equal(3, actuals.Count);
        Assert.Equal(70m, actuals.Single(a => a.Period == ReportingPeriodKind.Q3).Value);
    }

    [Fact]
    public void The_status_rule_reads_the_comparator_both_ways()
    {
        ActualValue A(decimal v) => new(2024, ReportingPeriodKind.Year, v, DateTime.UtcNow, "t");
        // "Xếp hạng ≤ 8": rank 8.5 misses by 0.5 < 0.8, rank 10 misses by 2.
        Assert.Equal(TargetStatus.Met, PlanService.StatusOf(Comparator.AtMost, 8, A(3)));
        Assert.Equal(TargetStatus.AtRisk, PlanService.StatusOf(Comparator.AtMost, 8, A(8.5m)));
        Assert.Equal(TargetStatus.NotMet, PlanService.StatusOf(Comparator.AtMost, 8, A(10)));
        Assert.Equal(TargetStatus.AtRisk, PlanService.StatusOf(Comparator.AtLeast, 100, null));
        Assert.Null(PlanService.StatusOf(null, null, A(1)));
    }

    [Fact]
    public async Task The_source_file_is_stored_with_its_hash_and_downloaded_as_is()
    {
        await using var run = await StartAsync();
        var id = (await JsonAsync(await run.Client.GetAsync("/api/plans?year=2023")))[0].GetProperty("id").GetInt32();
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% kế hoạch\n%%EOF\n");

        static MultipartFormDataContent Form(byte[] bytes, string name)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return new MultipartFormDataContent { { content, "file", name } };
        }

        var uploaded = await JsonAsync(await run.Client.PostAsync($"/api/plans/{id}/source", Form(pdf, "430-KH-UBND.pdf")));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)), uploaded.GetProperty("sha256").GetString());
        Assert.Equal("application/pdf", uploaded.GetProperty("contentType").GetString());
        var download = await run.Client.GetAsync($"/api/plans/{id}/source");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.BadRequest, (await run.Client.PostAsync($"/api/plans/{id}/source", Form(pdf, "virus.exe"))).StatusCode);
        var fake = await run.Client.PostAsync($"/api/plans/{id}/source", Form(Encoding.ASCII.GetBytes("not a pdf"), "fake.pdf"));
        Assert.Contains("PDF", (await JsonAsync(fake, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("file")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/api/plans/999999/source")).StatusCode);
    }

    [Fact]
    public async Task Plans_are_created_and_imported_from_documents_all_or_nothing()
    {
        await using var run = await StartAsync();
        var doc = new
        {
            number = "12/KH-UBND", issuedOn = "2025-02-01", issuer = "Sở Nội vụ", title = "Kế hoạch thử", year = 2025, kind = "unit-plan",
            sections = new[] { new { code = "I", title = "Nhiệm vụ" } },
            tasks = new[]
            {
                new { section = "I", number = "1", description = "Việc một", lead = new[] { "Sở Tư pháp" }, cooperating = new[] { "Các sở, ban, ngành" }, deadline = "Quý II", output = "Báo cáo", criteria = new[] { "par-province:2.4.1" } },
                new { section = "I", number = "2", description = "Việc hai", lead = new[] { "Sở Nội vụ" }, cooperating = Array.Empty<string>(), deadline = "Khi có văn bản dự thảo", output = "Văn bản", criteria = Array.Empty<string>() },
            },
        };
        var created = await JsonAsync(await run.Client.PostAsJsonAsync("/api/plans", doc), HttpStatusCode.Created);
        var tasks = Tasks(created).ToList();
        Assert.Equal(["1", "2"], tasks.Select(t => t.GetProperty("number").GetString()));
        Assert.Equal("2025-06-30", tasks[0].GetProperty("due").GetString());
        Assert.NotNull(tasks[0].GetProperty("cooperating")[0].GetProperty("group").GetString());
        Assert.Equal("Event", tasks[1].GetProperty("deadlineKind").GetString());

        // The same number and year again: refused, nothing written.
        var again = await run.Client.PostAsJsonAsync("/api/plans", doc);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Single((await JsonAsync(await run.Client.GetAsync("/api/plans?year=2025"))).EnumerateArray());

        var json = JsonSerializer.Serialize(doc with { number = "13/KH-UBND" });
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var imported = await JsonAsync(await run.Client.PostAsync("/api/plans/import", new MultipartFormDataContent { { file, "file", "kh.json" } }), HttpStatusCode.Created);
        Assert.Equal("13/KH-UBND", imported.GetProperty("number").GetString());
        Assert.Equal(2, (await JsonAsync(await run.Client.GetAsync("/api/plans?year=2025&issuer=SNV"))).GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await run.Client.GetAsync("/api/plans?kind=nonsense")).StatusCode);
    }

    [Fact]
    public async Task Over_HTTP_a_draft_gains_and_loses_a_task_and_an_issue_with_past_deadlines_needs_confirming()
    {
        await using var run = await StartAsync();
        var plan = await DraftAsync(run.Client);
        var id = plan.GetProperty("id").GetInt32();

        var added = await JsonAsync(await run.Client.PostAsJsonAsync($"/api/plans/{id}/tasks", new
        {
            number = "90", description = "Tập huấn rà soát văn bản", lead = new[] { "Sở Tư pháp" }, cooperating = Array.Empty<string>(),
            deadline = "Quý II/2024", output = (string?)null, criteria = new[] { "par-province:2.4.1" }, concurrency = Guid.Empty,
        }));
        Assert.Equal("STP", added.GetProperty("lead")[0].GetProperty("unitCode").GetString());
        var taskId = added.GetProperty("id").GetInt32();
        var removed = await JsonAsync(await run.Client.DeleteAsync($"/api/plans/{id}/tasks/{taskId}?concurrency={added.GetProperty("concurrency").GetGuid()}"));
        Assert.DoesNotContain(removed.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("tasks").EnumerateArray()),
            t => t.GetProperty("id").GetInt32() == taskId);

        var token = removed.GetProperty("concurrency").GetGuid();
        var refused = await JsonAsync(await run.Client.PostAsJsonAsync($"/api/plans/{id}/issue", new { number = "91/KH-UBND", issuedOn = "2025-02-01", concurrency = token }),
            HttpStatusCode.BadRequest);
        Assert.Contains("có hạn trước ngày ban hành 01/02/2025", refused.GetProperty("errors").GetProperty("deadlines")[0].GetString());
        var issued = await JsonAsync(await run.Client.PostAsJsonAsync($"/api/plans/{id}/issue",
            new { number = "91/KH-UBND", issuedOn = "2025-02-01", concurrency = token, confirmPastDeadlines = true }));
        Assert.Equal("Issued", issued.GetProperty("status").GetString());
    }
}

public sealed class PlansApiSqliteTests() : PlansApiTests(Provider.Sqlite);

public sealed class PlansApiPostgresTests() : PlansApiTests(Provider.Postgres);
