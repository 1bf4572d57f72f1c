using System.Globalization;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Accounts;
using MiniExcelLibs;

namespace ChiSo.Features.Surveys;

/// <summary>A questionnaire as a workbook the survey institute can edit: one row per question on "Câu hỏi", the
/// questionnaire's details on "Thông tin", its respondent groups on "Nhóm". Reads back whole.</summary>
public static class QuestionnaireExcel
{
    public const string QuestionSheet = "Câu hỏi", InfoSheet = "Thông tin", GroupSheet = "Nhóm";
    const string Section = "Phần", SectionCode = "Mã phần", Code = "Mã câu", Text = "Câu hỏi", Type = "Loại", Options = "Lựa chọn",
        Required = "Bắt buộc", Criterion = "Tiêu chí", Groups = "Nhóm", SkipIf = "Bỏ qua nếu";
    const string GroupCode = "Mã nhóm", GroupName = "Tên nhóm", GroupClosed = "Nhóm kín (dùng mã một lần)";

    static readonly (string Key, string Label)[] InfoRows =
    [
        ("key", "Mã phiếu"), ("version", "Phiên bản"), ("name", "Tên phiếu"), ("kind", "Loại phiếu (sipas/sociological)"),
        ("framework", "Bộ chỉ số được chấm"), ("intro", "Lời giới thiệu"),
    ];

    public static void Write(QuestionnaireDocument doc, Stream output)
    {
        var questions = doc.Sections.SelectMany(s => s.Questions.Select(q => new Dictionary<string, object?>
        {
            [Section] = s.Title, [SectionCode] = s.Code, [Code] = q.Code, [Text] = q.Text,
            [Type] = QuestionnaireImporter.ParseType(q.Type) is { } t ? QuestionnaireImporter.TypeLabel(t) : q.Type,
            [Options] = string.Join("; ", q.Options), [Required] = q.Required ? "Có" : "", [Criterion] = q.Criterion,
            [Groups] = string.Join("; ", q.Groups), [SkipIf] = q.SkipIf,
        })).ToList();
        var info = new Dictionary<string, string?>
        {
            ["key"] = doc.Key, ["version"] = doc.Version, ["name"] = doc.Name, ["kind"] = doc.Kind, ["framework"] = doc.Framework, ["intro"] = doc.Intro,
        };
        var sheets = new Dictionary<string, object>
        {
            [QuestionSheet] = questions,
            [InfoSheet] = InfoRows.Select(i => new Dictionary<string, object?> { ["Mục"] = i.Label, ["Giá trị"] = info[i.Key], ["Mã"] = i.Key }).ToList(),
            [GroupSheet] = doc.Groups.Select(g => new Dictionary<string, object?>
            {
                [GroupCode] = g.Code, [GroupName] = g.Name, [GroupClosed] = g.Closed ?? QuestionnaireImporter.ClosedByDefault(g.Code) ? "Có" : "Không",
            }).ToList(),
        };
        output.WriteXlsx(sheets);
    }

    /// <summary>Reads the workbook and imports it as a new questionnaire version; any problem refuses the whole file.</summary>
    public static async Task<QuestionnaireImport> ImportAsync(QuestionnaireImporter importer, Stream xlsx, Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        var (doc, problems) = Read(xlsx);
        if (doc is null) return QuestionnaireImport.Refused(problems);
        return await importer.ImportAsync(doc, actor, ct);
    }

