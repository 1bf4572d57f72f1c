using System.Text;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static ChiSo.Tests.Infrastructure.FrameworkBuilder;

namespace ChiSo.Tests.Frameworks;

/// <summary>The scoring rules of the city's unit indices: the built-in samples, the checks of the import, and the
/// round trip of every rule field through JSON and the appendix workbook.</summary>
public abstract class FrameworkRulesTests(Provider provider)
{
    const string Departments = "city-par-departments", Communes = "city-par-communes";

    static FrameworkExcel Excel(ChiSoDb db) => new(new FrameworkImporter(db, TimeProvider.System));

    async Task<TestDatabase> EmptyWithUnitsAsync()
    {
        var database = await TestDatabase.CreateAsync(provider, seeded: false);
        await using var db = database.NewContext();
        Assert.Empty(await new UnitImporter(db).ImportAsync(BuiltInData.Read<UnitsDocument>("units.json"), Actors.Admin()));
        return database;
    }

    static string Json(FrameworkDocument? doc) => JsonSerializer.Serialize(doc, FrameworkDocument.Json);

    [Theory]
    [InlineData(Departments, new[] { "2024", "2025", "2025-5666" })]
    [InlineData(Communes, new[] { "2025", "2025-5666" })]
    public async Task A_built_in_sample_loads_named_as_a_sample_with_sums_that_hold(string key, string[] labels)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var doc = await FrameworkExport.DocumentAsync(db, key, null);

