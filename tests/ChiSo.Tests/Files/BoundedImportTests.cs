using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Assessments;
using ChiSo.Features.Files;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace ChiSo.Tests.Files;

/// <summary>Every import and upload against the files that broke them (issue 14, item 7): a zip bomb refused before it is
/// read, a file past its row limit refused with the limit named, 5,000 bad rows reported as 1,000 and the count of the
/// rest, malformed files answered 422 and oversize uploads 413 in Vietnamese problem+json, never 500; files saved on a
/// Mac (NFD) imported like any other; the refused-rows CSV neutralised. Through real HTTP over a real database.</summary>
public abstract class BoundedImportTests(Provider provider)
{
    Task<RunningApp> StartAsync() => RunningApp.StartAsync(provider);

    static MultipartFormDataContent Upload(byte[] bytes, string name, string field = "file", MultipartFormDataContent? to = null)
    {
        var content = to ?? [];
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, field, name);
        return content;
    }

    static byte[] Xlsx(Dictionary<string, object> sheets)
    {
        var xlsx = new MemoryStream();
        xlsx.SaveAs(sheets);
        return xlsx.ToArray();
    }

    static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The malformed files every workbook import is given: 422 in Vietnamese, never 500.</summary>
    static async Task AssertMalformedRefusedAsync(HttpClient client, string url, Func<MultipartFormDataContent, MultipartFormDataContent>? more = null)
    {
        foreach (var (bytes, name) in new[] { (BadFiles.NotAZip(), "hong.xlsx"), (BadFiles.ZipWithoutWorkbook(), "nen.xlsx"), (BadFiles.BrokenXml(), "xml-hong.xlsx") })
        {
            var response = await client.PostAsync(url, (more ?? (c => c))(Upload(bytes, name)));
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The bomb is answered 413 before anything inflates: a sanity check on the heap, not a figure (bench/README.md).</summary>
    static async Task AssertBombRefusedAsync(HttpClient client, string url, Func<MultipartFormDataContent, MultipartFormDataContent>? more = null)
    {
        var bomb = BadFiles.SharedZipBomb;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var problem = await Problem(await client.PostAsync(url, (more ?? (c => c))(Upload(bomb, "bom.xlsx"))), HttpStatusCode.RequestEntityTooLarge);
        Assert.InRange(GC.GetTotalMemory(forceFullCollection: true) - before, long.MinValue, 64 * 1024 * 1024);
        Assert.Equal("Tệp quá lớn", problem.GetProperty("title").GetString());
        Assert.Contains("trước khi đọc", problem.GetProperty("detail").GetString());
    }

    // ---- Paper forms ----

    static string PaperCsv(OpenRound round, IEnumerable<(string Unit, Dictionary<string, string?> Answers)> rows)
    {
        var codes = round.Form.Questions.Where(q => q.For("citizens")).Select(q => q.Code).ToList();
        var csv = new StringBuilder("Đơn vị,Nhóm," + string.Join(',', codes) + "\n");
        foreach (var (unit, answers) in rows)
            csv.Append($"{unit},citizens,").AppendJoin(',', codes.Select(c => answers.GetValueOrDefault(c) is { } v && v.Contains(',') ? $"\"{v}\"" : answers.GetValueOrDefault(c))).Append('\n');
        return csv.ToString();
    }

    async Task<(RunningApp Run, OpenRound Round)> PaperRoundAsync()
    {
        var run = await StartAsync();
        await using var db = run.Database.NewContext();
        return (run, await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens", "organisations"]));
    }

    [Fact]
    public async Task Paper_imports_refuse_a_zip_bomb_too_many_rows_and_malformed_files_and_report_1000_bad_rows_with_the_count_of_the_rest()
    {
        var (run, round) = await PaperRoundAsync();
        await using var _ = run;
        var url = $"/api/surveys/rounds/{round.Id}/paper";
        await AssertBombRefusedAsync(run.Client, url);
        await AssertMalformedRefusedAsync(run.Client, url);
        // The second entry of a double entry is read the same way.
        var good = Encoding.UTF8.GetBytes(PaperCsv(round, [(round.Unit, CollectionBuilder.ValidAnswers(round.Form, "citizens"))]));
        await AssertBombRefusedAsync(run.Client, url, c => Upload(good, "lan1.csv", "second", c));
        await AssertMalformedRefusedAsync(run.Client, $"{url}/reconcile", c => Upload(good, "lan1.csv", "second", c));
        // A CSV saved in Windows-1258 ("CSV" in older Excel) is not read as garbled text.
        var legacy = await Problem(await run.Client.PostAsync(url, Upload([.. "Don vi,Nh"u8, 0xF3, .. "m\nSNV,citizens\n"u8], "cu.csv")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("UTF-8", legacy.GetProperty("detail").GetString());

        var tooMany = "Đơn vị,Nhóm\n" + string.Concat(Enumerable.Repeat($"{round.Unit},citizens\n", PaperImport.Limits.MaxRows + 1));
        var refused = await Problem(await run.Client.PostAsync(url, Upload(Encoding.UTF8.GetBytes(tooMany), "nhieu.csv")), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("100.000 dòng", refused.GetProperty("detail").GetString());

        var bad = Enumerable.Range(0, 5000).Select(i => ("KHONG-CO", CollectionBuilder.ValidAnswers(round.Form, "citizens", i)));
        var report = await Json(await run.Client.PostAsync(url, Upload(Encoding.UTF8.GetBytes(PaperCsv(round, bad)), "sai.csv")), HttpStatusCode.UnprocessableEntity);
        var rows = report.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("row").GetInt32()).Distinct().ToList();
        Assert.Equal(Enumerable.Range(2, 1000), rows);
        Assert.Equal(4000, report.GetProperty("moreRows").GetInt32());
        Assert.Equal("… và 4.000 dòng lỗi khác", report.GetProperty("more").GetString());
        await using var db = run.Database.NewContext();
        Assert.False(await db.PaperBatches.AnyAsync(b => b.RoundId == round.Id));
        Assert.False(await db.SurveyResponses.AnyAsync(r => r.RoundId == round.Id));
    }

    [Fact]
    public async Task A_paper_file_saved_on_a_Mac_with_decomposed_diacritics_imports_like_the_same_file_in_NFC()
    {
        var (run, round) = await PaperRoundAsync();
        await using var _ = run;
        var forms = Enumerable.Range(0, 3).Select(i => (round.Unit, CollectionBuilder.ValidAnswers(round.Form, "citizens", i))).ToList();
        var nfd = PaperCsv(round, forms).Normalize(NormalizationForm.FormD);
        Assert.Contains("Đơn vị".Normalize(NormalizationForm.FormD), nfd);
        Assert.Equal(3, (await Json(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Upload(Encoding.UTF8.GetBytes(nfd), "mac.csv")), HttpStatusCode.OK))
            .GetProperty("rows").GetInt32());

        // The same as a workbook: sheet name, headers and answers decomposed.
        static string D(string s) => s.Normalize(NormalizationForm.FormD);
        var codes = round.Form.Questions.Where(q => q.For("citizens")).Select(q => q.Code).ToList();
        var xlsx = Xlsx(new() { [D("Phiếu")] = forms.Select(f => new[] { (D(PaperImport.UnitColumn), (object?)f.Unit), (D(PaperImport.GroupColumn), "citizens") }
            .Concat(codes.Select(c => (c, (object?)(f.Item2.GetValueOrDefault(c) is { } v ? D(v) : null)))).ToDictionary(x => x.Item1, x => x.Item2)).ToList() });
        var imported = await Json(await run.Client.PostAsync($"/api/surveys/rounds/{round.Id}/paper", Upload(xlsx, D("phiếu-mac.xlsx"))), HttpStatusCode.OK);
        Assert.Equal(3, imported.GetProperty("rows").GetInt32());

        await using var db = run.Database.NewContext();
        var stored = await db.SurveyResponses.AsNoTracking().Where(r => r.RoundId == round.Id).Select(r => r.Answers).ToListAsync();
        Assert.Equal(6, stored.Count);
        Assert.All(stored, a => Assert.True(a.IsNormalized(NormalizationForm.FormC)));
        Assert.Contains(stored, a => a.Contains("\"Có\"", StringComparison.Ordinal));
        Assert.Contains(await db.PaperBatches.Where(b => b.RoundId == round.Id).Select(b => b.FileName).ToListAsync(), n => n == "phiếu-mac.xlsx");
    }

    [Fact]
    public async Task The_refused_rows_report_neutralises_cells_a_spreadsheet_would_run()
    {
        var (run, round) = await PaperRoundAsync();
        await using var _ = run;
        await using var db = run.Database.NewContext();
        var csv = "Đơn vị,Nhóm,\"=HYPERLINK(\"\"http://x\"\")\",+1,-2,@x\nSNV,citizens,1,1,1,1\n";
        var report = await PaperImport.ImportAsync(db, round.Id, "tan-cong.csv", new MemoryStream(Encoding.UTF8.GetBytes(csv)), Actors.Admin(), TimeProvider.System);
        Assert.False(report.Succeeded);
        Assert.Contains(report.Problems, p => p.Column == "=HYPERLINK(\"http://x\")");
        var lines = report.ToCsv().ToString().TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("1,\"'=HYPERLINK(\"\"http://x\"\")\",\"Phiếu không có câu “=HYPERLINK(\"\"http://x\"\")”.\"", lines);
        Assert.Contains(lines, l => l.StartsWith("1,'+1,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("1,'-2,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("1,'@x,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines.SelectMany(l => l.Split(',')), cell => cell.TrimStart('"').Length > 0 && cell.TrimStart('"')[0] is '=' or '+' or '-' or '@');

        // A cut report ends with the count of the rows it leaves out.
        var bad = "Đơn vị,Nhóm\n" + string.Concat(Enumerable.Repeat("KHONG-CO,citizens\n", 5000));
        var cut = await PaperImport.ImportAsync(db, round.Id, "sai.csv", new MemoryStream(Encoding.UTF8.GetBytes(bad)), Actors.Admin(), TimeProvider.System);
        Assert.EndsWith(",,… và 4.000 dòng lỗi khác\r\n", cut.ToCsv().ToString());
    }

    // ---- Frameworks ----

    static byte[] FrameworkBook(string key, int rows, Func<int, object?> max) => Xlsx(new()
    {
        ["Phụ lục"] = Enumerable.Range(1, rows).Select(i => new Dictionary<string, object?>
        {
            ["STT"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Lĩnh vực"] = $"Tiêu chí {i}", ["Điểm tối đa"] = max(i),
            ["Kết quả năm 2023"] = "", ["Mục tiêu năm 2024"] = "", ["Đơn vị chủ trì"] = "",
        }).ToList(),
        ["Thông tin"] = new[] { ("key", key), ("version", "V1"), ("year", "2023") }
            .Select(x => new Dictionary<string, object?> { ["Mục"] = x.Item1, ["Giá trị"] = x.Item2, ["Mã"] = x.Item1 }).ToList(),
    });

    [Fact]
    public async Task Framework_imports_refuse_a_zip_bomb_too_many_rows_and_malformed_files_and_cut_their_report()
    {
        await using var run = await StartAsync();
        const string url = "/api/frameworks/import.xlsx";
        await AssertBombRefusedAsync(run.Client, url);
        await AssertMalformedRefusedAsync(run.Client, url);
        var key = FrameworkBuilder.NewKey();
        var tooMany = await Problem(await run.Client.PostAsync(url, Upload(FrameworkBook(key, 5001, _ => 1), "lon.xlsx")), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("5.000 dòng", tooMany.GetProperty("detail").GetString());

        var report = await Json(await run.Client.PostAsync(url, Upload(FrameworkBook(key, 5000, _ => "nhiều"), "sai.xlsx")), HttpStatusCode.UnprocessableEntity);
        var problems = report.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(1000, problems.Where(p => p.TryGetProperty("row", out var r) && r.ValueKind == JsonValueKind.Number).Select(p => p.GetProperty("row").GetInt32()).Distinct().Count());
        Assert.Contains(problems, p => p.GetProperty("message").GetString()!.Contains("Tổng cộng"));
        Assert.Equal("… và 4.000 dòng lỗi khác", report.GetProperty("more").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync($"/api/frameworks/{key}/export.json")).StatusCode);
    }

    [Fact]
    public async Task A_framework_in_JSON_with_decomposed_diacritics_is_stored_in_NFC_and_a_registry_past_its_limit_is_refused()
    {
        await using var run = await StartAsync();
        static string D(string s) => s.Normalize(NormalizationForm.FormD);
        var key = FrameworkBuilder.NewKey();
        var doc = FrameworkBuilder.Framework(key, 10, FrameworkBuilder.Node("1", 10, null, FrameworkBuilder.Node("1.1", 10))) with { Name = D("Bộ chỉ số Sở Nội vụ") };
        doc.Versions[0].Criteria[0].Children[0] = doc.Versions[0].Criteria[0].Children[0] with { Name = D("Tiêu chí về cải cách thủ tục") };
        Assert.Equal(HttpStatusCode.OK, (await run.Client.PostAsJsonAsync("/api/frameworks/import?reason=" + Uri.EscapeDataString(D("Thử NFD")), doc)).StatusCode);
        var stored = await Json(await run.Client.GetAsync($"/api/frameworks/{key}/export.json"), HttpStatusCode.OK);
        Assert.Equal("Bộ chỉ số Sở Nội vụ", stored.GetProperty("name").GetString());
        Assert.Contains("Tiêu chí về cải cách thủ tục", stored.GetRawText());

        var units = new { units = Enumerable.Range(0, Features.Units.UnitImporter.Limits.MaxRows + 1).Select(i => new { code = $"DV{i}", name = $"Đơn vị {i}", kind = "commune" }) };
        var refused = await Problem(await run.Client.PostAsJsonAsync("/api/units/import", units), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("10.000 dòng", refused.GetProperty("detail").GetString());
    }

    // ---- Questionnaires ----

    [Fact]
    public async Task Questionnaire_imports_refuse_a_zip_bomb_too_many_rows_and_malformed_files()
    {
        await using var run = await StartAsync();
        const string url = "/api/surveys/questionnaires/import.xlsx";
        await AssertBombRefusedAsync(run.Client, url);
        await AssertMalformedRefusedAsync(run.Client, url);
        var book = Xlsx(new()
        {
            ["Câu hỏi"] = Enumerable.Range(1, QuestionnaireExcel.Limits.MaxRows + 1).Select(i => new Dictionary<string, object?>
            {
                ["Phần"] = "Phần 1", ["Mã phần"] = "P1", ["Mã câu"] = $"C{i}", ["Câu hỏi"] = $"Câu {i}", ["Loại"] = "Có/Không", ["Lựa chọn"] = "",
                ["Bắt buộc"] = "", ["Tiêu chí"] = "", ["Nhóm"] = "", ["Bỏ qua nếu"] = "",
            }).ToList(),
            ["Thông tin"] = new[] { new Dictionary<string, object?> { ["Mục"] = "Mã phiếu", ["Giá trị"] = "thu", ["Mã"] = "key" } }.ToList(),
            ["Nhóm"] = new[] { new Dictionary<string, object?> { ["Mã nhóm"] = "citizens", ["Tên nhóm"] = "Người dân" } }.ToList(),
        });
        var refused = await Problem(await run.Client.PostAsync(url, Upload(book, "dai.xlsx")), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("2.000 dòng", refused.GetProperty("detail").GetString());
    }

    // ---- Survey points and uploads of the unit assessment ----

    async Task<int> CycleAsync(RunningApp run)
    {
        string key;
        await using (var db = run.Database.NewContext()) key = await Assessments.AssessmentSetup.FrameworkAsync(db);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var created = await run.Client.PostAsJsonAsync("/api/cycles", new CycleSpec(2026, "Kỳ thử nhập tệp", DateTime.UtcNow.AddDays(10),
            new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7, [new GroupSpec("Sở", key, "V1", ["SNV", "STP"])]), json);
        var id = (await Json(created, HttpStatusCode.OK)).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await run.Client.PostAsync($"/api/cycles/{id}/open", null)).StatusCode);
        return id;
    }

    static byte[] PointsBook(int rows, string unit) => Xlsx(new()
    {
        ["Điểm"] = Enumerable.Range(0, rows).Select(i => new Dictionary<string, object?> { ["Đơn vị"] = unit, ["Mã tiêu chí"] = "2.1", ["Điểm"] = 1 }).ToList(),
    });

    [Fact]
    public async Task Survey_points_refuse_a_zip_bomb_too_many_rows_and_malformed_files_and_report_1000_bad_rows_with_the_count_of_the_rest()
    {
        await using var run = await StartAsync();
        var id = await CycleAsync(run);
        var url = $"/api/cycles/{id}/survey-points/import";
        await AssertBombRefusedAsync(run.Client, url);
        await AssertMalformedRefusedAsync(run.Client, url);
        var tooMany = await Problem(await run.Client.PostAsync(url, Upload(PointsBook(50_001, "SNV"), "lon.xlsx")), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("50.000 dòng", tooMany.GetProperty("detail").GetString());

        var report = await Problem(await run.Client.PostAsync(url, Upload(PointsBook(5000, "KHONG-CO"), "sai.xlsx")), HttpStatusCode.BadRequest);
        var lines = report.GetProperty("errors").GetProperty("rows").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Equal(1001, lines.Count);
        Assert.StartsWith("Dòng 2:", lines[0]);
        Assert.StartsWith("Dòng 1001:", lines[999]);
        Assert.Equal("… và 4.000 dòng lỗi khác", lines[^1]);
        Assert.Equal(HttpStatusCode.OK, (await run.Client.PostAsync(url, Upload(PointsBook(1, "SNV"), "dung.xlsx"))).StatusCode);
    }

    [Fact]
    public async Task Oversize_uploads_to_evidence_and_task_progress_get_413_in_Vietnamese()
    {
        await using var run = await StartAsync();
        var id = await CycleAsync(run);
        int task;
        await using (var db = run.Database.NewContext()) task = await db.PlanTasks.OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        const long Size = 200L * 1024 * 1024;
        foreach (var (url, field) in new[] { ($"/api/cycles/{id}/units/SNV/evidence", "file"), ($"/api/tasks/{task}/progress", "files") })
        {
            var form = new MultipartFormDataContent { { new StringContent("Tài liệu lớn"), "title" }, { new StringContent("SNV"), "unit" }, { new StringContent("Done"), "status" } };
            form.Add(new BadFiles.Generated(Size, "%PDF-1.4\n"u8.ToArray()), field, "lon.pdf");
            var problem = await Problem(await run.Client.PostAsync(url, form), HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal("Tệp quá lớn", problem.GetProperty("title").GetString());
        }
    }
}

public sealed class BoundedImportSqliteTests() : BoundedImportTests(Provider.Sqlite);

public sealed class BoundedImportPostgresTests() : BoundedImportTests(Provider.Postgres);
