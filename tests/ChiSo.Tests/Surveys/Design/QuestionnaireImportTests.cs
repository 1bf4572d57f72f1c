using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace ChiSo.Tests.Surveys.Design;

/// <summary>Questionnaire import: the built-in files, every refusal of the validation (and nothing written), versions
/// that never change, and the Excel round trip.</summary>
public abstract class QuestionnaireImportTests(Provider provider)
{
    static QuestionnaireDocument Sipas() => BuiltInData.Read<QuestionnaireDocument>("questionnaires/sipas.json");

    /// <summary>The SIPAS file as a new version with one question replaced through <paramref name="change"/>.</summary>
    static QuestionnaireDocument WithQuestion(string code, Func<QuestionDocument, QuestionDocument> change, string version = "test") =>
        Sipas() with
        {
            Version = version,
            Sections = Sipas().Sections.Select(s => s with { Questions = s.Questions.Select(q => q.Code == code ? change(q) : q).ToList() }).ToList(),
        };

    static QuestionnaireDocument WithoutLinks(QuestionnaireDocument doc) =>
        doc with { Sections = [.. doc.Sections.Select(s => s with { Questions = [.. s.Questions.Select(q => q with { Links = [] })] })] };

    static string Canonical(QuestionnaireDocument doc) =>
        JsonSerializer.Serialize(doc with { Version = "", Groups = doc.Groups.Select(g => g with { Closed = g.Closed ?? QuestionnaireImporter.ClosedByDefault(g.Code) }).ToList() });

    [Fact]
    public async Task Built_in_questionnaires_are_seeded_with_closed_groups_for_delegates_and_civil_servants()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var all = await db.Questionnaires.Include(q => q.Groups).Include(q => q.Questions).Where(q => q.Key != "city-par-sociological").OrderBy(q => q.Key).ToListAsync();
        Assert.Equal(["par-sociological", "sipas"], all.Select(q => q.Key));
        var par = all[0];
        Assert.Equal(33, par.Questions.Count);
        Assert.Equal(["city-delegates", "commune-leaders", "dept-civil-servants", "district-civil-servants", "district-delegates", "district-division-heads"],
            par.Groups.Where(g => g.Closed).Select(g => g.Code).Order());
        Assert.DoesNotContain(all[1].Groups, g => g.Closed);
        var sipas = all[1];
        Assert.Equal(41, sipas.Questions.Count);
        var q214 = sipas.Questions.Single(q => q.Code == "2.1.4");
        Assert.Equal(("sipas:2.1", "A8 = Không", QuestionType.Scale5), (q214.Criterion, q214.SkipIf, q214.Type));
        Assert.Equal(["Có", "Không"], sipas.Questions.Single(q => q.Code == "A8").Options);

