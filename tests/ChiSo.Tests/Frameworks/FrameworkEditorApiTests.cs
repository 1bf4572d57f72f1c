using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Frameworks;

/// <summary>The framework editor's API through the real app: create a framework and a version (empty or copied), add,
/// change and delete criteria, with the import's rules, the audit, and a 409 for a stale or locked edit.</summary>
public abstract class FrameworkEditorApiTests(Provider provider)
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

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    static IEnumerable<JsonElement> Tree(JsonElement version) => Walk(version.GetProperty("criteria"));
    static IEnumerable<JsonElement> Walk(JsonElement nodes) => nodes.EnumerateArray().SelectMany(n => Walk(n.GetProperty("children")).Prepend(n));
    static JsonElement Node(JsonElement version, string code) => Tree(version).Single(n => n.GetProperty("code").GetString() == code);
    static Guid Token(JsonElement version) => version.GetProperty("concurrency").GetGuid();

    static object Criterion(string code, decimal? max, string name = "Tiêu chí thử", string answer = "points", decimal? step = null,
        object[]? levels = null, string kind = "standard", string[]? appliesTo = null, string[]? previousCodes = null, string? rule = null) => new
    {
        code, name, max, method = "appraisal", kind, answer, step, levels = levels ?? [], appliesTo = appliesTo ?? [],
        allowNotApplicable = false, rule, evidenceRequired = true, previousCodes = previousCodes ?? [], lead = Array.Empty<object>(),
    };

    /// <summary>A new framework with an empty version "2026" (max 10), returned as the editor reads it.</summary>
    static async Task<(string Key, JsonElement Version)> NewFrameworkAsync(HttpClient client)
    {
        var key = FrameworkBuilder.NewKey();
        var created = await JsonAsync(await client.PostAsJsonAsync("/api/frameworks", new { key, name = "Bộ chỉ số thử " + key }), HttpStatusCode.Created);
        Assert.Equal(key, created.GetProperty("key").GetString());
        var version = await JsonAsync(await client.PostAsJsonAsync($"/api/frameworks/{key}/versions",
            new { label = "2026", name = "Thử", validFromYear = 2026, max = 10 }), HttpStatusCode.Created);
        return (key, version);
    }

    static async Task<JsonElement> AddAsync(HttpClient client, string key, JsonElement version, string? parent, object criterion, int? position = null) =>
        await JsonAsync(await client.PostAsJsonAsync($"/api/frameworks/{key}/versions/2026/criteria",
            new { concurrency = Token(version), parent, position, criterion }), HttpStatusCode.Created);

    [Fact]
    public async Task A_framework_is_built_by_hand_with_warnings_where_children_do_not_add_up()
    {
        await using var run = await StartAsync();
        var (key, version) = await NewFrameworkAsync(run.Client);
        Assert.Empty(version.GetProperty("criteria").EnumerateArray());

        version = await AddAsync(run.Client, key, version, null, Criterion("1", 10, "Công tác chỉ đạo, điều hành CCHC"));
        version = await AddAsync(run.Client, key, version, "1", Criterion("1.2", 4, answer: "yesno"));
        version = await AddAsync(run.Client, key, version, "1", Criterion("1.1", 4, answer: "levels",
            levels: [new { label = "Đầy đủ", points = 4 }, new { label = "Một phần", points = 2 }, new { label = "Không", points = 0 }]), position: 0);
        version = await AddAsync(run.Client, key, version, null, Criterion("9", 3, "Điểm thưởng: sáng kiến, giải pháp CCHC", kind: "bonus", step: 0.5m));

        Assert.Equal(["1", "1.1", "1.2", "9"], Tree(version).Select(n => n.GetProperty("code").GetString()));
        var levels = Node(version, "1.1").GetProperty("levels").EnumerateArray().Select(l => (l.GetProperty("label").GetString(), l.GetProperty("points").GetDecimal()));
        Assert.Equal([("Đầy đủ", 4m), ("Một phần", 2m), ("Không", 0m)], levels);
        // 1.1 + 1.2 = 8 of 10; the bonus stays out of the total, which holds (10 of 10).
        var warning = Assert.Single(version.GetProperty("warnings").EnumerateArray());
        Assert.Equal(("1", 10m, 8m), (warning.GetProperty("code").GetString(), warning.GetProperty("max").GetDecimal(), warning.GetProperty("children").GetDecimal()));

        var read = await JsonAsync(await run.Client.GetAsync($"/api/frameworks/{key}/versions/2026"), HttpStatusCode.OK);
        Assert.Equal(version.GetRawText(), read.GetRawText());
        await using var db = run.Database.NewContext();
        Assert.Equal([0, 1, 2, 3], await db.Criteria.Where(c => db.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Framework!.Key == key))
            .OrderBy(c => c.Code).Select(c => c.Order).ToListAsync());
    }

    [Fact]
    public async Task A_version_copied_from_the_one_before_continues_every_code()
    {
        await using var run = await StartAsync();

        var copy = await JsonAsync(await run.Client.PostAsJsonAsync("/api/frameworks/city-par-departments/versions",
            new { label = "2026", validFromYear = 2026, max = 100, copyFrom = "2025-5666" }), HttpStatusCode.Created);
        var older = await JsonAsync(await run.Client.PostAsJsonAsync("/api/frameworks/city-par-departments/versions",
            new { label = "2027", validFromYear = 2027, max = 100, copyFrom = "2024" }), HttpStatusCode.Created);

        var source = await JsonAsync(await run.Client.GetAsync("/api/frameworks/city-par-departments/versions/2025-5666"), HttpStatusCode.OK);
        Assert.Equal(Tree(source).Select(n => n.GetProperty("code").GetString()), Tree(copy).Select(n => n.GetProperty("code").GetString()));
        Assert.All(Tree(copy), n => Assert.Equal([n.GetProperty("code").GetString()], n.GetProperty("previousCodes").EnumerateArray().Select(c => c.GetString())));
        Assert.Equal(Node(source, "1.1").GetProperty("levels").GetRawText(), Node(copy, "1.1").GetProperty("levels").GetRawText());
        Assert.Equal("2025-5666", copy.GetProperty("previousLabel").GetString());
        Assert.Empty(copy.GetProperty("warnings").EnumerateArray());
        // 2024 is not the version before 2027 (2026 is): its codes would map to the wrong year, so none are set.
        Assert.All(Tree(older), n => Assert.Empty(n.GetProperty("previousCodes").EnumerateArray()));
        Assert.Contains(Tree(older), n => n.GetProperty("code").GetString() == "1.7");
    }

    [Fact]
    public async Task A_change_is_audited_field_by_field_and_a_stale_change_is_a_409()
    {
        await using var run = await StartAsync();
        var (key, version) = await NewFrameworkAsync(run.Client);
        version = await AddAsync(run.Client, key, version, null, Criterion("1", 10, step: 0.5m));
        var stale = Token(version);

        var changed = await JsonAsync(await run.Client.PutAsJsonAsync($"/api/frameworks/{key}/versions/2026/criteria/1",
            new { concurrency = stale, criterion = Criterion("1", 10, step: 0.25m, rule: "Mỗi nội dung đạt: 0,25 điểm."), reason = "Theo hướng dẫn mới" }),
            HttpStatusCode.OK);
        Assert.NotEqual(stale, Token(changed));
        Assert.Equal(0.25m, Node(changed, "1").GetProperty("step").GetDecimal());

        var conflict = await run.Client.PutAsJsonAsync($"/api/frameworks/{key}/versions/2026/criteria/1",
            new { concurrency = stale, criterion = Criterion("1", 5) });
        var problem = await JsonAsync(conflict, HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Phiên bản đã được người khác sửa", problem.GetProperty("title").GetString());
        var deleteStale = await run.Client.DeleteAsync($"/api/frameworks/{key}/versions/2026/criteria/1?concurrency={stale}");
        Assert.Equal(HttpStatusCode.Conflict, deleteStale.StatusCode);

        var audit = (await JsonAsync(await run.Client.GetAsync($"/api/audit?subject=framework:{key}:2026"), HttpStatusCode.OK)).EnumerateArray().ToList();
        var fields = audit.Select(a => (a.GetProperty("field").GetString(), a.GetProperty("oldValue").GetString(), a.GetProperty("newValue").GetString())).ToList();
        Assert.Contains(("1/step", "0.5", "0.25"), fields);
        Assert.Contains(("1/rule", null, "Mỗi nội dung đạt: 0,25 điểm."), fields);
        Assert.Contains(audit, a => a.GetProperty("field").GetString() == "1" && a.GetProperty("oldValue").ValueKind == JsonValueKind.Null
            && a.GetProperty("newValue").GetString()!.Contains("\"code\":\"1\""));
        Assert.Contains(audit, a => a.GetProperty("field").GetString() == "version");
        Assert.All(audit.Where(a => a.GetProperty("field").GetString()!.StartsWith("1/")),
            a => Assert.Equal("Theo hướng dẫn mới", a.GetProperty("reason").GetString()));
        Assert.Equal(4, audit.Count);
        Assert.All(audit, a => Assert.EndsWith("(test-admin)", a.GetProperty("user").GetString())); // the signed-in user
    }

    [Fact]
    public async Task A_bad_criterion_is_a_validation_problem_in_vietnamese_and_nothing_is_written()
    {
        await using var run = await StartAsync();
        var (key, version) = await NewFrameworkAsync(run.Client);
        version = await AddAsync(run.Client, key, version, null, Criterion("1", 10));

        async Task<JsonElement> RefusedAsync(string? parent, object criterion)
        {
            var response = await run.Client.PostAsJsonAsync($"/api/frameworks/{key}/versions/2026/criteria",
                new { concurrency = Token(version), parent, criterion });
            var body = await JsonAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Dữ liệu khung chỉ số không hợp lệ", body.GetProperty("title").GetString());
            return body.GetProperty("errors");
        }

        var levels = await RefusedAsync("1", Criterion("1.1", 4, answer: "levels", levels: [new { label = "Đạt", points = 5 }]));
        Assert.Equal(["Tiêu chí chấm theo mức cần ít nhất 2 mức.", "Mức 'Đạt' có 5 điểm, ngoài khoảng 0–4."],
            levels.GetProperty("levels").EnumerateArray().Select(e => e.GetString()));
        var step = await RefusedAsync("1", Criterion("1.1", 1, step: 0.3m));
        Assert.Equal("Điểm tối đa 1 không chia hết cho bước điểm 0,3.", step.GetProperty("step")[0].GetString());
        var bonus = await RefusedAsync(null, Criterion("9", null, kind: "bonus"));
        Assert.Equal("Điểm thưởng cần điểm tối đa (mức trần) lớn hơn 0.", bonus.GetProperty("max")[0].GetString());
        var tree = await RefusedAsync("1", Criterion("2.1", 1));
        Assert.Equal("Mã '2.1' phải bắt đầu bằng mã tiêu chí cha '1.'.", tree.GetProperty("code")[0].GetString());
        var duplicate = await RefusedAsync(null, Criterion("1", 1));
        Assert.Equal("Mã tiêu chí '1' đã có trong phiên bản.", duplicate.GetProperty("code")[0].GetString());
        var kinds = await RefusedAsync("1", Criterion("1.1", 1, appliesTo: ["quận/huyện", "tỉnh"]));
        Assert.Single(kinds.GetProperty("appliesTo").EnumerateArray());

        var unchanged = await JsonAsync(await run.Client.GetAsync($"/api/frameworks/{key}/versions/2026"), HttpStatusCode.OK);
        Assert.Equal(Token(version), Token(unchanged));
        Assert.Equal(["1"], Tree(unchanged).Select(n => n.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Previous_codes_are_checked_against_the_version_before()
    {
        await using var run = await StartAsync();
        var version = await JsonAsync(await run.Client.PostAsJsonAsync("/api/frameworks/city-par-departments/versions",
            new { label = "2026", validFromYear = 2026, max = 100 }), HttpStatusCode.Created);

        var response = await run.Client.PostAsJsonAsync("/api/frameworks/city-par-departments/versions/2026/criteria",
            new { concurrency = Token(version), criterion = Criterion("1", 100, previousCodes: ["1", "1.7"]) });

        var errors = (await JsonAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("Mã năm trước '1.7' không có trong phiên bản trước (2025-5666).", errors.GetProperty("previousCodes")[0].GetString());
    }

    [Fact]
    public async Task A_delete_takes_the_subtree_unless_the_version_has_results()
    {
        await using var run = await StartAsync();
        var (key, version) = await NewFrameworkAsync(run.Client);
        version = await AddAsync(run.Client, key, version, null, Criterion("1", 6));
        version = await AddAsync(run.Client, key, version, "1", Criterion("1.1", 6));
        version = await AddAsync(run.Client, key, version, "1.1", Criterion("1.1.1", 6));
        version = await AddAsync(run.Client, key, version, null, Criterion("2", 4));

        var after = await JsonAsync(await run.Client.DeleteAsync($"/api/frameworks/{key}/versions/2026/criteria/1?concurrency={Token(version)}&reason=Gộp"),
            HttpStatusCode.OK);

        Assert.Equal(["2"], Tree(after).Select(n => n.GetProperty("code").GetString()));
        var audit = (await JsonAsync(await run.Client.GetAsync($"/api/audit?subject=framework:{key}:2026"), HttpStatusCode.OK)).EnumerateArray()
            .Where(a => a.GetProperty("newValue").ValueKind == JsonValueKind.Null).Select(a => a.GetProperty("field").GetString()).Order();
        Assert.Equal(["1", "1.1", "1.1.1"], audit);
        await using (var db = run.Database.NewContext())
            Assert.Equal(0, (await db.Criteria.Where(c => db.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Framework!.Key == key)).SingleAsync()).Order);

        // PAR INDEX has published results: its tree cannot lose a node.
        var par = await JsonAsync(await run.Client.GetAsync($"/api/frameworks/par-province/versions/{Uri.EscapeDataString("876/QĐ-BNV")}"), HttpStatusCode.OK);
        Assert.Equal("Phiên bản đã có kết quả chỉ số.", par.GetProperty("locked").GetString());
        var locked = await run.Client.DeleteAsync($"/api/frameworks/par-province/versions/{Uri.EscapeDataString("876/QĐ-BNV")}/criteria/1.1?concurrency={Token(par)}");
        var problem = await JsonAsync(locked, HttpStatusCode.Conflict);
        Assert.Equal("Phiên bản đang được sử dụng", problem.GetProperty("title").GetString());
        Assert.StartsWith("Phiên bản đã có kết quả chỉ số.", problem.GetProperty("detail").GetString());
        await using var check = run.Database.NewContext();
        Assert.True(await check.Criteria.AnyAsync(c => c.Code == "1.1" && check.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Framework!.Key == "par-province")));
    }

    [Fact]
    public async Task A_framework_key_is_checked_and_unknown_versions_are_404()
    {
        await using var run = await StartAsync();

        var bad = await JsonAsync(await run.Client.PostAsJsonAsync("/api/frameworks", new { key = "Chỉ số mới", name = "" }), HttpStatusCode.BadRequest);
        var taken = await JsonAsync(await run.Client.PostAsJsonAsync("/api/frameworks", new { key = "papi", name = "PAPI" }), HttpStatusCode.BadRequest);

        Assert.True(bad.GetProperty("errors").TryGetProperty("key", out _));
        Assert.Equal("Thiếu tên bộ chỉ số.", bad.GetProperty("errors").GetProperty("name")[0].GetString());
        Assert.Equal("Đã có bộ chỉ số mã 'papi'.", taken.GetProperty("errors").GetProperty("key")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/api/frameworks/papi/versions/khong-co")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.PostAsJsonAsync("/api/frameworks/khong-co/versions",
            new { label = "1", validFromYear = 2026, max = 1 })).StatusCode);
    }
}

public sealed class FrameworkEditorApiSqliteTests() : FrameworkEditorApiTests(Provider.Sqlite);

public sealed class FrameworkEditorApiPostgresTests() : FrameworkEditorApiTests(Provider.Postgres);
