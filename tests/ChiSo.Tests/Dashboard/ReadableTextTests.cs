using System.Net;
using ChiSo.Data;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Dashboard;

/// <summary>File names in Vietnamese without diacritics, times in Hanoi, the audit's rows in words.</summary>
public abstract class ReadableTextTests(Provider provider)
{
    [Theory]
    [InlineData("Năm 2026", "nam-2026")]
    [InlineData("Quý III (9 tháng) năm 2026", "quy-iii-9-thang-nam-2026")]
    [InlineData("6 tháng đầu năm 2024", "6-thang-dau-nam-2024")]
    [InlineData("Sở Nội vụ — Đường phố", "so-noi-vu-duong-pho")]
    public void A_file_name_is_the_vietnamese_words_without_diacritics(string words, string stem) =>
        Assert.Equal(stem, ViText.Slug(words));

    [Fact]
    public async Task The_consolidated_report_downloads_with_a_vietnamese_name_and_the_audit_reads_in_words_and_hanoi_time()
    {
        await using var run = await RunningApp.StartAsync(provider);

        var docx = await run.Client.GetAsync("/api/reports/consolidated.docx?year=2026&period=year");
        var xlsx = await run.Client.GetAsync("/api/reports/consolidated.xlsx?year=2026&period=q1");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        Assert.Equal("bao-cao-cchc-nam-2026.docx", docx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("bao-cao-cchc-quy-i-nam-2026.xlsx", xlsx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        // The index workbook's information sheet says its scale and roll-up in Vietnamese (and reads them back).
        var workbook = new MemoryStream(await run.Client.GetByteArrayAsync("/api/frameworks/par-province/export.xlsx?year=2023"));
        var info = MiniExcelLibs.MiniExcel.Query(workbook, useHeaderRow: true, sheetName: FrameworkExcel.InfoSheet)
            .Cast<IDictionary<string, object?>>().ToDictionary(r => (string)r["Mã"]!, r => r["Giá trị"]?.ToString());
        Assert.Equal("điểm", info["scale"]);
        Assert.Equal("cộng", info["rollUp"]);

        // 08:08 UTC is 15:08 in Hanoi.
        await using var db = run.Database.NewContext();
        var names = await CriterionNames.LoadAsync(db);
        var line = AuditText.Describe(new AuditEntry
        {
            At = new DateTime(2026, 4, 12, 8, 8, 0, DateTimeKind.Utc), User = "Quản trị (admin)", Subject = "result:par-province:2023:HN", Field = "4.3.2",
            OldValue = "0.5", NewValue = "0.75", Reason = "Dữ liệu có sẵn (papi.json)",
        }, names, code => code == "HN" ? "Thành phố Hà Nội" : code);
        Assert.Equal("15:08 12/04/2026", line.When);
        Assert.Equal("0,5", line.Old);
        Assert.Equal("0,75", line.New);
        Assert.StartsWith("Kết quả Chỉ số Cải cách hành chính cấp tỉnh (PAR INDEX) năm 2023", line.Subject);
        Assert.Equal(names.Of("par-province", "4.3.2").Name, line.Criterion?.Name);
        Assert.NotNull(line.Criterion!.Name);
        Assert.Equal("Dữ liệu có sẵn của ChiSo: " + names.Framework("papi"), line.Reason);
        Assert.Equal("Tên: Tiêu chí thử; Điểm tối đa: 2,5", AuditText.Value("{\"name\":\"Tiêu chí thử\",\"max\":2.5}"));

        // A cycle's status and a unit's step read as the pages say them, not as the code names them.
        var cycle = AuditText.Describe(new AuditEntry { User = "x", Subject = "assessment:2026:3", Field = "cycle", OldValue = "Draft", NewValue = "Open" },
            names, code => code);
        Assert.Equal(("Đang chuẩn bị", "Đang đánh giá"), (cycle.Old, cycle.New));
        var stage = AuditText.Describe(new AuditEntry { User = "x", Subject = "assessment:2026:3:SNV", Field = "stage", OldValue = "Draft", NewValue = "Submitted" },
            names, code => code == "SNV" ? "Sở Nội vụ" : code);
        Assert.Equal(("Đang tự đánh giá", "Đã gửi, chờ thẩm định"), (stage.Old, stage.New));
        Assert.EndsWith("Sở Nội vụ", stage.Subject);
        // An appraiser's assignment keeps ids; the page names the account and the unit.
        var assignment = AuditText.Describe(new AuditEntry { User = "x", Subject = "assessment:2026:3", Field = "appraiser", NewValue = "u-7|12|1.2" },
            names, code => code, id => id == "u-7" ? "Thành viên Hội đồng (td1)" : null, id => id == 12 ? "Sở Tư pháp" : null);
        Assert.Equal("Thành viên Hội đồng (td1) — Sở Tư pháp — tiêu chí 1.2", assignment.New);
        var everyUnit = AuditText.Describe(new AuditEntry { User = "x", Subject = "assessment:2026:3", Field = "appraiser", NewValue = "u-7||" },
            names, code => code, id => "Thành viên Hội đồng (td1)");
        Assert.Equal("Thành viên Hội đồng (td1) — mọi đơn vị — mọi tiêu chí", everyUnit.New);

        var newest = await db.Audit.AsNoTracking().OrderByDescending(a => a.Id).FirstAsync();
        var page = WebUtility.HtmlDecode(await run.Client.GetStringAsync("/audit"));
        Assert.Contains(ViText.DateTime(newest.At), page);
        Assert.DoesNotContain("(papi.json)", page);
        Assert.DoesNotContain("(par-province.json)", page);
    }
}

public sealed class ReadableTextSqliteTests() : ReadableTextTests(Provider.Sqlite);

public sealed class ReadableTextPostgresTests() : ReadableTextTests(Provider.Postgres);
