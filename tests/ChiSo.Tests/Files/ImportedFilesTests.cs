using System.Text;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using ChiSo.Tests.Infrastructure;
using MiniExcelLibs;

namespace ChiSo.Tests.Files;

/// <summary>The one reader of imported files and the one CSV writer, without a database.</summary>
public sealed class ImportedFilesTests
{
    static readonly ImportLimits Small = new("dòng thử", 1024 * 1024, 10, 50 * 1024 * 1024);

    static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Csv_cells_that_a_spreadsheet_would_run_are_neutralised_and_quoting_holds()
    {
        Assert.Equal("\"'=HYPERLINK(\"\"http://x\"\")\"", Csv.Cell("=HYPERLINK(\"http://x\")"));
        Assert.Equal("'+1", Csv.Cell("+1"));
        Assert.Equal("'-2", Csv.Cell("-2"));
        Assert.Equal("'@x", Csv.Cell("@x"));
        Assert.Equal("'\tx", Csv.Cell("\tx"));
        Assert.Equal("\"'\rx\"", Csv.Cell("\rx"));
        Assert.Equal("\"Dòng 2, cột \"\"A\"\"\"", Csv.Cell("Dòng 2, cột \"A\""));
        Assert.Equal("\"hai\ndòng\"", Csv.Cell("hai\ndòng"));
        Assert.Equal("Bình thường", Csv.Cell("Bình thường"));
        Assert.Equal("", Csv.Cell(null));
        var text = new Csv("Dòng", "Lỗi").Row("2", "=1+1").ToString();
        Assert.Equal("\uFEFFDòng,Lỗi\r\n2,'=1+1\r\n", text);
    }