        Assert.NotNull(doc);
        Assert.Contains("(MẪU)", doc.Name);
        Assert.Empty(doc.Results);
        Assert.Equal(labels, doc.Versions.Select(v => v.Label));
        // The samples on 5666's nine contents (decision 0020): scoring kinds as rich, a ninth content of bonus and penalty.
        var v5666 = doc.Versions.Single(v => v.Label == "2025-5666");
        Assert.Contains("MẪU", v5666.Name);
        Assert.Contains("5666/QĐ-UBND", v5666.Source);
        Assert.Equal(100m, v5666.Criteria.Take(8).Sum(c => c.Max));
        var leaves5666 = FrameworkImporter.Flatten(v5666.Criteria).Where(c => c.Children.Count == 0).ToList();
        Assert.Equal(["levels", "percent", "points", "yesno"], leaves5666.Where(c => c.Method == "appraisal" && c.Kind == "standard").Select(c => c.Answer).Distinct().Order());
        Assert.Equal([("9.1", "bonus", 3m), ("9.2", "penalty", 5m)], v5666.Criteria[8].Children.Select(c => (c.Code, c.Kind, c.Max!.Value)));
        foreach (var v in doc.Versions.Where(v => v != v5666))
        {
            Assert.Contains("không phải Quyết định 4210/3598/5666/QĐ-UBND", v.Source);
            Assert.Equal(100m, v.Max);
            Assert.Equal(v.Max, v.Criteria.Where(c => c.Kind == "standard").Sum(c => c.Max));
            var all = FrameworkImporter.Flatten(v.Criteria).ToList();
            Assert.All(all.Where(c => c.Children.Count > 0), c => Assert.Equal(c.Max, c.Children.Sum(x => x.Max)));
            var leaves = all.Where(c => c.Children.Count == 0 && c.Kind == "standard").ToList();
            var appraisal = leaves.Where(c => c.Method == "appraisal").ToList();
            Assert.Equal(70m, appraisal.Sum(c => c.Max));
            Assert.Equal(30m, leaves.Where(c => c.Method == "survey").Sum(c => c.Max));
            Assert.InRange(appraisal.Count, 20, 32);
            Assert.Equal(["levels", "percent", "points", "yesno"], appraisal.Select(c => c.Answer).Distinct().Order());
            Assert.All(appraisal.Where(c => c.Answer == "points"), c => Assert.Contains(c.Step, new decimal?[] { 0.25m, 0.5m }));
            Assert.True(appraisal.Count(c => c.EvidenceRequired) > appraisal.Count / 2);
            var bonus = Assert.Single(all, c => c.Kind == "bonus");
            Assert.Equal(("Điểm thưởng: sáng kiến, giải pháp CCHC", 3m), (bonus.Name, bonus.Max!.Value));
            var penalty = Assert.Single(all, c => c.Kind == "penalty");
            Assert.Equal(("Điểm trừ: vi phạm kỷ luật, chậm báo cáo", 5m), (penalty.Name, penalty.Max!.Value));
        }
        if (key == Departments)
        {
            var only = Assert.Single(FrameworkImporter.Flatten(doc.Versions[0].Criteria), c => c.AppliesTo.Count > 0);
            Assert.Equal(["department-level-agency"], only.AppliesTo);
            Assert.True(only.AllowNotApplicable);
        }
    }

    [Fact]
    public async Task The_2025_departments_version_maps_every_2024_criterion_through_its_previous_codes()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var framework = await db.Frameworks.Include(f => f.Versions).ThenInclude(v => v.Criteria).SingleAsync(f => f.Key == Departments);

        var v2024 = framework.VersionFor(2024)!;
        var v2025 = framework.Versions.Single(v => v.Label == "2025");

        Assert.Equal(("2024", "2025"), (v2024.Label, v2025.Label));
        Assert.Equal(2025, framework.VersionFor(2030)!.ValidFromYear);
        var old = v2024.Criteria.Select(c => c.Code).ToHashSet();
        var mapped = v2025.Criteria.SelectMany(c => c.PreviousCodes).ToList();
        Assert.All(mapped, code => Assert.Contains(code, old));
        Assert.Equal(old.Order(), mapped.Distinct().Order());
        Assert.All(v2024.Criteria, c => Assert.Empty(c.PreviousCodes));
        string[] Previous(string code) => [.. v2025.Criteria.Single(c => c.Code == code).PreviousCodes];
        Assert.Equal(["1.5", "1.6"], Previous("1.5"));
        Assert.Equal(["1.7"], Previous("1.6"));
        Assert.Equal(["6.3", "6.4"], Previous("6.3"));
        Assert.Equal(["7.1", "7.4"], Previous("7.3"));
        Assert.Equal(["7.2"], Previous("7.1"));
    }

    [Theory]
    [InlineData(Departments)]
    [InlineData(Communes)]
    public async Task A_sample_exported_to_json_imports_into_an_empty_database_unchanged(string key)
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        string json;
        await using (var db = source.NewContext()) json = Json(await FrameworkExport.DocumentAsync(db, key, null));

        await using var target = await EmptyWithUnitsAsync();
        await using (var db = target.NewContext())
        {
            var import = await FrameworkExport.ImportJsonAsync(new FrameworkImporter(db, TimeProvider.System),
                new MemoryStream(Encoding.UTF8.GetBytes(json)), Actors.Admin("kiem.thu"), "Nhập lại");
            Assert.Empty(import.Problems);
        }

        await using var check = target.NewContext();
        Assert.Equal(json, Json(await FrameworkExport.DocumentAsync(check, key, null)));
    }

    [Theory]
    [InlineData(Departments, 2024)]
    [InlineData(Departments, 2025)]
    [InlineData(Communes, 2025)]
    public async Task A_sample_year_exported_to_excel_imports_into_an_empty_database_unchanged(string key, int year)
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        string json;
        var xlsx = new MemoryStream();
        await using (var db = source.NewContext())
        {
            var doc = await FrameworkExport.DocumentAsync(db, key, year);
            json = Json(doc);
            Excel(db).Write(doc!, year, xlsx);
        }
        xlsx.Position = 0;
        var book = Workbook.Open(xlsx);
        Assert.Equal(["Loại", "Áp dụng cho", "Kiểu trả lời", "Bước điểm", "Các mức", "Cho phép không áp dụng", "Cần tài liệu kiểm chứng", "Cách chấm", "Mã năm trước"],
            book.Rows[0].Keys.Skip(10));
        if (year == 2024)
        {
            Assert.Equal("Điểm thưởng", book["9"]["Loại"]);
            Assert.Equal("Đầy đủ=1,5; Một phần=0,75; Không=0", book["2.2"]["Các mức"]);
        }
        else
        {
            // From 2025 the 5666 sample: the ninth content holds the bonus and the penalty.
            Assert.Equal(["Thường", "Điểm thưởng", "Điểm trừ"], new[] { "9", "9.1", "9.2" }.Select(code => Workbook.Text(book[code]["Loại"])));
            Assert.Equal("Đúng hạn, đủ văn bản=1,5; Thực hiện một phần, chậm hoặc thiếu nội dung=0,75; Không thực hiện=0", book["2.2"]["Các mức"]);
        }
        Assert.Equal("Thẩm định", book["2.2"]["Phương pháp chấm"]);
        xlsx.Position = 0;

        await using var target = await EmptyWithUnitsAsync();
        await using (var db = target.NewContext())
        {
            // 2025 names 2024's codes, but the empty database has no 2024 to check them against: accepted.
            var import = await Excel(db).ImportAsync(xlsx, Actors.Admin("kiem.thu"), "Nhập lại tệp Excel");
            Assert.Empty(import.Problems);
        }

        await using var check = target.NewContext();
        Assert.Equal(json, Json(await FrameworkExport.DocumentAsync(check, key, year)));
    }

    [Fact]
    public async Task A_workbook_written_in_the_guidance_words_imports_its_rules()
    {
        await using var database = await EmptyWithUnitsAsync();
        var key = NewKey();
        var xlsx = new MemoryStream();
        await using (var db = database.NewContext())
            Excel(db).Write(Framework(key, 10, Node("1", 10, null, Node("1.1", 4), Node("1.2", 6))), 2025, xlsx);
        xlsx.Position = 0;
        var book = Workbook.Open(xlsx);
        book["1.1"]["Kiểu trả lời"] = "Mức";
        book["1.1"]["Các mức"] = "Đầy đủ=4; Một phần=2,5; Không=0";
        book["1.1"]["Áp dụng cho"] = "sở; Quận/huyện; xã/phường";
        book["1.1"]["Cần tài liệu kiểm chứng"] = "x";
        book["1.2"]["Kiểu trả lời"] = "có-không";
        book["1.2"]["Phương pháp chấm"] = "Điều tra XHH";
        book["1.2"]["Cho phép không áp dụng"] = "Có";
        book["1.2"]["Cách chấm"] = "Có: 6 điểm.";

        await using (var db = database.NewContext())
            Assert.Empty((await Excel(db).ImportAsync(book.Save(), Actors.Admin("kiem.thu"), "Nhập")).Problems);

        await using var check = database.NewContext();
        var criteria = await check.Criteria.Where(c => check.FrameworkVersions.Any(v => v.Id == c.VersionId && v.Framework!.Key == key))
            .ToDictionaryAsync(c => c.Code);
        var c11 = criteria["1.1"];
        Assert.Equal(AnswerType.Levels, c11.Answer);
        Assert.Equal([new ScoreLevel("Đầy đủ", 4), new ScoreLevel("Một phần", 2.5m), new ScoreLevel("Không", 0)], c11.Levels);
        Assert.Equal([UnitKind.Department, UnitKind.District, UnitKind.Commune], c11.AppliesTo);
        Assert.True(c11.EvidenceRequired);
        var c12 = criteria["1.2"];
        Assert.Equal((AnswerType.YesNo, ScoringMethod.Survey, true, "Có: 6 điểm."), (c12.Answer, c12.Method, c12.AllowNotApplicable, c12.Rule));
        Assert.Equal(CriterionKind.Standard, c12.Kind);
    }

    [Fact]
    public async Task An_old_workbook_without_the_rule_columns_still_imports_with_the_defaults()
    {
        await using var source = await TestDatabase.CreateAsync(provider);
        var xlsx = new MemoryStream();
        await using (var db = source.NewContext()) Excel(db).Write((await FrameworkExport.DocumentAsync(db, "par-province", 2023))!, 2023, xlsx);
        xlsx.Position = 0;
        var book = Workbook.Open(xlsx);
        foreach (var row in book.Rows)
            foreach (var column in row.Keys.Skip(10).ToList()) row.Remove(column);
        var keys = new Dictionary<string, string> { ["Thẩm định"] = "appraisal", ["Điều tra XHH"] = "survey", ["Nguồn bên ngoài"] = "external", ["Tính toán"] = "computed" };
        foreach (var row in book.Rows) row["Phương pháp chấm"] = Workbook.Text(row["Phương pháp chấm"]) is { } m && keys.TryGetValue(m, out var k) ? k : null;

        await using var target = await EmptyWithUnitsAsync();
        await using (var db = target.NewContext())
            Assert.Empty((await Excel(db).ImportAsync(book.Save(), Actors.Admin("kiem.thu"), "Tệp cũ")).Problems);

        await using var check = target.NewContext();
        var criteria = await check.Criteria.ToListAsync();
        Assert.NotEmpty(criteria);
        Assert.All(criteria, c => Assert.Equal((CriterionKind.Standard, AnswerType.Points, false, 0), (c.Kind, c.Answer, c.EvidenceRequired, c.Levels.Count)));
        Assert.Contains(criteria, c => c.Method == ScoringMethod.Survey);
    }

    [Fact]
    public async Task A_bad_levels_cell_is_refused_on_its_row_and_column()
    {
        await using var database = await EmptyWithUnitsAsync();
        var xlsx = new MemoryStream();
        await using (var db = database.NewContext()) Excel(db).Write(Framework(NewKey(), 10, Node("1", 10)), 2025, xlsx);
        xlsx.Position = 0;
        var book = Workbook.Open(xlsx);
        book["1"]["Kiểu trả lời"] = "Mức";
        book["1"]["Các mức"] = "Đầy đủ=10; Một phần";

        ImportReport report;
        await using (var db = database.NewContext()) report = await Excel(db).ImportAsync(book.Save(), Actors.Admin("kiem.thu"), "Nhập");

        var p = Assert.Single(report.Problems);
        Assert.Equal((book.RowOf("1"), "Các mức"), (p.Row, p.Column));
        Assert.StartsWith("Mức 'Một phần' không đúng dạng", p.Message);
    }

    public static TheoryData<string, Func<CriterionDocument, CriterionDocument>, string> BadRules => new()
    {
        { "one level", c => c with { Answer = "levels", Levels = [new("Đạt", 4)] }, "Tiêu chí chấm theo mức cần ít nhất 2 mức." },
        { "level above max", c => c with { Answer = "levels", Levels = [new("Đạt", 5), new("Không", 0)] }, "Mức 'Đạt' có 5 điểm, ngoài khoảng 0–4." },
        { "negative level", c => c with { Answer = "levels", Levels = [new("Đạt", 4), new("Không", -1)] }, "Mức 'Không' có -1 điểm, ngoài khoảng 0–4." },
        { "levels on points", c => c with { Levels = [new("Đạt", 4), new("Không", 0)] }, "Chỉ tiêu chí có kiểu trả lời 'Mức' mới có các mức (kiểu hiện tại: Điểm)." },
        { "zero step", c => c with { Step = 0 }, "Bước điểm 0 phải lớn hơn 0." },
        { "step not dividing max", c => c with { Step = 0.3m }, "Điểm tối đa 4 không chia hết cho bước điểm 0,3." },
        { "bonus without max", c => c with { Kind = "bonus", Max = null }, "Điểm thưởng cần điểm tối đa (mức trần) lớn hơn 0." },
        { "penalty without max", c => c with { Kind = "Điểm trừ", Max = 0 }, "Điểm trừ cần điểm tối đa (mức trần) lớn hơn 0." },
        { "unknown kind", c => c with { Kind = "khác" }, "Loại tiêu chí 'khác' không hợp lệ (Thường, Điểm thưởng hoặc Điểm trừ)." },
        { "unknown answer", c => c with { Answer = "chữ" }, "Kiểu trả lời 'chữ' không hợp lệ (Điểm, Có/Không, Mức hoặc Tỷ lệ %)." },
        { "unknown unit kind", c => c with { AppliesTo = ["huyện đảo"] }, "Loại đơn vị 'huyện đảo' không rõ (ví dụ: sở, cơ quan tương đương sở, quận/huyện, xã/phường)." },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task A_bad_scoring_rule_is_refused_in_vietnamese_naming_the_criterion(string what, Func<CriterionDocument, CriterionDocument> breakIt, string message)
    {
        Assert.NotEmpty(what);
        var doc = Framework(NewKey(), 10, Node("1", 10, null, Node("1.1", 4), Node("1.2", 6)));
        doc.Versions[0].Criteria[0].Children[0] = breakIt(doc.Versions[0].Criteria[0].Children[0]);

        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var report = await new FrameworkImporter(db, TimeProvider.System).ImportAsync(doc, Actors.Admin("kiem.thu"), "Nhập");

        var p = Assert.Single(report.Problems);
        Assert.Equal(("1.1", message), (p.Where, p.Message));
        Assert.False(await db.Frameworks.AnyAsync(f => f.Key == doc.Key));
    }

    [Fact]
    public async Task Previous_codes_must_name_criteria_of_the_version_before()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var key = NewKey();
        var first = Framework(key, 10, Node("1", 10, null, Node("1.1", 4), Node("1.2", 6)));
        var second = Framework(key, 10, Node("1", 10, null, Node("1.1", 10) with { PreviousCodes = ["1.1", "1.3"] }));
        second.Versions[0] = second.Versions[0] with { Label = "V2", ValidFromYear = 2025 };
        // The first version alone names no previous codes checkable against anything: a first version may carry
        // codes from outside the system.
        var alone = Framework(key, 10, Node("1", 10) with { PreviousCodes = ["9.9"] });

        await using var db = database.NewContext();
        var importer = new FrameworkImporter(db, TimeProvider.System);
        Assert.Empty((await importer.ImportAsync(first, Actors.Admin("kiem.thu"), "Nhập")).Problems);
        var refused = await importer.ImportAsync(second, Actors.Admin("kiem.thu"), "Nhập");
        var p = Assert.Single(refused.Problems);
        Assert.Equal(("1.1", "Mã năm trước '1.3' không có trong phiên bản trước (V1)."), (p.Where, p.Message));
        // Both versions in one document check against each other too.
        var both = first with { Versions = [first.Versions[0], second.Versions[0]] };
        Assert.Single((await importer.ImportAsync(both, Actors.Admin("kiem.thu"), "Nhập")).Problems);
        Assert.Empty((await importer.ImportAsync(alone with { Key = NewKey() }, Actors.Admin("kiem.thu"), "Nhập")).Problems);
    }
}

public sealed class FrameworkRulesSqliteTests() : FrameworkRulesTests(Provider.Sqlite);

public sealed class FrameworkRulesPostgresTests() : FrameworkRulesTests(Provider.Postgres);
