using System.Globalization;
using System.Text;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace ChiSo.Tests.Frameworks;

public abstract class ExcelRoundTripTests(Provider provider)
{
    const string Table = Workbook.Table, Info = Workbook.Info, Stt = "STT", Max = "Điểm tối đa", Result2023 = "Kết quả năm 2023", Lead = "Đơn vị chủ trì";

    static FrameworkExcel Excel(ChiSoDb db) => new(new FrameworkImporter(db, TimeProvider.System));

    static async Task<MemoryStream> ExportAsync(ChiSoDb db, string key, int year)
    {
        var doc = await FrameworkExport.DocumentAsync(db, key, year);
        Assert.NotNull(doc);
        var xlsx = new MemoryStream();
        Excel(db).Write(doc, year, xlsx);
        xlsx.Position = 0;
        return xlsx;
    }

    /// <summary>An empty database with the organisation registry only, so that leads resolve.</summary>
    async Task<TestDatabase> EmptyWithUnitsAsync()
    {
        var database = await TestDatabase.CreateAsync(provider, seeded: false);
        await using var db = database.NewContext();
        Assert.Empty(await new UnitImporter(db).ImportAsync(BuiltInData.Read<UnitsDocument>("units.json"), Actors.Admin()));
        return database;
    }

    [Theory]
    [InlineData("par-province", 2023)]
    [InlineData("sipas", 2023)]
    [InlineData("papi", 2023)]
    public async Task A_year_exported_to_excel_imports_into_an_empty_database_unchanged(string key, int year)
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        IndexReport original;
        MemoryStream xlsx;
        await using (var db = source.NewContext())
        {
            original = await Reports.IndexAsync(db, key, year);
            xlsx = await ExportAsync(db, key, year);
        }

        await using var target = await EmptyWithUnitsAsync();
        await using (var db = target.NewContext())
        {
            var import = await Excel(db).ImportAsync(xlsx, Actors.Admin("kiem.thu"), "Nhập lại tệp Excel đã xuất");
            Assert.Empty(import.Problems);
        }

