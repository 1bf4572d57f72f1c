using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace ChiSo.Tests.Tasks;

/// <summary>Tasks, progress, accountability, notifications and the iCal feed through real HTTP, over a seeded
/// database of the test's own. Task 1 of 164/KH-UBND (2024) is led by Sở Nội vụ, due 31/05/2024, with
/// "Các sở, ban, ngành" (so Sở Tư pháp) and "UBND cấp huyện" cooperating.</summary>
public abstract class TasksApiTests(Provider provider)
{
    sealed class Running(TestDatabase database, ChiSoApp app) : IAsyncDisposable
    {
        public TestDatabase Database { get; } = database;
        public HttpClient Client { get; } = app.CreateClient();
        public ChiSoApp App => app;

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

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        await using var stream = await response.Content.ReadAsStreamAsync();
        return (await JsonDocument.ParseAsync(stream)).RootElement.Clone();
    }

    static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await JsonAsync(response);
    }

    static async Task<int> TaskIdAsync(TestDatabase database, string number = "1")
    {
        await using var db = database.NewContext();
        return await db.PlanTasks.Where(t => t.Plan!.Number == "164/KH-UBND" && t.Plan.Year == 2024 && t.Number == number).Select(t => t.Id).SingleAsync();
    }

    static MultipartFormDataContent Form(string unit, string status, int? percent, string date, string? text = null,
        (string Name, byte[] Content)? file = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(unit), "unit" }, { new StringContent(status), "status" }, { new StringContent(date), "date" } };
        if (percent is { } p) form.Add(new StringContent(p.ToString(System.Globalization.CultureInfo.InvariantCulture)), "percent");
        if (text is not null) form.Add(new StringContent(text), "text");
        if (file is { } f)
        {
            var content = new ByteArrayContent(f.Content);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "files", f.Name);
        }
        return form;
    }

    static readonly byte[] Pdf = "%PDF-1.4\n% minh chứng\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray();

    [Fact]
    public async Task Task_list_filters_by_plan_year_unit_criterion_and_overdue()
    {
        await using var run = await StartAsync();

        var newest = await GetJsonAsync(run.Client, "/api/tasks?plan=164/KH-UBND&asOf=2024-07-01");
        var older = await GetJsonAsync(run.Client, "/api/tasks?plan=164/KH-UBND&year=2022&asOf=2024-07-01");
        var overdue = await GetJsonAsync(run.Client, "/api/tasks?plan=164/KH-UBND&asOf=2024-07-01&overdue=true");
        var mine = await GetJsonAsync(run.Client, "/api/tasks?plan=164/KH-UBND&unit=STP&asOf=2024-07-01");
        var byCriterion = await GetJsonAsync(run.Client, "/api/tasks?criterion=par-province:8.1&asOf=2024-07-01");

        Assert.Equal(73, newest.GetArrayLength());
        Assert.All(newest.EnumerateArray(), r => Assert.Equal(2024, r.GetProperty("planYear").GetInt32()));
        Assert.Equal(18, older.GetArrayLength());
        Assert.InRange(overdue.GetArrayLength(), 1, 72);
        Assert.All(overdue.EnumerateArray(), r => Assert.True(r.GetProperty("standing").GetProperty("overdue").GetBoolean()));
        var first = newest.EnumerateArray().First(r => r.GetProperty("number").GetString() == "1");
        Assert.Equal("2024-05-31", first.GetProperty("standing").GetProperty("due").GetString());
        Assert.Equal(31, first.GetProperty("standing").GetProperty("daysLate").GetInt32());
        Assert.Contains(mine.EnumerateArray(), r => r.GetProperty("number").GetString() == "1" && r.GetProperty("role").GetString() == "Cooperating");
        Assert.Contains(mine.EnumerateArray(), r => r.GetProperty("number").GetString() == "2" && r.GetProperty("role").GetString() == "Lead");
        Assert.True(byCriterion.GetArrayLength() > 0);
        Assert.All(byCriterion.EnumerateArray(), r => Assert.Contains(r.GetProperty("criteria").EnumerateArray(), c => c.GetString()!.StartsWith("par-province:8.1")));

        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/api/tasks?plan=999/KH-UBND")).StatusCode);
        var bad = await run.Client.GetAsync("/api/tasks?asOf=30-06-2024");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("yyyy-mm-dd", (await JsonAsync(bad)).GetProperty("errors").GetProperty("asOf")[0].GetString());
    }

    [Fact]
    public async Task Lead_and_cooperating_agencies_file_progress_with_evidence_and_the_lead_decides_the_status()
    {
        await using var run = await StartAsync();
        var id = await TaskIdAsync(run.Database);

        var coop = await run.Client.PostAsync($"/api/tasks/{id}/progress", Form("STP", "Done", 100, "2024-05-20", "Đã góp ý dự thảo"));
        Assert.Equal(HttpStatusCode.Created, coop.StatusCode);
        Assert.Equal("Cooperating", (await JsonAsync(coop)).GetProperty("role").GetString());
        var stillOpen = await GetJsonAsync(run.Client, $"/api/tasks/{id}?asOf=2024-05-25");
        Assert.Equal("NotStarted", stillOpen.GetProperty("task").GetProperty("standing").GetProperty("status").GetString());

        var lead = await run.Client.PostAsync($"/api/tasks/{id}/progress",
            Form("snv", "Done", null, "2024-06-03", "Đã tổ chức hội nghị", ("bien-ban-hoi-nghi.pdf", Pdf)));
        Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
        var entry = await JsonAsync(lead);
        Assert.Equal("Lead", entry.GetProperty("role").GetString());
        Assert.Equal(100, entry.GetProperty("percent").GetInt32());
        var evidence = entry.GetProperty("evidence")[0];
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Pdf)), evidence.GetProperty("sha256").GetString());
        Assert.Equal("application/pdf", evidence.GetProperty("contentType").GetString());

        var detail = await GetJsonAsync(run.Client, $"/api/tasks/{id}?asOf=2024-06-10");
        var standing = detail.GetProperty("task").GetProperty("standing");
        Assert.Equal("Done", standing.GetProperty("status").GetString());
        Assert.True(standing.GetProperty("doneLate").GetBoolean());
        Assert.Equal(3, standing.GetProperty("daysLate").GetInt32());
        Assert.Equal(2, detail.GetProperty("history").GetArrayLength());
        Assert.Contains(detail.GetProperty("agencies").EnumerateArray(), a => a.GetProperty("unit").GetString() == "STP"
            && a.GetProperty("latest").GetProperty("text").GetString() == "Đã góp ý dự thảo");

        var file = await run.Client.GetAsync($"/api/tasks/{id}/evidence/{evidence.GetProperty("id").GetInt32()}");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(Pdf, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync($"/api/tasks/{id + 1}/evidence/{evidence.GetProperty("id").GetInt32()}")).StatusCode);

        // JSON works too.
        var json = await run.Client.PostAsJsonAsync($"/api/tasks/{id}/progress", new { unit = "Q-BADINH", status = "inProgress", percent = 30, date = "2024-05-15" });
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
    }

    [Fact]
    public async Task Refused_filings_are_problem_json_in_Vietnamese_and_write_nothing()
    {
        await using var run = await StartAsync();
        var id = await TaskIdAsync(run.Database);
        int files;
        await using (var db = run.Database.NewContext()) files = await db.Files.CountAsync();

        var stranger = await run.Client.PostAsync($"/api/tasks/{id}/progress", Form("NHCSXH", "InProgress", 10, "2024-05-20"));
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Equal("application/problem+json", stranger.Content.Headers.ContentType?.MediaType);
        Assert.Contains("không chủ trì hay phối hợp", (await JsonAsync(stranger)).GetProperty("detail").GetString());

        async Task<JsonElement> BadAsync(HttpContent content)
        {
            var r = await run.Client.PostAsync($"/api/tasks/{id}/progress", content);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            return (await JsonAsync(r)).GetProperty("errors");
        }
        Assert.Contains("từ 0 đến 100", (await BadAsync(Form("SNV", "InProgress", 150, "2024-05-20"))).GetProperty("percent")[0].GetString());
        Assert.True((await BadAsync(Form("SNV", "finished", 50, "2024-05-20"))).TryGetProperty("status", out _));
        Assert.True((await BadAsync(Form("XYZ", "Done", 100, "2024-05-20"))).TryGetProperty("unit", out _));
        Assert.True((await BadAsync(Form("SNV", "Done", 100, "2999-01-01"))).TryGetProperty("date", out _));
        Assert.Contains("chỉ nhận PDF", (await BadAsync(Form("SNV", "Done", 100, "2024-05-20", file: ("virus.exe", "MZ"u8.ToArray()))))
            .GetProperty("files")[0].GetString());
        Assert.Contains("không phải tệp PDF", (await BadAsync(Form("SNV", "Done", 100, "2024-05-20", file: ("gia.pdf", "MZ not a pdf"u8.ToArray()))))
            .GetProperty("files")[0].GetString());
        Assert.True((await BadAsync(Form("SNV", "Blocked", 20, "2024-05-20"))).TryGetProperty("text", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.PostAsync("/api/tasks/999999/progress", Form("SNV", "Done", 100, "2024-05-20"))).StatusCode);

        await using (var db = run.Database.NewContext())
        {
            Assert.Equal(0, await db.ProgressUpdates.CountAsync(p => p.TaskId == id));
            Assert.Equal(files, await db.Files.CountAsync());
        }
    }

    [Fact]
    public async Task Accountability_changes_with_the_as_of_date_and_exports_to_Excel()
    {
        await using var run = await StartAsync();
        var id = await TaskIdAsync(run.Database);

        static JsonElement Snv(JsonElement report) => report.GetProperty("agencies").EnumerateArray().Single(a => a.GetProperty("unit").GetString() == "SNV");
        var before = await GetJsonAsync(run.Client, "/api/accountability?asOf=2024-05-01");
        var after = await GetJsonAsync(run.Client, "/api/accountability?asOf=2024-07-01");

        Assert.True(Snv(after).GetProperty("overdue").GetInt32() > Snv(before).GetProperty("overdue").GetInt32());
        Assert.Equal(Snv(before).GetProperty("lead").GetInt32(), Snv(after).GetProperty("lead").GetInt32());
        Assert.True(Snv(after).GetProperty("cooperating").GetInt32() > 0);
        var head = after.GetProperty("heads").EnumerateArray().First(h => h.GetProperty("taskId").GetInt32() == id && h.GetProperty("unit").GetString() == "SNV");
        Assert.Equal("Thủ trưởng Sở Nội vụ", head.GetProperty("head").GetString());
        Assert.Equal(31, head.GetProperty("daysLate").GetInt32());
        Assert.Equal("2024-05-31", head.GetProperty("due").GetString());

        Assert.Equal(HttpStatusCode.Created, (await run.Client.PostAsync($"/api/tasks/{id}/progress", Form("SNV", "Done", 100, "2024-06-05"))).StatusCode);
        var done = await GetJsonAsync(run.Client, "/api/accountability?asOf=2024-07-01");
        Assert.Equal(Snv(after).GetProperty("doneLate").GetInt32() + 1, Snv(done).GetProperty("doneLate").GetInt32());
        Assert.Equal(Snv(after).GetProperty("overdue").GetInt32() - 1, Snv(done).GetProperty("overdue").GetInt32());
        Assert.Contains(done.GetProperty("heads").EnumerateArray(), h => h.GetProperty("taskId").GetInt32() == id && h.GetProperty("reason").GetString() == "Hoàn thành muộn 5 ngày");

        var xlsx = await run.Client.GetAsync("/api/accountability.xlsx?asOf=2024-07-01");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal(["Theo đơn vị", "Trách nhiệm thủ trưởng"], MiniExcel.GetSheetNames(stream));
        var rows = MiniExcel.Query(stream, useHeaderRow: true, sheetName: "Trách nhiệm thủ trưởng").Cast<IDictionary<string, object>>().ToList();
        Assert.Contains(rows, r => (string)r["Người chịu trách nhiệm"] == "Thủ trưởng Sở Nội vụ");
    }

    [Fact]
    public async Task Notifications_remind_7_days_ahead_and_list_overdue_tasks()
    {
        await using var run = await StartAsync();
        var id = await TaskIdAsync(run.Database);

        var week = await GetJsonAsync(run.Client, "/api/notifications?unit=SNV&asOf=2024-05-24");
        var coop = await GetJsonAsync(run.Client, "/api/notifications?unit=STP&asOf=2024-05-28");
        var late = await GetJsonAsync(run.Client, "/api/notifications?unit=SNV&asOf=2024-06-02");

        Assert.Contains(week.EnumerateArray(), n => n.GetProperty("taskId").GetInt32() == id && n.GetProperty("kind").GetString() == "Reminder" && n.GetProperty("days").GetInt32() == 7);
        Assert.Contains(coop.EnumerateArray(), n => n.GetProperty("taskId").GetInt32() == id && n.GetProperty("role").GetString() == "Cooperating" && n.GetProperty("days").GetInt32() == 3);
        Assert.Contains(late.EnumerateArray(), n => n.GetProperty("taskId").GetInt32() == id && n.GetProperty("kind").GetString() == "Overdue" && n.GetProperty("days").GetInt32() == 2);
        Assert.DoesNotContain(late.EnumerateArray(), n => n.GetProperty("taskId").GetInt32() == id && n.GetProperty("kind").GetString() == "Reminder");
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/api/notifications?unit=XYZ")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await run.Client.GetAsync("/api/notifications")).StatusCode);
    }

    [Fact]
    public async Task Agency_calendar_is_an_iCal_feed_of_its_deadlines()
    {
        await using var run = await StartAsync();

        var response = await run.Client.GetAsync("/api/agencies/SNV/calendar.ics");
        var ics = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics);
        Assert.EndsWith("END:VCALENDAR\r\n", ics);
        var unfolded = ics.Replace("\r\n ", "");
        var events = unfolded.Split("BEGIN:VEVENT").Length - 1;
        Assert.True(events > 20, $"{events} events");
        Assert.Equal(events, unfolded.Split("END:VEVENT").Length - 1);
        Assert.Contains("DTSTART;VALUE=DATE:20240531", unfolded);
        Assert.Contains("X-WR-CALNAME:Hạn nhiệm vụ CCHC — Sở Nội vụ", unfolded);
        Assert.All(ics.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        Assert.DoesNotContain("\n", ics.Replace("\r\n", ""));
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/api/agencies/XYZ/calendar.ics")).StatusCode);
    }

    [Fact]
    public async Task A_calendar_app_subscribes_without_signing_in_through_the_feed_address_key_of_that_agency_only()
    {
        await using var run = await StartAsync();
        using var app = run.App.AnonymousClient();
        var protection = run.App.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>();
        var key = Uri.EscapeDataString(ChiSo.Features.Plans.TaskBoardCalendar.FeedKey(protection, "SNV"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/api/agencies/SNV/calendar.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/api/agencies/SNV/calendar.ics?k=khong-phai-khoa")).StatusCode);
        // One agency's address does not open another's calendar.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync($"/api/agencies/STP/calendar.ics?k={key}")).StatusCode);
        var response = await app.GetAsync($"/api/agencies/snv/calendar.ics?k={key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("X-WR-CALNAME:Hạn nhiệm vụ CCHC — Sở Nội vụ", (await response.Content.ReadAsStringAsync()).Replace("\r\n ", ""));
    }

    [Fact]
    public async Task Cli_tasks_prints_the_plan_tasks_as_json_and_picks_the_newest_year_unless_told()
    {
        await using var run = await StartAsync();

        var newest = await Cli.RunAsync(run.Database, "tasks", "--plan", "164/KH-UBND", "--as-of", "2024-07-01", "--json");
        var older = await Cli.RunAsync(run.Database, "tasks", "--plan", "164/KH-UBND", "--year", "2022", "--as-of", "2022-07-15", "--json");

        Assert.Equal(73, newest.GetArrayLength());
        Assert.Equal(18, older.GetArrayLength());
        foreach (var t in newest.EnumerateArray().Concat(older.EnumerateArray()))
        {
            Assert.Equal(JsonValueKind.String, t.GetProperty("number").ValueKind);
            Assert.Equal(JsonValueKind.String, t.GetProperty("description").ValueKind);
            Assert.Equal(JsonValueKind.Array, t.GetProperty("lead").ValueKind);
            Assert.Equal(JsonValueKind.Array, t.GetProperty("cooperating").ValueKind);
            Assert.True(t.TryGetProperty("deadlineText", out _));
            var due = t.GetProperty("due");
            Assert.True(due.ValueKind == JsonValueKind.Null || System.Text.RegularExpressions.Regex.IsMatch(due.GetString()!, @"^\d{4}-\d{2}-\d{2}$"));
            Assert.Contains(t.GetProperty("status").GetString(), new[] { "notStarted", "inProgress", "done", "blocked" });
            Assert.True(t.GetProperty("overdue").ValueKind is JsonValueKind.True or JsonValueKind.False);
        }
        var first = newest.EnumerateArray().First(t => t.GetProperty("number").GetString() == "1");
        Assert.Equal(["Sở Nội vụ"], first.GetProperty("lead").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("Tháng 5/2024", first.GetProperty("deadlineText").GetString());
        Assert.Equal("2024-05-31", first.GetProperty("due").GetString());
        Assert.True(first.GetProperty("overdue").GetBoolean());
        var june2022 = older.EnumerateArray().First(t => t.GetProperty("number").GetString() == "1");
        Assert.Equal("2022-06-30", june2022.GetProperty("due").GetString());
        Assert.True(june2022.GetProperty("overdue").GetBoolean());
    }
}

public sealed class TasksApiSqliteTests() : TasksApiTests(Provider.Sqlite);

public sealed class TasksApiPostgresTests() : TasksApiTests(Provider.Postgres);
