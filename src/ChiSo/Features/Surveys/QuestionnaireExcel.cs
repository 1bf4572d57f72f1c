using System.Globalization;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Accounts;
using MiniExcelLibs;
using ChiSo.Features.Files;

namespace ChiSo.Features.Surveys;

/// <summary>A questionnaire as a workbook the survey institute can edit: one row per question on "Câu hỏi", the
/// questionnaire's details on "Thông tin", its respondent groups on "Nhóm". Reads back whole.</summary>
public static class QuestionnaireExcel
{
    public const string QuestionSheet = "Câu hỏi", InfoSheet = "Thông tin", GroupSheet = "Nhóm";
    const string Section = "Phần", SectionCode = "Mã phần", Code = "Mã câu", Text = "Câu hỏi", Type = "Loại", Options = "Lựa chọn",
        Required = "Bắt buộc", Criterion = "Tiêu chí", Links = "Liên kết tiêu chí", Groups = "Nhóm", SkipIf = "Bỏ qua nếu";
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
            [Links] = QuestionLinks.FormatAll(q.Links), [Groups] = string.Join("; ", q.Groups), [SkipIf] = q.SkipIf,
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

    /// <summary>Rows, file size and inflated size a questionnaire workbook may have (README "Limits of imports").</summary>
    public static readonly ImportLimits Limits = ImportLimits.Questionnaire;

    /// <summary>The workbook as a document, or its problems. A file that cannot be read, or is past <see cref="Limits"/>,
    /// throws <see cref="FileRefused"/>.</summary>
    public static (QuestionnaireDocument? Doc, List<ImportProblem> Problems) Read(Stream xlsx)
    {
        var book = ImportedFiles.Workbook.Open(xlsx, Limits);
        var missing = new[] { QuestionSheet, InfoSheet, GroupSheet }.Where(n => !book.Has(n)).ToList();
        if (missing.Count > 0)
            return (null, [new ImportProblem($"Tệp thiếu trang tính {string.Join(", ", missing.Select(m => $"'{m}'"))} (cần ba trang: '{QuestionSheet}', '{InfoSheet}', '{GroupSheet}').")]);

        var problems = new List<ImportProblem>();
        using var questions = book.Read(QuestionSheet);
        var headers = new[] { Section, SectionCode, Code, Text, Type, Options, Required, Criterion, Groups, SkipIf };
        foreach (var h in headers)
            if (questions.Column(h) < 0) problems.Add(new ImportProblem($"Trang '{QuestionSheet}' thiếu cột '{h}'.") { Row = 1, Column = h });
        using var groupSheet = book.Read(GroupSheet);
        foreach (var h in new[] { GroupCode, GroupName })
            if (groupSheet.Column(h) < 0) problems.Add(new ImportProblem($"Trang '{GroupSheet}' thiếu cột '{h}'.") { Row = 1, Column = GroupSheet });
        if (problems.Count > 0) return (null, problems);

        var info = new Dictionary<string, string?>();
        using (var infoSheet = book.Read(InfoSheet))
        {
            var (key, value) = (infoSheet.Column("Mã"), infoSheet.Column("Giá trị"));
            foreach (var r in infoSheet.Rows)
                if (Cell(r[key]) is { } k) info.TryAdd(k, Cell(r[value]));
        }
        string Info(string key) => info.GetValueOrDefault(key) ?? "";

        var groups = new List<GroupDocument>();
        foreach (var r in groupSheet.Rows)
        {
            string? G(string column) => Cell(r[groupSheet.Column(column)]);
            var code = G(GroupCode);
            var name = G(GroupName);
            if (code is null && name is null) continue;
            var closedCell = G(GroupClosed);
            bool? closed = closedCell is null ? null : Yes(closedCell);
            if (closedCell is not null && closed is null)
                problems.Add(new ImportProblem($"'{closedCell}' không phải Có/Không.") { Row = r.Number, Column = GroupSheet, Where = code });
            groups.Add(new GroupDocument { Code = code ?? "", Name = name ?? "", Closed = closed, Row = r.Number });
        }

        // Rows of one section are consecutive; a section code seen again later is reported by the importer as a duplicate.
        var sections = new List<(SectionDocument Doc, List<QuestionDocument> Questions)>();
        foreach (var row in questions.Rows)
        {
            // The links column is optional: a workbook written before links existed still reads.
            string? Q(string column) => questions.Column(column) is var i and >= 0 ? Cell(row[i]) : null;
            var rowNo = row.Number;
            if (headers.All(h => Q(h) is null)) continue;
            var sectionCode = Q(SectionCode) ?? "";
            if (sections.Count == 0 || sections[^1].Doc.Code != sectionCode)
            {
                var list = new List<QuestionDocument>();
                sections.Add((new SectionDocument { Code = sectionCode, Title = Q(Section) ?? "", Questions = list }, list));
            }
            var required = Q(Required);
            var req = required is null ? false : Yes(required);
            if (req is null) problems.Add(new ImportProblem($"'{required}' không phải Có/Không.") { Row = rowNo, Column = Required, Where = Q(Code) });
            var (links, linkProblem) = QuestionLinks.Parse(Q(Links));
            if (linkProblem is not null) problems.Add(new ImportProblem(linkProblem) { Row = rowNo, Column = Links, Where = Q(Code) });
            sections[^1].Questions.Add(new QuestionDocument
            {
                Code = Q(Code) ?? "", Text = Q(Text) ?? "", Type = Q(Type) ?? "", Options = List(Q(Options)),
                Required = req ?? false, Criterion = Q(Criterion), Links = links, Groups = List(Q(Groups)), SkipIf = Q(SkipIf), Row = rowNo,
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

    static string? Cell(object? cell) => ImportedFiles.Text(cell) is { } s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;
}