        await using var check = target.NewContext();
        AssertSame(original, await Reports.IndexAsync(check, key, year));
    }

    [Theory]
    [InlineData("par-province")]
    [InlineData("sipas")]
    [InlineData("papi")]
    public async Task A_whole_framework_exported_to_json_imports_into_an_empty_database_unchanged(string key)
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        string json;
        var originals = new List<IndexReport>();
        await using (var db = source.NewContext())
        {
            var doc = await FrameworkExport.DocumentAsync(db, key, null);
            Assert.NotNull(doc);
            json = JsonSerializer.Serialize(doc, FrameworkDocument.Json);
            // A year's own leads come from that year's plan (seed 001's 2022 table), not from the framework's document:
            // the copy can only have the framework's leads, so the original is read with those.
            await db.CriterionYearLeads.ExecuteDeleteAsync();
            foreach (var year in doc.Results.Select(r => r.Year).Distinct()) originals.Add(await Reports.IndexAsync(db, key, year));
        }
        Assert.NotEmpty(originals);

        await using var target = await EmptyWithUnitsAsync();
        await using (var db = target.NewContext())
        {
            var import = await FrameworkExport.ImportJsonAsync(new FrameworkImporter(db, TimeProvider.System),
                new MemoryStream(Encoding.UTF8.GetBytes(json)), Actors.Admin("kiem.thu"), "Nhập lại tệp JSON đã xuất");
            Assert.Empty(import.Problems);
        }

        await using var check = target.NewContext();
        Assert.Equal(json, JsonSerializer.Serialize(await FrameworkExport.DocumentAsync(check, key, null), FrameworkDocument.Json));
        foreach (var original in originals)
        {
            var copy = await Reports.IndexAsync(check, key, original.Year);
            AssertSame(original, copy);
            // The whole framework came along, so last year's values and this year's own target too.
            Assert.Equal(original.Flatten().Select(r => r.Previous), copy.Flatten().Select(r => r.Previous));
            Assert.Equal(original.TargetForYear, copy.TargetForYear);
        }
    }

    [Fact]
    public async Task Codes_that_look_like_numbers_survive_the_sheet()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var doc = FrameworkBuilder.Framework(FrameworkBuilder.NewKey(), 10,
            FrameworkBuilder.Node("1", 4, "Sở Nội vụ", FrameworkBuilder.Node("1.1", 1), FrameworkBuilder.Node("1.10", 3)),
            FrameworkBuilder.Node("10", 6, "Sở Tư pháp (phần thể chế)"));
        doc.Results.Add(FrameworkBuilder.Result(2023, 9, ("1", 3), ("1.1", 1), ("1.10", 2), ("10", 6)));
        var xlsx = new MemoryStream();
        await using (var db = database.NewContext()) Excel(db).Write(doc, 2023, xlsx);
        xlsx.Position = 0;

        var (read, _, problems) = FrameworkExcel.Read(xlsx);

        Assert.Empty(problems);
        Assert.NotNull(read);
        Assert.Equal(["1", "1.1", "1.10", "10"], FrameworkImporter.Flatten(read.Versions[0].Criteria).Select(c => c.Code));
        Assert.Equal(2m, read.Results[0].Scores["1.10"]);
        Assert.Equal(new LeadDocument("Sở Tư pháp", "phần thể chế"), read.Versions[0].Criteria[1].Lead.Single());
    }

    [Fact]
    public async Task The_exported_workbook_is_the_appendix_layout_in_vietnamese()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var xlsx = await ExportAsync(db, "par-province", 2023);

        Assert.Equal("PK"u8.ToArray(), xlsx.ToArray()[..2]);
        Assert.Equal([Table, Info], xlsx.GetSheetNames());
        var book = Workbook.Open(xlsx);
        var (rows, info) = (book.Rows, book.InfoRows);
        Assert.Equal([Stt, "Lĩnh vực", Max, Result2023, "Mục tiêu năm 2024", Lead], rows[0].Keys.Take(6));
        var total = rows[0];
        Assert.Equal("Tổng cộng", total["Lĩnh vực"]);
        Assert.Equal(100m, Workbook.Number(total[Max]));
        Assert.Equal(91.43m, Workbook.Number(total[Result2023]));
        // "> 92": a target that is not "at least" keeps its sign in the cell.
        var totalTarget = Workbook.Text(total["Mục tiêu năm 2024"])!;
        Assert.StartsWith(">", totalTarget);
        Assert.Equal(92m, decimal.Parse(totalTarget[1..], CultureInfo.InvariantCulture));
        var row81 = book["8.1"];
        Assert.Equal((10m, 8.37m, 8.5m, "Sở Nội vụ"), (Workbook.Number(row81[Max]), Workbook.Number(row81[Result2023]), Workbook.Number(row81["Mục tiêu năm 2024"]), Workbook.Text(row81[Lead])));
        Assert.Equal(1 + (await Reports.IndexAsync(db, "par-province", 2023)).Flatten().Count(), rows.Count);
        Assert.Contains(info, r => Workbook.Text(r["Mã"]) == "rank" && Workbook.Text(r["Giá trị"]) == "3/63");
    }

    [Fact]
    public async Task A_score_above_max_is_refused_on_the_row_of_that_criterion()
    {
        await AssertRefusedAsync(book => book["2.4.1"][Result2023] = 5, (book, problems) =>
        {
            var p = Assert.Single(problems);
            Assert.Equal(book.RowOf("2.4.1"), p.Row);
            Assert.Equal("Kết quả 5 vượt điểm tối đa 1.", p.Message);
        });
    }

    [Fact]
    public async Task Text_in_a_number_column_is_refused_on_its_row_and_column()
    {
        await AssertRefusedAsync(book => book["3.2.1"][Max] = "abc", (book, problems) =>
        {
            var p = Assert.Single(problems);
            Assert.Equal(book.RowOf("3.2.1"), p.Row);
            Assert.Equal(Max, p.Column);
            Assert.Equal("'abc' không phải là số.", p.Message);
        });
    }

    [Fact]
    public async Task A_duplicated_stt_is_refused_naming_both_rows()
    {
        var first = 0;
        await AssertRefusedAsync(book =>
        {
            first = book.RowOf("1.2");
            book["1.3"][Stt] = "1.2";
        }, (book, problems) =>
        {
            var p = Assert.Single(problems);
            Assert.Equal(first + 1, p.Row);
            Assert.Equal(Stt, p.Column);
            Assert.Equal($"Mã tiêu chí '1.2' bị trùng (đã có ở dòng {first}).", p.Message);
        });
    }

    [Fact]
    public async Task Codes_whose_parent_row_is_missing_are_refused_row_by_row()
    {
        await AssertRefusedAsync(book => book.Rows.Remove(book["2.4"]), (book, problems) =>
        {
            Assert.Equal(new[] { "2.4.1", "2.4.2", "2.4.3", "2.4.4" }.Select(c => (int?)book.RowOf(c)), problems.Select(p => p.Row));
            Assert.All(problems, p => Assert.Contains("không có tiêu chí cha '2.4'", p.Message));
        });
    }

    [Fact]
    public async Task An_unknown_lead_agency_is_refused_on_its_row()
    {
        await AssertRefusedAsync(book => book["3.3"][Lead] = "Sở Không Có Thật", (book, problems) =>
        {
            var p = Assert.Single(problems);
            Assert.Equal(book.RowOf("3.3"), p.Row);
            Assert.Equal("3.3", p.Where);
            Assert.Contains("'Sở Không Có Thật'", p.Message);
        });
    }

    [Fact]
    public async Task Every_bad_cell_of_a_sheet_is_reported_in_one_go()
    {
        await AssertRefusedAsync(book =>
        {
            book["1.1"][Result2023] = "chín";
            book["6.2.1"][Max] = "x";
            book["7.1"]["Mục tiêu năm 2024"] = "khoảng 3";
        }, (book, problems) =>
        {
            Assert.Equal([book.RowOf("1.1"), book.RowOf("6.2.1"), book.RowOf("7.1")], problems.Select(p => p.Row));
            Assert.Equal([Result2023, Max, "Mục tiêu năm 2024"], problems.Select(p => p.Column));
            Assert.All(problems, p => Assert.False(string.IsNullOrEmpty(p.ToString())));
        });
    }

    /// <summary>Exports PAR INDEX 2023 from a seeded database, breaks the sheet, imports it back into the same
    /// database, and checks that it was refused and that nothing changed.</summary>
    async Task AssertRefusedAsync(Action<Workbook> breakIt, Action<Workbook, IReadOnlyList<ImportProblem>> check)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string before;
        int audit;
        Workbook book;
        await using (var db = database.NewContext())
        {
            before = JsonSerializer.Serialize(await Reports.IndexAsync(db, "par-province", 2023));
            audit = await db.Audit.CountAsync();
            book = Workbook.Open(await ExportAsync(db, "par-province", 2023));
        }
        breakIt(book);
        var xlsx = book.Save();

        ImportReport report;
        await using (var db = database.NewContext()) report = await Excel(db).ImportAsync(xlsx, Actors.Admin("kiem.thu"), "Tệp hỏng");

        Assert.False(report.Succeeded);
        check(book, report.Problems);
        await using var fresh = database.NewContext();
        Assert.Equal(before, JsonSerializer.Serialize(await Reports.IndexAsync(fresh, "par-province", 2023)));
        Assert.Equal(audit, await fresh.Audit.CountAsync());
    }

    /// <summary>Same framework, year, unit, headline and tree. Previous-year values are left out: the copy
    /// may hold one year only.</summary>
    static void AssertSame(IndexReport expected, IndexReport actual)
    {
        Assert.Equal(
            (expected.Framework, expected.FrameworkName, expected.FrameworkNameEn, expected.Scale, expected.Year, expected.Unit,
                expected.UnitName, expected.Version, expected.Max, expected.Result, expected.Rank, expected.Band, expected.Source),
            (actual.Framework, actual.FrameworkName, actual.FrameworkNameEn, actual.Scale, actual.Year, actual.Unit,
                actual.UnitName, actual.Version, actual.Max, actual.Result, actual.Rank, actual.Band, actual.Source));
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal(expected.Inconsistencies.Where(i => i.Field != "previous"), actual.Inconsistencies.Where(i => i.Field != "previous"));
        Assert.Equal(Nodes(expected), Nodes(actual));
    }

    static List<(string, string, string, string?, decimal?, decimal?, decimal?, string?, string, string, string?)> Nodes(IndexReport r) =>
        r.Flatten().Select(n => (n.Code, string.Join(",", n.Children.Select(c => c.Code)), n.Name, n.NameEn, n.Max, n.Result, n.Target,
            n.TargetComparator, string.Join("; ", n.Lead), n.Method, n.Note)).ToList();
}

public sealed class ExcelRoundTripSqliteTests() : ExcelRoundTripTests(Provider.Sqlite);

public sealed class ExcelRoundTripPostgresTests() : ExcelRoundTripTests(Provider.Postgres);