        // Seeding again adds nothing and changes nothing.
        await BuiltInData.SeedAsync(db, TimeProvider.System);
        Assert.Equal(3, await db.Questionnaires.CountAsync());
    }

    public static TheoryData<string, string, string> Refusals() => new()
    {
        { "type", "1.1.1", "Loại câu hỏi 'stars'" },
        { "duplicate", "1.1.1", "Mã câu '1.1.1' bị trùng" },
        { "criterion", "1.1.1", "không có tiêu chí '9.9'" },
        { "framework", "1.1.1", "không có bộ chỉ số 'papix'" },
        { "group", "1.1.1", "nhóm 'delegates'" },
        { "later", "2.1.1", "đứng sau" },
        { "unknown", "2.1.1", "không có trong phiếu" },
        { "value", "2.1.4", "'Chưa' không phải là lựa chọn của câu A8" },
        { "choices", "A1", "cần ít nhất hai lựa chọn" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_bad_question_refuses_the_whole_file_with_its_reason_and_writes_nothing(string fault, string where, string message)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var doc = fault switch
        {
            "type" => WithQuestion("1.1.1", q => q with { Type = "stars" }),
            "duplicate" => WithQuestion("1.1.2", q => q with { Code = "1.1.1" }),
            "criterion" => WithQuestion("1.1.1", q => q with { Criterion = "sipas:9.9" }),
            "framework" => WithQuestion("1.1.1", q => q with { Criterion = "papix:1.1" }),
            "group" => WithQuestion("1.1.1", q => q with { Groups = ["citizens", "delegates"] }),
            "later" => WithQuestion("2.1.1", q => q with { SkipIf = "2.5.1 = Không" }),
            "unknown" => WithQuestion("2.1.1", q => q with { SkipIf = "Z9 = Không" }),
            "value" => WithQuestion("2.1.4", q => q with { SkipIf = "A8 = Chưa" }),
            "choices" => WithQuestion("A1", q => q with { Options = ["Nam"] }),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };

        var report = await new QuestionnaireImporter(db).ImportAsync(doc, Actors.Admin());

        var problem = Assert.Single(report.Problems);
        Assert.Equal(where, problem.Where);
        Assert.Contains(message, problem.Message);
        Assert.False(await db.Questionnaires.AnyAsync(q => q.Version == "test"));
    }

    [Fact]
    public async Task A_version_once_imported_is_never_changed_a_new_version_is_added_beside_it()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var importer = new QuestionnaireImporter(db);

        var same = await importer.ImportAsync(WithQuestion("1.1.1", q => q with { Text = "Đã sửa" }, version: "2024"), Actors.Admin());
        Assert.Contains("đã có", Assert.Single(same.Problems).Message);

        var next = await importer.ImportAsync(WithQuestion("1.1.1", q => q with { Text = "Đã sửa" }, version: "2025"), Actors.Admin());
        Assert.True(next.Succeeded, string.Join("; ", next.Problems));
        Assert.Equal(41, next.Questions);
        db.ChangeTracker.Clear();
        var texts = await db.Questions.Where(q => q.Code == "1.1.1" && db.Questionnaires.Any(x => x.Id == q.QuestionnaireId && x.Key == "sipas"))
            .Select(q => new { q.QuestionnaireId, q.Text }).OrderBy(q => q.QuestionnaireId).ToListAsync();
        Assert.Equal(2, texts.Count);
        Assert.NotEqual("Đã sửa", texts[0].Text);
        Assert.Equal("Đã sửa", texts[1].Text);
    }

    [Fact]
    public async Task Json_to_database_to_Excel_to_database_gives_the_same_questionnaire()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        foreach (var key in new[] { "sipas", "par-sociological" })
        {
            var id = await db.Questionnaires.Where(q => q.Key == key).Select(q => q.Id).SingleAsync();
            var stored = (await QuestionnaireImporter.DocumentAsync(db, id))!;
            // The database holds exactly what the file says; the file's single criteria are the questions' links.
            Assert.Equal(Canonical(BuiltInData.Read<QuestionnaireDocument>($"questionnaires/{key}.json")), Canonical(WithoutLinks(stored)));
            Assert.All(stored.Sections.SelectMany(s => s.Questions), q => Assert.Equal(q.Criterion is null ? [] : [q.Criterion],
                q.Links.Select(l => $"{l.Framework}:{l.Criterion}")));

            var xlsx = new MemoryStream();
            QuestionnaireExcel.Write(stored, xlsx);
            xlsx.Position = 0;
            var (read, problems) = QuestionnaireExcel.Read(xlsx);
            Assert.Empty(problems);
            var report = await new QuestionnaireImporter(db).ImportAsync(read! with { Version = "excel" }, Actors.Admin());
            Assert.True(report.Succeeded, string.Join("; ", report.Problems));

            var again = (await QuestionnaireImporter.DocumentAsync(db, report.QuestionnaireId!.Value))!;
            Assert.Equal(Canonical(stored), Canonical(again));
        }
    }

    [Fact]
    public async Task Excel_problems_name_the_sheet_row_and_column()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await db.Questionnaires.Where(q => q.Key == "sipas").Select(q => q.Id).SingleAsync();
        var xlsx = new MemoryStream();
        QuestionnaireExcel.Write((await QuestionnaireImporter.DocumentAsync(db, id))!, xlsx);
        xlsx.Position = 0;
        var sheets = new Dictionary<string, object>();
        foreach (var name in xlsx.GetSheetNames())
            sheets[name] = xlsx.Query(useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>()
                .Select(r => r.ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
        var rows = (List<Dictionary<string, object?>>)sheets[QuestionnaireExcel.QuestionSheet];
        rows[2]["Loại"] = "Sao";                 // sheet row 4: A3
        rows[12]["Tiêu chí"] = "sipas:7.7";      // sheet row 14
        rows[20]["Nhóm"] = "citizens; nobody";   // sheet row 22
        var info = (List<Dictionary<string, object?>>)sheets[QuestionnaireExcel.InfoSheet];
        info.Single(r => (string?)r["Mã"] == "version")["Giá trị"] = "2026";
        var edited = new MemoryStream();
        edited.SaveAs(sheets);
        edited.Position = 0;

        var report = await QuestionnaireExcel.ImportAsync(new QuestionnaireImporter(db), edited, Actors.Admin());

        Assert.Equal([(4, "Loại"), (14, "Tiêu chí"), (22, "Nhóm")], report.Problems.Select(p => (p.Row!.Value, p.Column!)));
        Assert.StartsWith("Dòng 4 — Loại — A3 — Loại câu hỏi 'Sao' không hợp lệ", report.Problems[0].ToString());
        Assert.False(await db.Questionnaires.AnyAsync(q => q.Version == "2026"));
    }

    [Fact]
    public void A_workbook_without_the_three_sheets_is_refused()
    {
        var xlsx = new MemoryStream();
        xlsx.SaveAs(new Dictionary<string, object> { ["Sheet1"] = new List<Dictionary<string, object?>> { new() { ["a"] = 1 } } });
        xlsx.Position = 0;
        var (doc, problems) = QuestionnaireExcel.Read(xlsx);
        Assert.Null(doc);
        Assert.Contains("'Câu hỏi'", Assert.Single(problems).Message);
    }
}

public sealed class QuestionnaireImportSqliteTests() : QuestionnaireImportTests(Provider.Sqlite);

public sealed class QuestionnaireImportPostgresTests() : QuestionnaireImportTests(Provider.Postgres);
