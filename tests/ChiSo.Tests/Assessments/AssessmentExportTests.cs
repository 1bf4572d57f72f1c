using System.Diagnostics;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using MiniExcelLibs;
using static ChiSo.Tests.Infrastructure.FrameworkBuilder;

namespace ChiSo.Tests.Assessments;

/// <summary>The assessment's documents, from a small cycle taken through the whole procedure by the service.
/// <code>
/// code  max  kind/method         SNV              STP    STC     2024 (SNV)
/// 1.1    4   points, step 0.5    4 → 3.5 adjusted  4      2       3
/// 1.2    6   yes/no              yes (6)           yes    no      6
/// 2.1    6   survey              5                 5.5    4       4
/// 3.1    2   bonus (3, cap 2)    1                 0      0
/// total 16                       15.5              15.5   6       13
/// percent                        96.88             96.88  37.5
/// rank                           1 (tied)          1 (tied) 3
/// </code></summary>
public abstract class AssessmentExportTests(Provider provider)
{
    static readonly Actor Admin = new("t", "Sở Nội vụ", new HashSet<string> { Roles.Admin }, null);

    sealed record Built(TestDatabase Database, FakeTimeProvider Clock, int CycleId) : IAsyncDisposable
    {
        public AssessmentService Service(ChiSoDb db) => new(db, Clock);
        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    async Task<Built> BuildAsync(bool publish)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 12, 1, 2, 0, 0, TimeSpan.Zero));
        var key = NewKey();
        var doc = Framework(key, 18,
            Node("1", 10, null, Node("1.1", 4), Node("1.2", 6)),
            Node("2", 6, null, Node("2.1", 6)),
            Node("3", 2, null, Node("3.1", 2)));
        doc.Results.Add(new ResultDocument
        {
            Unit = "Sở Nội vụ", Year = 2024, Version = FrameworkBuilder.Version, Total = 13,
            Scores = new() { ["1"] = 9, ["1.1"] = 3, ["1.2"] = 6, ["2"] = 4, ["2.1"] = 4 },
        });
        await using (var db = database.NewContext())
        {
            Assert.Empty((await new FrameworkImporter(db, clock).ImportAsync(doc, Actors.Admin("kiem.thu"), "Dữ liệu thử")).Problems);
            var tree = await db.Criteria.Where(c => db.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Framework!.Key == key)).ToListAsync();
            tree.First(c => c.Code == "1.1").Step = 0.5m;
            tree.First(c => c.Code == "1.2").Answer = AnswerType.YesNo;
            tree.First(c => c.Code == "2.1").Method = ScoringMethod.Survey;
            tree.First(c => c.Code == "3").Kind = CriterionKind.Bonus;
            await db.SaveChangesAsync();
        }
        int id;
        await using (var db = database.NewContext())
        {
            var s = new AssessmentService(db, clock);
            var created = await s.CreateCycleAsync(new CycleSpec(2025, "Đánh giá chỉ số CCHC năm 2025", new DateTime(2025, 12, 22, 10, 0, 0, DateTimeKind.Utc),
                new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 20), 7, [new GroupSpec("Khối sở, ban, ngành", key, FrameworkBuilder.Version, ["SNV", "STP", "STC"])]), Admin);
            Assert.True(created.Ok, created.Error);
            id = created.Value.Id;
            Assert.True((await s.OpenCycleAsync(id, Admin)).Ok);
        }
        var answers = new Dictionary<string, (string A11, string A12, string A31, decimal Survey)>
        {
            ["SNV"] = ("4", "yes", "1", 5), ["STP"] = ("4", "yes", "0", 5.5m), ["STC"] = ("2", "no", "0", 4),
        };
        foreach (var (unit, a) in answers)
        {
            await using var db = database.NewContext();
            var s = new AssessmentService(db, clock);
            foreach (var (code, answer) in new[] { ("1.1", a.A11), ("1.2", a.A12), ("3.1", a.A31) })
            {
                var item = (await s.GetAsync(id, unit, Admin)).Value.Items.First(i => i.Code == code);
                var saved = await s.SaveSelfScoreAsync(id, unit, code, new SelfScoreInput(answer, "Căn cứ thử", null, null, item.Concurrency!.Value), Admin);
                Assert.True(saved.Ok, saved.Error);
            }
            Assert.True((await s.SubmitAsync(id, unit, Admin)).Ok);
            foreach (var item in (await s.GetAsync(id, unit, Admin)).Value.Items.Where(i => i.IsLeaf && i.Method == ScoringMethod.Appraisal))
            {
                var input = unit == "SNV" && item.Code == "1.1"
                    ? new AppraisalInput(AppraisalVerdict.Adjusted, 3.5m, "Chưa ban hành kế hoạch đúng hạn", item.Concurrency!.Value)
                    : new AppraisalInput(AppraisalVerdict.Accepted, null, null, item.Concurrency!.Value);
                var appraised = await s.AppraiseAsync(id, unit, item.Code, input, Admin);
                Assert.True(appraised.Ok, appraised.Error);
            }
            Assert.True((await s.SendAppraisalAsync(id, unit, Admin)).Ok);
        }
        clock.Advance(TimeSpan.FromDays(8)); // SNV's explanation window closes unused.
        await using (var db = database.NewContext())
        {
            var s = new AssessmentService(db, clock);
            var final = await s.FinaliseAsync(id, new CouncilInput(new DateOnly(2026, 1, 25), "Biên bản số 12/BB-HĐTĐ", 9, 7, null, null), Admin);
            Assert.True(final.Ok, final.Error);
            var survey = await s.SetSurveyPointsAsync(id, new SurveyPointsInput("Kết quả điều tra XHH năm 2025",
                [.. answers.Select(kv => new SurveyPointRow(kv.Key, "2.1", kv.Value.Survey))]), Admin);
            Assert.True(survey.Ok, survey.Error);
            if (publish) Assert.True((await s.PublishAsync(id, new DateOnly(2026, 2, 1), Admin)).Ok);
        }
        return new Built(database, clock, id);
    }

    static string WordText(byte[] docx)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        return string.Join("\n", doc.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>().Select(p => p.InnerText));
    }

    static byte[] Bytes(Action<Stream> write)
    {
        var ms = new MemoryStream();
        write(ms);
        return ms.ToArray();
    }

    /// <summary>pdftotext (poppler-utils, installed by tests/run-tests.sh). Set CHISO_KEEP_EXPORTS to a folder to keep
    /// the files for a look with pdftoppm or LibreOffice.</summary>
    static string PdfText(byte[] pdf, string name)
    {
        var file = Path.Combine(Environment.GetEnvironmentVariable("CHISO_KEEP_EXPORTS") ?? Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"]) { RedirectStandardOutput = true })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            return text;
        }
        finally { if (Environment.GetEnvironmentVariable("CHISO_KEEP_EXPORTS") is null) File.Delete(file); }
    }

    static void Keep(string name, byte[] content)
    {
        if (Environment.GetEnvironmentVariable("CHISO_KEEP_EXPORTS") is { } dir) File.WriteAllBytes(Path.Combine(dir, name), content);
    }

    [Fact]
    public async Task The_scorecard_shows_points_rank_band_and_change_in_Word_and_PDF_provisional_until_published()
    {
        await using var built = await BuildAsync(publish: false);
        await using (var db = built.Database.NewContext())
        {
            var card = await built.Service(db).ScorecardAsync(built.CycleId, "SNV", Admin);
            Assert.True(card.Ok, card.Error);
            Assert.True(card.Value.Provisional);
            var word = WordText(Bytes(w => AssessmentWord.WriteScorecard(card.Value, new DateOnly(2026, 2, 1), w)));
            Assert.Contains("TẠM TÍNH", word);
            Assert.True((await built.Service(db).PublishAsync(built.CycleId, new DateOnly(2026, 2, 1), Admin)).Ok);
        }

        await using var db2 = built.Database.NewContext();
        var s = (await built.Service(db2).ScorecardAsync(built.CycleId, "Sở Nội vụ", Admin)).Value;
        Assert.False(s.Provisional);
        Assert.Equal(new UnitTotals(9.5m, 5, 1, 0, 15.5m, 16, 96.88m), s.Assessment.Totals);
        Assert.Equal("1/3 (đồng hạng)", s.RankText);
        Assert.Equal("Xuất sắc", s.Band);
        Assert.Equal(2.5m, s.Change);
        var l11 = s.Lines.First(l => l.Code == "1.1");
        Assert.Equal((4m, 3.5m, 3.5m, 0.5m, 3m, 0.5m), (l11.Self!.Value, l11.Appraised!.Value, l11.Points!.Value, l11.Lost!.Value, l11.Previous!.Value, l11.Change!.Value));
        var f1 = s.Lines.First(l => l.Code == "1");
        Assert.Equal((10m, 9.5m, 0.5m, 0.5m), (f1.Self!.Value, f1.Points!.Value, f1.Lost!.Value, f1.Change!.Value));
        Assert.Equal(1m, s.Lines.First(l => l.Code == "2.1").Change);
        Assert.Equal([95m, 83.33m], s.Fields.Select(f => f.Percent));

        var docx = Bytes(w => AssessmentWord.WriteScorecard(s, new DateOnly(2026, 2, 1), w));
        Keep($"phieu-ket-qua-SNV-{provider}.docx", docx);
        var word2 = WordText(docx);
        Assert.DoesNotContain("TẠM TÍNH", word2);
        Assert.Contains("Sở Nội vụ", word2);
        Assert.Contains("PHIẾU KẾT QUẢ", word2);
        Assert.Contains("15,5", word2);
        Assert.Contains("96,88 %", word2);
        Assert.Contains("1/3 (đồng hạng)", word2);
        Assert.Contains("Biên bản số 12/BB-HĐTĐ", word2);
        Assert.Contains("+2,5 (năm trước 13)", word2);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", word2);

        var pdf = Bytes(w => ScorecardPdf.Write(s, w));
        Keep($"phieu-ket-qua-SNV-{provider}.pdf", pdf);
        var text = PdfText(pdf, "scorecard");
        Assert.Contains("Sở Nội vụ", text);
        Assert.Contains("15,5", text);
        Assert.Contains("1/3 (đồng hạng)", text);
        Assert.Contains("Trang 1/", text);
        Assert.Contains("Điểm chính thức", text);
        Assert.DoesNotContain("TẠM TÍNH", text);
    }

    [Fact]
    public async Task A_long_scorecard_runs_onto_more_pages_with_the_table_header_and_page_numbers_on_each()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 12, 1, 2, 0, 0, TimeSpan.Zero));
        const string name = "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn, được số hoá và trả kết quả điện tử theo quy định";
        var key = NewKey();
        var doc = Framework(key, 72, [.. Enumerable.Range(1, 6).Select(f =>
            Node($"{f}", 12, null, [.. Enumerable.Range(1, 12).Select(k => Node($"{f}.{k}", 1) with { Name = $"{name} ({f}.{k})" })]))]);
        await using var db = database.NewContext();
        Assert.Empty((await new FrameworkImporter(db, clock).ImportAsync(doc, Actors.Admin("kiem.thu"), "Dữ liệu thử")).Problems);
        var s = new AssessmentService(db, clock);
        var id = (await s.CreateCycleAsync(new CycleSpec(2025, "Kỳ thử", new DateTime(2025, 12, 22, 10, 0, 0, DateTimeKind.Utc),
            new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 20), 7, [new GroupSpec("Khối sở", key, FrameworkBuilder.Version, ["SNV"])]), Admin)).Value.Id;
        Assert.True((await s.OpenCycleAsync(id, Admin)).Ok);

        var card = (await s.ScorecardAsync(id, "SNV", Admin)).Value;
        var pdf = Bytes(w => ScorecardPdf.Write(card, w));
        Keep($"phieu-ket-qua-dai-{provider}.pdf", pdf);
        var pages = PdfText(pdf, "long").Split('\f').Where(p => p.Trim().Length > 0).ToList();
        Assert.True(pages.Count >= 3, $"{pages.Count} pages");
        Assert.All(pages, p => Assert.Contains("Tối đa", p));
        Assert.All(pages, (p, i) => Assert.Contains($"Trang {i + 1}/{pages.Count}", p));
        Assert.Contains("(6.12)", pages[^1]);
    }

    [Fact]
    public async Task A_unit_sees_its_own_scorecard_without_the_rank_before_publication_and_not_another_units()
    {
        await using var built = await BuildAsync(publish: false);
        await using var db = built.Database.NewContext();
        var snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).FirstAsync();
        var head = new Actor("u", "Thủ trưởng", new HashSet<string> { Roles.UnitHead }, snv);
        var s = built.Service(db);
        var own = await s.ScorecardAsync(built.CycleId, "SNV", head);
        Assert.True(own.Ok, own.Error);
        Assert.Null(own.Value.Rank);
        Assert.Equal("", own.Value.RankText);
        Assert.Contains("TẠM TÍNH", PdfText(Bytes(w => ScorecardPdf.Write(own.Value, w)), "provisional"));
        await Assert.ThrowsAsync<AccessDenied>(() => s.ScorecardAsync(built.CycleId, "STP", head));
    }

    [Fact]
    public async Task The_ranking_is_written_to_Excel_with_numbers_and_ties_and_to_Word_as_the_decisions_appendix()
    {
        await using var built = await BuildAsync(publish: true);
        await using var db = built.Database.NewContext();
        var ranking = (await built.Service(db).RankingAsync(built.CycleId, Admin)).Value;

        var xlsx = Bytes(w => AssessmentExcel.WriteRanking(ranking, w));
        Keep($"bang-xep-hang-{provider}.xlsx", xlsx);
        Assert.Equal(["Khối sở, ban, ngành", AuditHead.Sheet], MiniExcel.GetSheetNames(new MemoryStream(xlsx)));
        var head = Assert.Single(new MemoryStream(xlsx).Query(useHeaderRow: true, sheetName: AuditHead.Sheet).Cast<IDictionary<string, object?>>());
        Assert.Equal(ranking.AuditHead!.Text, head["Nhật ký thay đổi"]);
        Assert.Equal(ranking.AuditHead.Hash, head["Mã đầy đủ"]);
        var rows = new MemoryStream(xlsx).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính"], rows.Select(r => (string)r["Đơn vị"]!));
        Assert.Equal([1d, 1d, 3d], rows.Select(r => (double)r["Hạng"]!));
        Assert.Equal([15.5d, 15.5d, 6d], rows.Select(r => (double)r["Tổng điểm"]!));
        Assert.Equal([96.88d, 96.88d, 37.5d], rows.Select(r => (double)r["Tỷ lệ %"]!));
        Assert.Equal(2.5d, (double)rows[0]["Thay đổi so với năm trước"]!);
        Assert.Null(rows[1]["Thay đổi so với năm trước"]);
        Assert.Equal(["đồng hạng", "đồng hạng", null], rows.Select(r => r["Ghi chú"] as string is { Length: > 0 } t ? t : null));
        Assert.Equal(["Hạng", "Đơn vị", "Điểm thẩm định", "Điểm điều tra XHH", "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Tỷ lệ %", "Xếp loại", "Thay đổi so với năm trước", "Ghi chú"],
            rows[0].Keys);

        var docx = Bytes(w => AssessmentWord.WriteRanking(ranking, w));
        Keep($"bang-xep-hang-{provider}.docx", docx);
        var word = WordText(docx);
        Assert.Contains("BẢNG XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025", word);
        Assert.Contains("KHỐI SỞ, BAN, NGÀNH", word);
        Assert.Contains("1 (đồng hạng)", word);
        Assert.Contains("96,88", word);
        Assert.Contains("37,5", word);
        Assert.DoesNotContain("TẠM TÍNH", word);
        Assert.Contains(ranking.AuditHead.Text + ". Mã đầy đủ: " + ranking.AuditHead.Hash, word);
    }

    [Fact]
    public async Task The_heat_map_workbook_has_points_lost_per_criterion_and_unit_with_column_totals()
    {
        await using var built = await BuildAsync(publish: false);
        await using var db = built.Database.NewContext();
        var maps = (await built.Service(db).HeatMapAsync(built.CycleId, Admin)).Value;
        var xlsx = Bytes(w => AssessmentExcel.WriteHeatMap(maps, w));
        Keep($"ban-do-nhiet-{provider}.xlsx", xlsx);
        var rows = new MemoryStream(xlsx).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["Đơn vị", "Tỷ lệ %", "1.1", "1.2", "2.1", "Tổng điểm bị mất"], rows[0].Keys);
        var byUnit = rows.ToDictionary(r => (string)r["Đơn vị"]!);
        Assert.Equal([0.5d, 0d, 1d, 1.5d], new[] { "1.1", "1.2", "2.1", "Tổng điểm bị mất" }.Select(k => (double)byUnit["Sở Nội vụ"][k]!));
        Assert.Equal([2d, 6d, 2d, 10d], new[] { "1.1", "1.2", "2.1", "Tổng điểm bị mất" }.Select(k => (double)byUnit["Sở Tài chính"][k]!));
        Assert.Equal([2.5d, 6d, 3.5d, 12d], new[] { "1.1", "1.2", "2.1", "Tổng điểm bị mất" }.Select(k => (double)byUnit["Tổng"][k]!));
        Assert.Equal("Tổng", rows[^1]["Đơn vị"]);
    }
}

public sealed class AssessmentExportSqliteTests() : AssessmentExportTests(Provider.Sqlite);
public sealed class AssessmentExportPostgresTests() : AssessmentExportTests(Provider.Postgres);

public sealed class PdfFontTests
{
    [Theory]
    [InlineData("NotoSans-Regular.ttf")]
    [InlineData("NotoSans-Bold.ttf")]
    public void Noto_Sans_is_shipped_inside_the_assembly_for_machines_without_the_fonts_package(string file)
    {
        using var face = PdfFonts.Embedded(file);
        Assert.Equal("Noto Sans", face.FamilyName);
        // Vietnamese letters with stacked diacritics have glyphs of their own.
        using var font = new SkiaSharp.SKFont(face);
        Assert.All(font.GetGlyphs("ếộữặ"), g => Assert.NotEqual(0, (int)g));
    }
}
