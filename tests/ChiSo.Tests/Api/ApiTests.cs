using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Api;

/// <summary>The HTTP API and the first page, through the real app over a seeded database of the test's own.</summary>
public abstract class ApiTests(Provider provider)
{
    const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        await using var stream = await response.Content.ReadAsStreamAsync();
        return (await JsonDocument.ParseAsync(stream)).RootElement;
    }

    static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await JsonAsync(response);
    }

    static IEnumerable<JsonElement> Tree(JsonElement nodes) =>
        nodes.EnumerateArray().SelectMany(n => Tree(n.GetProperty("children")).Prepend(n));

    /// <summary>The concurrency token of Hà Nội's PAR INDEX 2023, as a client would have read it with the result.</summary>
    static async Task<Guid> ConcurrencyAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        return await db.Results.Where(r => r.Year == 2023 && r.Unit!.Code == "HN" && r.Version!.Framework!.Key == "par-province")
            .Select(r => r.Concurrency).SingleAsync();
    }

    [Fact]
    public async Task Results_of_a_year_are_the_criteria_tree_with_headline_and_inconsistencies()
    {
        await using var run = await StartAsync();

        var root = await GetJsonAsync(run.Client, "/api/results/par-province/2023");

        Assert.Equal("par-province", root.GetProperty("framework").GetString());
        Assert.Equal(2023, root.GetProperty("year").GetInt32());
        Assert.Equal("HN", root.GetProperty("unit").GetString());
        Assert.Equal(100m, root.GetProperty("max").GetDecimal());
        Assert.Equal(91.43m, root.GetProperty("result").GetDecimal());
        Assert.Equal(">", root.GetProperty("target").GetProperty("comparator").GetString());
        Assert.Equal(92m, root.GetProperty("target").GetProperty("value").GetDecimal());
        Assert.Contains(root.GetProperty("inconsistencies").EnumerateArray(), i =>
            i.GetProperty("code").GetString() == "5.2" && i.GetProperty("field").GetString() == "max"
            && i.GetProperty("stated").GetDecimal() == 2.5m && i.GetProperty("summed").GetDecimal() == 2.75m);
        var nodes = Tree(root.GetProperty("criteria")).ToList();
        Assert.All(nodes, n =>
        {
            foreach (var property in new[] { "code", "name", "max", "result", "target", "previous", "lead", "children" })
                Assert.True(n.TryGetProperty(property, out _), $"{n.GetProperty("code")} has no {property}");
        });
        var n81 = nodes.Single(n => n.GetProperty("code").GetString() == "8.1");
        Assert.Equal((10m, 8.37m, 8.5m), (n81.GetProperty("max").GetDecimal(), n81.GetProperty("result").GetDecimal(), n81.GetProperty("target").GetDecimal()));
        Assert.Equal(["Sở Nội vụ"], n81.GetProperty("lead").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(JsonValueKind.Null, n81.GetProperty("previous").ValueKind);
    }

    [Fact]
    public async Task Gaps_of_a_year_list_points_lost_by_lead_and_the_leaves()
    {
        await using var run = await StartAsync();

        var root = await GetJsonAsync(run.Client, "/api/gaps/par-province/2023");

        Assert.Equal(8.57m, root.GetProperty("pointsLost").GetDecimal());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("projectedIfTargetsMet").ValueKind);
        var byLead = root.GetProperty("byLead").EnumerateArray().ToList();
        Assert.Contains(byLead, l => l.GetProperty("lead").GetString() == "Sở Nội vụ" && l.GetProperty("pointsLost").GetDecimal() > 0);
        var leaves = root.GetProperty("criteria").EnumerateArray().ToList();
        Assert.Contains(leaves, c => c.GetProperty("code").GetString() == "3.2.1" && c.GetProperty("pointsLost").GetDecimal() == 0.5m);
        Assert.DoesNotContain(leaves, c => c.GetProperty("code").GetString() is "3" or "3.2");
        Assert.All(leaves, c => Assert.False(c.TryGetProperty("children", out _)));
    }

    [Fact]
    public async Task A_year_without_a_framework_version_is_a_404_problem()
    {
        await using var run = await StartAsync();

        var response = await run.Client.GetAsync("/api/results/par-province/1999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await JsonAsync(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Units_can_be_listed_as_of_a_day_and_show_their_history()
    {
        await using var run = await StartAsync();

        var after = (await GetJsonAsync(run.Client, "/api/units?asOf=2025-08-01")).EnumerateArray().Select(u => u.GetProperty("code").GetString()).ToList();
        var before = (await GetJsonAsync(run.Client, "/api/units?asOf=2024-01-01")).EnumerateArray().Select(u => u.GetProperty("code").GetString()).ToList();
        var labour = await GetJsonAsync(run.Client, "/api/units/SLDTBXH");

        Assert.DoesNotContain("Q-TAYHO", after);
        Assert.DoesNotContain("SLDTBXH", after);
        Assert.Contains("SNV", after);
        Assert.Contains("Q-TAYHO", before);
        Assert.Contains("SLDTBXH", before);
        Assert.DoesNotContain("SNNMT", before);
        Assert.Equal("2025-02-28", labour.GetProperty("validTo").GetString());
        var merge = Assert.Single(labour.GetProperty("history").EnumerateArray());
        Assert.Equal("merge", merge.GetProperty("kind").GetString());
        Assert.Equal("2025-03-01", merge.GetProperty("date").GetString());
        Assert.Equal(["SLDTBXH", "SNV"], merge.GetProperty("predecessors").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(["SNV"], merge.GetProperty("successors").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Papi_history_has_every_year_with_its_rank()
    {
        await using var run = await StartAsync();

        var history = (await GetJsonAsync(run.Client, "/api/results/papi/history")).EnumerateArray().ToList();

        Assert.Equal([2021, 2022, 2023, 2024], history.Select(h => h.GetProperty("year").GetInt32()));
        Assert.Equal([44.45m, 43.9m, 43.9603m, 43.7m], history.Select(h => h.GetProperty("total").GetDecimal()));
        Assert.Equal([9, (int?)null, 15, 29], history.Select(h => h.GetProperty("rank") is { ValueKind: JsonValueKind.Number } r ? r.GetInt32() : (int?)null));
        var target2024 = history[3].GetProperty("target");
        Assert.Equal(46m, target2024.GetProperty("value").GetDecimal());
        Assert.False(target2024.GetProperty("met").GetBoolean());
    }

    [Fact]
    public async Task Changing_a_score_is_audited_and_a_stale_copy_gets_a_conflict()
    {
        await using var run = await StartAsync();
        var token = await ConcurrencyAsync(run.Database);

        var first = await run.Client.PutAsJsonAsync("/api/results/par-province/2023/scores/1.1",
            new { value = 1.5m, reason = "Bộ Nội vụ đính chính", concurrency = token });
        var stale = await run.Client.PutAsJsonAsync("/api/results/par-province/2023/scores/1.1",
            new { value = 1.2m, reason = "Sửa từ bản cũ", concurrency = token });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var updated = Tree((await JsonAsync(first)).GetProperty("criteria")).Single(n => n.GetProperty("code").GetString() == "1.1");
        Assert.Equal(1.5m, updated.GetProperty("result").GetDecimal());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var conflict = await JsonAsync(stale);
        Assert.Equal(409, conflict.GetProperty("status").GetInt32());
        Assert.Equal("Kết quả đã được người khác sửa", conflict.GetProperty("title").GetString());

        await using var db = run.Database.NewContext();
        var entry = Assert.Single(await db.Audit.Where(a => a.Subject == "result:par-province:2023:HN" && a.Field == "1.1" && a.Reason == "Bộ Nội vụ đính chính").ToListAsync());
        Assert.Equal(1.47m, decimal.Parse(entry.OldValue!, CultureInfo.InvariantCulture));
        Assert.Equal(1.5m, decimal.Parse(entry.NewValue!, CultureInfo.InvariantCulture));
        Assert.Equal("Bộ Nội vụ đính chính", entry.Reason);
        Assert.False(string.IsNullOrWhiteSpace(entry.User));
        Assert.NotEqual(token, await ConcurrencyAsync(run.Database));
        Assert.Equal(1.5m, (await GetJsonAsync(run.Client, "/api/results/par-province/2023")).GetProperty("criteria")
            .EnumerateArray().First().GetProperty("children").EnumerateArray().First().GetProperty("result").GetDecimal());
    }

    [Fact]
    public async Task A_score_above_max_is_a_validation_problem_in_vietnamese()
    {
        await using var run = await StartAsync();
        var token = await ConcurrencyAsync(run.Database);

        var response = await run.Client.PutAsJsonAsync("/api/results/par-province/2023/scores/1.1",
            new { value = 2m, reason = "Thử", concurrency = token });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        Assert.Equal("Điểm 2 vượt điểm tối đa 1,5.", errors.GetProperty("value")[0].GetString());
        Assert.Equal(token, await ConcurrencyAsync(run.Database));
        await using var db = run.Database.NewContext();
        Assert.False(await db.Audit.AnyAsync(a => a.Reason == "Thử"));
    }

    [Fact]
    public async Task A_score_change_without_a_reason_is_refused()
    {
        await using var run = await StartAsync();
        var token = await ConcurrencyAsync(run.Database);

        var missing = await run.Client.PutAsJsonAsync("/api/results/par-province/2023/scores/1.1", new { value = 1.5m, concurrency = token });
        var blank = await run.Client.PutAsJsonAsync("/api/results/par-province/2023/scores/1.1", new { value = 1.5m, reason = "  ", concurrency = token });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Equal("Cần ghi lý do thay đổi điểm.", (await JsonAsync(missing)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal("Cần ghi lý do thay đổi điểm.", (await JsonAsync(blank)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(token, await ConcurrencyAsync(run.Database));
    }

    [Fact]
    public async Task A_year_exports_as_an_xlsx_file()
    {
        await using var run = await StartAsync();

        var response = await run.Client.GetAsync("/api/frameworks/par-province/export.xlsx?year=2023");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Xlsx, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("par-province-2023.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 1000);
        Assert.Equal("PK"u8.ToArray(), bytes[..2]);
        Assert.Equal(91.43m, Workbook.Number(Workbook.Open(bytes).Rows[0]["Kết quả năm 2023"]));
    }

    [Fact]
    public async Task A_broken_workbook_is_refused_with_422_and_its_problems()
    {
        await using var run = await StartAsync();
        var book = Workbook.Open(await run.Client.GetByteArrayAsync("/api/frameworks/par-province/export.xlsx?year=2023"));
        book["2.4.1"]["Kết quả năm 2023"] = 5;

        var response = await run.Client.PostAsync("/api/frameworks/import.xlsx", Upload(book.Save()));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = Assert.Single((await JsonAsync(response)).GetProperty("problems").EnumerateArray());
        Assert.Equal(book.RowOf("2.4.1"), problem.GetProperty("row").GetInt32());
        Assert.Contains("vượt điểm tối đa", problem.GetProperty("message").GetString());
        var after = Tree((await GetJsonAsync(run.Client, "/api/results/par-province/2023")).GetProperty("criteria"));
        Assert.Equal(0.81m, after.Single(n => n.GetProperty("code").GetString() == "2.4.1").GetProperty("result").GetDecimal());
    }

    [Fact]
    public async Task The_exported_workbook_imports_back_unchanged_without_audit_entries()
    {
        await using var run = await StartAsync();
        var before = await ValuesAsync(run.Client, "/api/results/par-province/2023");
        int audited;
        await using (var db = run.Database.NewContext()) audited = await db.Audit.CountAsync();
        var xlsx = await run.Client.GetByteArrayAsync("/api/frameworks/par-province/export.xlsx?year=2023");

        var response = await run.Client.PostAsync("/api/frameworks/import.xlsx", Upload(new MemoryStream(xlsx)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await JsonAsync(response);
        Assert.Empty(report.GetProperty("problems").EnumerateArray());
        Assert.Equal(100, report.GetProperty("scores").GetInt32());
        Assert.Equal(before, await ValuesAsync(run.Client, "/api/results/par-province/2023"));
        await using var fresh = run.Database.NewContext();
        Assert.Empty(await fresh.Audit.OrderBy(a => a.Id).Skip(audited).Select(a => a.Subject + " " + a.Field + ": " + a.OldValue + " → " + a.NewValue).ToListAsync());
    }

    /// <summary>A result as JSON without its concurrency token, which every import renews.</summary>
    static async Task<string> ValuesAsync(HttpClient client, string url)
    {
        var json = JsonNode.Parse(await client.GetStringAsync(url))!.AsObject();
        json.Remove("concurrency");
        return json.ToJsonString();
    }

    static MultipartFormDataContent Upload(Stream xlsx)
    {
        var file = new StreamContent(xlsx);
        file.Headers.ContentType = new MediaTypeHeaderValue(Xlsx);
        return new MultipartFormDataContent { { file, "file", "phu-luc.xlsx" } };
    }

    [Fact]
    public async Task The_openapi_document_lists_the_results_endpoint()
    {
        await using var run = await StartAsync();

        var paths = (await GetJsonAsync(run.Client, "/openapi/v1.json")).GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/results/{key}/{year}", out var results));
        Assert.True(results.TryGetProperty("get", out _));
        Assert.True(paths.TryGetProperty("/api/gaps/{key}/{year}", out _));
    }

    [Fact]
    public async Task The_first_page_shows_the_par_index_in_vietnamese_then_in_english()
    {
        await using var run = await StartAsync();

        var vi = await run.Client.GetAsync("/overview");
        var viHtml = await vi.Content.ReadAsStringAsync();
        var en = await run.Client.GetStringAsync("/overview?culture=en-US");

        Assert.Equal(HttpStatusCode.OK, vi.StatusCode);
        Assert.Equal("text/html", vi.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Tổng quan chỉ số", viHtml);
        Assert.Contains("91,43", viHtml);
        // Vietnamese letters as UTF-8, not as entities (ổ would be &#x1ED5;, đ &#x111;, ô &#xF4;).
        Assert.DoesNotMatch(@"&#x(1E[0-9A-F]{2}|1[0-9A-F]{2}|[C-F][0-9A-F]);", viHtml);
        Assert.Contains("Index overview", en);
        Assert.Contains("91.43", en);
        Assert.DoesNotContain("91,43", en);
    }
}

public sealed class ApiSqliteTests() : ApiTests(Provider.Sqlite);

public sealed class ApiPostgresTests() : ApiTests(Provider.Postgres);
