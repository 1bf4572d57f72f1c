using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;

namespace ChiSo.Tests.Surveys.Design;

/// <summary>The design API through the real app and HTTP, over a seeded database of the test's own.</summary>
public abstract class SurveyDesignApiTests(Provider provider)
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Design_a_round_issue_tokens_and_print_QR_codes_over_HTTP()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();

        var size = await JsonAsync(await client.GetAsync("/api/surveys/sample-size?population=10000&margin=0.05"));
        Assert.Equal(385, size.GetProperty("target").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/surveys/sample-size?population=100&margin=0.9")).StatusCode);

        var questionnaires = await JsonAsync(await client.GetAsync("/api/surveys/questionnaires"));
        var par = questionnaires.EnumerateArray().Single(q => q.GetProperty("key").GetString() == "par-sociological");
        Assert.Equal(6, par.GetProperty("closedGroups").GetInt32());
        var qid = par.GetProperty("id").GetInt32();

        var created = await JsonAsync(await client.PostAsJsonAsync("/api/surveys/rounds",
            new { year = 2025, name = "ĐT XHH 2025", questionnaireId = qid, opensOn = "2025-10-01", closesOn = "2025-12-30" }), HttpStatusCode.Created);
        var id = created.GetProperty("round").GetProperty("id").GetInt32();
        Assert.Equal("Draft", created.GetProperty("round").GetProperty("status").GetString());

        var bad = await client.PutAsJsonAsync($"/api/surveys/rounds/{id}/quotas", new[] { new { unit = "NOPE", group = "dept-civil-servants", population = 10 } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Không có đơn vị mã 'NOPE'", await bad.Content.ReadAsStringAsync());

        var planned = await JsonAsync(await client.PutAsJsonAsync($"/api/surveys/rounds/{id}/quotas", new object[]
        {
            new { unit = "SNV", group = "dept-civil-servants", population = 400 },
            new { unit = "SNV", group = "businesses", target = 150 },
        }));
        Assert.Equal(350, planned.GetProperty("round").GetProperty("target").GetInt32());
        var opened = await JsonAsync(await client.PostAsJsonAsync($"/api/surveys/rounds/{id}/status", new { status = "Open" }));
        Assert.Equal("Open", opened.GetProperty("round").GetProperty("status").GetString());

        var tokens = await client.PostAsJsonAsync($"/api/surveys/rounds/{id}/tokens", new { unit = "SNV", group = "dept-civil-servants", count = 3 });
        Assert.Equal("no-store", tokens.Headers.CacheControl?.ToString());
        var list = await JsonAsync(tokens);
        var first = list.GetProperty("tokens")[0];
        Assert.StartsWith($"/khao-sat/{id}/SNV?g=dept-civil-servants&t=", first.GetProperty("url").GetString());

        var csv = await client.PostAsJsonAsync($"/api/surveys/rounds/{id}/tokens?format=csv", new { unit = "SNV", group = "dept-civil-servants", count = 2 });
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("STT,Mã,Đường dẫn", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains($"http://localhost/khao-sat/{id}/SNV?g=dept-civil-servants&t=", lines[1]);

        var detail = await JsonAsync(await client.GetAsync($"/api/surveys/rounds/{id}"));
        var quota = detail.GetProperty("quotas").EnumerateArray().Single(q => q.GetProperty("group").GetString() == "dept-civil-servants");
        Assert.Equal((5, 0), (quota.GetProperty("tokensIssued").GetInt32(), quota.GetProperty("tokensUsed").GetInt32()));

        var refused = await client.PostAsJsonAsync($"/api/surveys/rounds/{id}/tokens", new { unit = "SNV", group = "businesses", count = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        foreach (var query in new[] { "unit=SNV&group=businesses", "unit=SNV", "unit=SNV&dossier=000.00.07.H26-251020-0001" })
        {
            var qr = await client.GetAsync($"/api/surveys/rounds/{id}/qr?{query}");
            Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
            Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
            var png = await qr.Content.ReadAsByteArrayAsync();
            Assert.True(png.Length > 100);
            Assert.Equal(PngSignature, png[..8]);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/surveys/rounds/{id}/qr?unit=NOPE")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/surveys/rounds/{id}/qr?unit=SNV&dossier=%3Cscript%3E")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/surveys/rounds/99999/qr?unit=SNV")).StatusCode);

        var rounds = await JsonAsync(await client.GetAsync("/api/surveys/rounds?year=2025"));
        Assert.Equal(id, Assert.Single(rounds.EnumerateArray()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Questionnaire_Excel_exports_and_imports_as_a_new_version_and_a_bad_file_gets_a_report()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();
        var sipas = (await JsonAsync(await client.GetAsync("/api/surveys/questionnaires"))).EnumerateArray()
            .Single(q => q.GetProperty("key").GetString() == "sipas").GetProperty("id").GetInt32();

        var xlsx = await client.GetAsync($"/api/surveys/questionnaires/{sipas}/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();

        // The same version again: refused with its reason, nothing written.
        var again = await JsonAsync(await client.PostAsync("/api/surveys/questionnaires/import.xlsx", Upload(bytes, "phieu.xlsx")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("đã có", again.GetProperty("problems")[0].GetProperty("message").GetString());

        var doc = await JsonAsync(await client.GetAsync($"/api/surveys/questionnaires/{sipas}"));
        var json = JsonSerializer.Deserialize<Dictionary<string, object?>>(doc.GetRawText())!;
        json["version"] = "2025";
        var created = await JsonAsync(await client.PostAsJsonAsync("/api/surveys/questionnaires", json), HttpStatusCode.Created);
        Assert.Equal(41, created.GetProperty("questions").GetInt32());

        var notExcel = await client.PostAsync("/api/surveys/questionnaires/import.xlsx", Upload(Encoding.UTF8.GetBytes("không phải excel"), "x.xlsx"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notExcel.StatusCode);
    }

    static MultipartFormDataContent Upload(byte[] bytes, string name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        return new MultipartFormDataContent { { file, "file", name } };
    }
}

public sealed class SurveyDesignApiSqliteTests() : SurveyDesignApiTests(Provider.Sqlite);

public sealed class SurveyDesignApiPostgresTests() : SurveyDesignApiTests(Provider.Postgres);