    public static (QuestionnaireDocument? Doc, List<ImportProblem> Problems) Read(Stream xlsx)
    {
        List<IDictionary<string, object?>> rows, infoRows, groupRows;
        try
        {
            var memory = new MemoryStream();
            xlsx.CopyTo(memory);
            var names = memory.GetSheetNames();
            var missing = new[] { QuestionSheet, InfoSheet, GroupSheet }.Where(n => !names.Contains(n)).ToList();
            if (missing.Count > 0)
                return (null, [new ImportProblem($"Tệp thiếu trang tính {string.Join(", ", missing.Select(m => $"'{m}'"))} (cần ba trang: '{QuestionSheet}', '{InfoSheet}', '{GroupSheet}').")]);
            rows = memory.Query(useHeaderRow: true, sheetName: QuestionSheet).Cast<IDictionary<string, object?>>().ToList();
            infoRows = memory.Query(useHeaderRow: true, sheetName: InfoSheet).Cast<IDictionary<string, object?>>().ToList();
            groupRows = memory.Query(useHeaderRow: true, sheetName: GroupSheet).Cast<IDictionary<string, object?>>().ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or System.Xml.XmlException)
        {
            return (null, [new ImportProblem("Không đọc được tệp Excel (.xlsx): " + e.Message)]);
        }

        var problems = new List<ImportProblem>();
        var headers = rows.FirstOrDefault()?.Keys.ToList() ?? [];
        foreach (var h in new[] { Section, SectionCode, Code, Text, Type, Options, Required, Criterion, Groups, SkipIf })
            if (!headers.Contains(h)) problems.Add(new ImportProblem($"Trang '{QuestionSheet}' thiếu cột '{h}'.") { Row = 1, Column = h });
        var groupHeaders = groupRows.FirstOrDefault()?.Keys.ToList() ?? [];
        foreach (var h in new[] { GroupCode, GroupName })
            if (!groupHeaders.Contains(h)) problems.Add(new ImportProblem($"Trang '{GroupSheet}' thiếu cột '{h}'.") { Row = 1, Column = GroupSheet });
        if (problems.Count > 0) return (null, problems);

        var info = infoRows.Where(r => Cell(r, "Mã") is not null).ToDictionary(r => Cell(r, "Mã")!, r => Cell(r, "Giá trị"));
        string Info(string key) => info.GetValueOrDefault(key) ?? "";

        var groups = new List<GroupDocument>();
        for (var i = 0; i < groupRows.Count; i++)
        {
            var r = groupRows[i];
            var code = Cell(r, GroupCode);
            var name = Cell(r, GroupName);
            if (code is null && name is null) continue;
            var closedCell = Cell(r, GroupClosed);
            bool? closed = closedCell is null ? null : Yes(closedCell);
            if (closedCell is not null && closed is null)
                problems.Add(new ImportProblem($"'{closedCell}' không phải Có/Không.") { Row = i + 2, Column = GroupSheet, Where = code });
            groups.Add(new GroupDocument { Code = code ?? "", Name = name ?? "", Closed = closed, Row = i + 2 });
        }

        // Rows of one section are consecutive; a section code seen again later is reported by the importer as a duplicate.
        var sections = new List<(SectionDocument Doc, List<QuestionDocument> Questions)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var rowNo = i + 2;
            if (headers.All(h => Cell(r, h) is null)) continue;
            var sectionCode = Cell(r, SectionCode) ?? "";
            if (sections.Count == 0 || sections[^1].Doc.Code != sectionCode)
            {
                var list = new List<QuestionDocument>();
                sections.Add((new SectionDocument { Code = sectionCode, Title = Cell(r, Section) ?? "", Questions = list }, list));
            }
            var required = Cell(r, Required);
            var req = required is null ? false : Yes(required);
            if (req is null) problems.Add(new ImportProblem($"'{required}' không phải Có/Không.") { Row = rowNo, Column = Required, Where = Cell(r, Code) });
            sections[^1].Questions.Add(new QuestionDocument
            {
                Code = Cell(r, Code) ?? "", Text = Cell(r, Text) ?? "", Type = Cell(r, Type) ?? "", Options = List(Cell(r, Options)),
                Required = req ?? false, Criterion = Cell(r, Criterion), Groups = List(Cell(r, Groups)), SkipIf = Cell(r, SkipIf), Row = rowNo,
            });
        }
        if (problems.Count > 0) return (null, problems);
        return (new QuestionnaireDocument
        {
            Key = Info("key"), Version = Info("version"), Name = Info("name"), Kind = Info("kind"),
            Framework = info.GetValueOrDefault("framework"), Intro = info.GetValueOrDefault("intro"),
            Groups = groups, Sections = sections.Select(s => s.Doc).ToList(),
        }, problems);
    }

    static List<string> List(string? cell) => (cell ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    static bool? Yes(string s) => s.Trim().ToLowerInvariant() switch
    {
        "có" or "x" or "yes" or "true" or "1" => true,
        "không" or "no" or "false" or "0" => false,
        _ => null,
    };

    static string? Cell(IDictionary<string, object?> row, string column) => (row.TryGetValue(column, out var v) ? v : null) switch
    {
        null => null,
        double d => d.ToString(CultureInfo.InvariantCulture),
        var c => string.IsNullOrWhiteSpace(c.ToString()) ? null : c.ToString()!.Trim(),
    };
}