    [Fact]
    public void A_CSV_file_saved_on_a_Mac_reads_like_any_other()
    {
        var nfd = "Đơn vị;Nhóm;Ý kiến\r\nSNV;citizens;\"Có; rất tốt\"\r\n\r\nSTP;organisations;Không\r\n".Normalize(NormalizationForm.FormD);
        Assert.NotEqual(nfd, nfd.Normalize(NormalizationForm.FormC));
        using var table = ImportedFiles.ReadCsv(Utf8(nfd), Small);
        Assert.Equal(["Đơn vị", "Nhóm", "Ý kiến"], table.Columns);
        Assert.Equal(0, table.Column("đơn vị"));
        var rows = table.Rows.ToList();
        Assert.Equal([2, 4], rows.Select(r => r.Number));
        Assert.Equal("Có; rất tốt", rows[0][2]);
        Assert.Equal("Không", rows[1][2]);
        Assert.True(((string)rows[1][2]!).IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public void A_CSV_past_its_row_limit_or_with_an_endless_record_is_refused_as_too_large_and_one_not_in_UTF8_as_unreadable()
    {
        var many = "A,B\n" + string.Concat(Enumerable.Repeat("1,2\n", 11));
        using (var table = ImportedFiles.ReadCsv(Utf8(many), Small))
        {
            var refused = Assert.Throws<FileRefused>(() => table.Rows.Count());
            Assert.Equal(413, refused.Status);
            Assert.Contains("10 dòng", refused.Message);
        }
        // An unclosed quote swallows the rest of the file into one record: stopped at the cap, not read whole.
        var endless = "A,B\n1,\"" + new string('x', ImportLimits.MaxRecordChars + 10);
        using (var table = ImportedFiles.ReadCsv(Utf8(endless), Small with { MaxBytes = 10 * 1024 * 1024 }))
            Assert.Equal(413, Assert.Throws<FileRefused>(() => table.Rows.Count()).Status);
        // "Nhóm" as Windows-1258 writes it: ó is the single byte 0xF3, not valid UTF-8.
        var windows1258 = new MemoryStream([.. "Don vi,Nh"u8, 0xF3, .. "m\nSNV,citizens\n"u8]);
        Assert.Equal(422, Assert.Throws<FileRefused>(() => ImportedFiles.ReadCsv(windows1258, Small)).Status);
        var xls = new MemoryStream([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]);
        Assert.Contains(".xls", Assert.Throws<FileRefused>(() => ImportedFiles.Read(xls, Small)).Message);
        Assert.Equal(413, Assert.Throws<FileRefused>(() => ImportedFiles.Read(new MemoryStream(new byte[Small.MaxBytes + 1]), Small)).Status);
    }

    [Fact]
    public void A_zip_bomb_is_refused_from_its_central_directory_before_anything_inflates()
    {
        var bomb = BadFiles.SharedZipBomb;
        Assert.InRange(bomb.Length, 1, 3 * 1024 * 1024);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var refused = Assert.Throws<FileRefused>(() => ImportedFiles.Workbook.Open(new MemoryStream(bomb), ImportLimits.PaperForms));
        // A sanity check, not a figure (bench/README.md has those): nothing of the 450 MB was inflated into memory.
        Assert.InRange(GC.GetTotalMemory(forceFullCollection: true) - before, long.MinValue, 32 * 1024 * 1024);
        Assert.Equal(413, refused.Status);
        Assert.Contains("trước khi đọc", refused.Message);

        // Under the ratio's floor but past the import's inflated total.
        var big = BadFiles.ZipBomb(inflatedMb: 3);
        Assert.Contains("giải nén ra", Assert.Throws<FileRefused>(() => ImportedFiles.Workbook.Open(new MemoryStream(big), Small with { MaxInflatedBytes = 2 * 1024 * 1024 })).Message);
    }

    [Fact]
    public void Broken_workbooks_are_unreadable_files_not_errors()
    {
        foreach (var bad in new[] { BadFiles.NotAZip(), BadFiles.ZipWithoutWorkbook(), BadFiles.BrokenXml() })
        {
            var refused = Assert.Throws<FileRefused>(() =>
            {
                using var table = ImportedFiles.Read(new MemoryStream(bad), Small);
                return table.Rows.Count();
            });
            Assert.Equal(422, refused.Status);
        }
        var book = ImportedFiles.Workbook.Open(new MemoryStream(BadFiles.Workbook(_ => { })), Small);
        Assert.Equal(422, Assert.Throws<FileRefused>(() => book.Read("Phụ lục")).Status);
    }

    [Fact]
    public void A_workbook_saved_on_a_Mac_finds_its_sheet_and_headers_and_counts_its_rows_as_they_come()
    {
        var xlsx = new MemoryStream();
        var sheet = "Phiếu".Normalize(NormalizationForm.FormD);
        xlsx.SaveAs(new Dictionary<string, object>
        {
            [sheet] = Enumerable.Range(1, 12).Select(i => new Dictionary<string, object?>
            {
                ["Đơn vị".Normalize(NormalizationForm.FormD)] = "SNV", ["Điểm".Normalize(NormalizationForm.FormD)] = i * 0.5,
                ["Ý kiến".Normalize(NormalizationForm.FormD)] = "Hài lòng".Normalize(NormalizationForm.FormD),
            }).ToList(),
        });
        var book = ImportedFiles.Workbook.Open(xlsx, Small);
        Assert.Equal(["Phiếu"], book.Sheets);
        using var table = book.Read("Phiếu");
        Assert.Equal(["Đơn vị", "Điểm", "Ý kiến"], table.Columns);
        Assert.Equal(12, table.DeclaredRows);
        var read = new List<SheetRow>();
        Assert.Equal(413, Assert.Throws<FileRefused>(() => { foreach (var r in table.Rows) read.Add(r); }).Status);
        Assert.Equal(10, read.Count);
        Assert.Equal((2, 0.5, "Hài lòng"), (read[0].Number, (double)read[0][1]!, (string)read[0][2]!));
    }

    [Fact]
    public void Reports_keep_the_problems_of_the_first_1000_rows_and_count_the_rest()
    {
        var rows = ProblemRows<ImportProblem>.Of(
            Enumerable.Range(2, 5000).SelectMany(r => new[] { new ImportProblem("a") { Row = r }, new ImportProblem("b") { Row = r } })
                .Append(new ImportProblem("Thiếu dòng tổng")), p => p.Row);
        Assert.Equal(2001, rows.Problems.Count);
        Assert.Equal(4000, rows.MoreRows);
        Assert.Equal("… và 4.000 dòng lỗi khác", ProblemRows.More(rows.MoreRows));
    }

    [Fact]
    public void An_imported_document_is_normalised_to_NFC_down_its_tree()
    {
        static string D(string s) => s.Normalize(NormalizationForm.FormD);
        var doc = FrameworkBuilder.Framework("thu", 10, FrameworkBuilder.Node("1", 10, D("Sở Nội vụ"), FrameworkBuilder.Node("1.1", 10)));
        doc = doc with { Name = D("Bộ chỉ số thử"), Results = [FrameworkBuilder.Result(2023, 5, ("1.1", 5)) with { Missing = new() { [D("1.1")] = D("Thiếu số liệu") } }] };
        doc.Versions[0].Criteria[0].Children[0].PreviousCodes.Add(D("1.1 cũ"));
        ImportedFiles.NfcDocument(doc);
        Assert.Equal("Bộ chỉ số thử", doc.Name);
        Assert.Equal("Sở Nội vụ", doc.Versions[0].Criteria[0].Lead[0].Agency);
        Assert.Equal("1.1 cũ", doc.Versions[0].Criteria[0].Children[0].PreviousCodes[0]);
        Assert.Equal("Thiếu số liệu", doc.Results[0].Missing["1.1"]);
    }
}
