using ChiSo.Features.Files;
using System.Text.Json.Serialization;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

/// <summary>A questionnaire as a file: the shape of Data/BuiltIn/questionnaires/*.json, also what the Excel layout
/// reads into. Plain strings (kind, type), so that a bad value reaches the report instead of failing to parse.</summary>
public sealed record QuestionnaireDocument
{
    public string Key { get; init; } = "";
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? Framework { get; init; }
    public string Version { get; init; } = "";
    public string? Intro { get; init; }
    public List<GroupDocument> Groups { get; init; } = [];
    public List<SectionDocument> Sections { get; init; } = [];
}

public sealed record GroupDocument
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>Null: decided from the code (<see cref="QuestionnaireImporter.ClosedByDefault"/>).</summary>
    public bool? Closed { get; init; }
    /// <summary>Sheet row when read from Excel, for the report.</summary>
    [JsonIgnore] public int? Row { get; init; }
}

public sealed record SectionDocument
{
    public string Code { get; init; } = "";
    public string Title { get; init; } = "";
    public List<QuestionDocument> Questions { get; init; } = [];
}

public sealed record QuestionDocument
{
    public string Code { get; init; } = "";
    public string Text { get; init; } = "";
    public string Type { get; init; } = "";
    public List<string> Options { get; init; } = [];
    public bool Required { get; init; }
    public string? Criterion { get; init; }
    /// <summary>The criteria of any framework version this question feeds in a cycle. Empty with a
    /// <see cref="Criterion"/>: that criterion, in the version the import checks it against, is the one link.</summary>
    public List<LinkDocument> Links { get; init; } = [];
    public List<string> Groups { get; init; } = [];
    public string? SkipIf { get; init; }
    [JsonIgnore] public int? Row { get; init; }
}

/// <summary>What a questionnaire import did, or why it did nothing.</summary>
public sealed record QuestionnaireImport(IReadOnlyList<ImportProblem> Problems, int? QuestionnaireId, int Questions)
{
    public bool Succeeded => Problems.Count == 0;
    /// <summary>Rows with problems past the first 1,000, not listed.</summary>
    public int MoreRows { get; init; }
    public string? More => MoreRows > 0 ? ProblemRows.More(MoreRows) : null;

    public static QuestionnaireImport Refused(IReadOnlyList<ImportProblem> problems)
    {
        var rows = ImportProblem.Rows(problems);
        return new(rows.ToList(), null, 0) { MoreRows = rows.MoreRows };
    }
}

/// <summary>Writes a questionnaire version, all or nothing: the whole document is checked first (types, duplicate
/// codes, criteria that exist in the framework's version, groups, skip rules) and one problem means nothing is
/// written. A version, once imported, is never changed: answers already collected refer to its codes, so a
/// corrected questionnaire is a new version.</summary>
public sealed class QuestionnaireImporter(ChiSoDb db)
{
    public static readonly string[] BuiltInFiles = ["sipas.json", "par-sociological.json", "city-par-sociological-2025.json"];

    /// <summary>The type codes of the JSON files with their Vietnamese labels (the Excel sheet writes the label and
    /// reads either).</summary>
    public static readonly IReadOnlyList<(QuestionType Type, string Code, string Label)> Types =
    [
        (QuestionType.Scale5, "scale5", "Hài lòng 5 mức"),
        (QuestionType.Likert5, "likert5", "Đồng ý 5 mức"),
        (QuestionType.YesNo, "yes-no", "Có/Không"),
        (QuestionType.Single, "single", "Chọn một"),
        (QuestionType.Multiple, "multiple", "Chọn nhiều"),
        (QuestionType.Number, "number", "Số"),
        (QuestionType.Text, "text", "Văn bản"),
    ];

    public static QuestionType? ParseType(string? s) =>
        Types.Where(t => string.Equals(t.Code, s?.Trim(), StringComparison.OrdinalIgnoreCase)
            || string.Equals(t.Label, s?.Trim(), StringComparison.OrdinalIgnoreCase)
            || string.Equals(t.Type.ToString(), s?.Trim(), StringComparison.OrdinalIgnoreCase))
            .Select(t => (QuestionType?)t.Type).FirstOrDefault();

    public static string TypeCode(QuestionType t) => Types.First(x => x.Type == t).Code;
    public static string TypeLabel(QuestionType t) => Types.First(x => x.Type == t).Label;

    public static SurveyKind? ParseKind(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "sipas" => SurveyKind.Sipas,
        "sociological" or "xhh" or "điều tra xã hội học" => SurveyKind.Sociological,
        _ => null,
    };

    public static string KindCode(SurveyKind k) => k == SurveyKind.Sipas ? "sipas" : "sociological";

    /// <summary>Delegates and civil servants answer about their own work or their own council's oversight: anyone
    /// holding the link could otherwise speak for them, so these groups are closed and answer with one-time tokens
    /// handed out by name. Citizens and businesses at a counter answer by open link or QR.</summary>
    public static bool ClosedByDefault(string groupCode) =>
        new[] { "delegates", "civil-servants", "division-heads", "office-heads", "commune-leaders", "dept-" }
            .Any(p => groupCode.Contains(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>"A3 = Không" → ("A3", "Không").</summary>
    public static (string Code, string Value)? ParseSkip(string? rule)
    {
        if (string.IsNullOrWhiteSpace(rule)) return null;
        var i = rule.IndexOf('=');
        if (i <= 0) return null;
        var code = rule[..i].Trim();
        var value = rule[(i + 1)..].Trim();
        return code.Length == 0 || value.Length == 0 ? null : (code, value);
    }

    public async Task<QuestionnaireImport> ImportAsync(QuestionnaireDocument doc, Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        ImportedFiles.NfcDocument(doc);
        if (doc.Sections.Sum(s => s.Questions.Count) > QuestionnaireExcel.Limits.MaxRows) throw QuestionnaireExcel.Limits.TooManyRows();
        var problems = await ValidateAsync(doc, ct);
        if (problems.Count > 0) return QuestionnaireImport.Refused(problems);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var q = new Questionnaire
        {
            Key = doc.Key.Trim(), Version = doc.Version.Trim(), Name = doc.Name.Trim(), Kind = ParseKind(doc.Kind)!.Value,
            Framework = string.IsNullOrWhiteSpace(doc.Framework) ? null : doc.Framework.Trim(), Intro = doc.Intro, Linked = true,
            Groups = doc.Groups.Select(g => new RespondentGroup { Code = g.Code.Trim(), Name = g.Name.Trim(), Closed = g.Closed ?? ClosedByDefault(g.Code) }).ToList(),
            Sections = doc.Sections.Select((s, i) => new QuestionSection { Code = s.Code.Trim(), Title = s.Title.Trim(), Order = i }).ToList(),
        };
        db.Questionnaires.Add(q);
        // Questions point at their section by id only (no navigation), so sections get their ids first.
        await db.SaveChangesAsync(ct);
        var order = 0;
        foreach (var (sd, section) in doc.Sections.Zip(q.Sections))
            foreach (var qd in sd.Questions)
            {
                var criterion = string.IsNullOrWhiteSpace(qd.Criterion) ? null : qd.Criterion.Trim();
                var links = qd.Links.Count > 0 ? (await QuestionLinks.ResolveAsync(db, qd.Links, ct)).Ids
                    : await QuestionLinks.ImplicitAsync(db, q.Version, criterion, ct) is { } id ? [id] : [];
                q.Questions.Add(new Question
                {
                    SectionId = section.Id, Code = qd.Code.Trim(), Text = qd.Text.Trim(), Type = ParseType(qd.Type)!.Value,
                    Options = OptionsOf(qd), Required = qd.Required, Criterion = criterion,
                    Links = links.Select(l => new QuestionLink { CriterionId = l }).ToList(),
                    Groups = qd.Groups.Select(g => g.Trim()).Where(g => g.Length > 0).ToList(),
                    SkipIf = string.IsNullOrWhiteSpace(qd.SkipIf) ? null : qd.SkipIf.Trim(), Order = order++,
                });
            }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new QuestionnaireImport([], q.Id, order);
    }

    /// <summary>Yes/no questions always carry their two answers, so forms and scoring need no special case.</summary>
    static List<string> OptionsOf(QuestionDocument qd)
    {
        var options = qd.Options.Select(o => o.Trim()).Where(o => o.Length > 0).ToList();
        return ParseType(qd.Type) == QuestionType.YesNo && options.Count == 0 ? ["Có", "Không"] : options;
    }

    public async Task<List<ImportProblem>> ValidateAsync(QuestionnaireDocument doc, CancellationToken ct = default)
    {
        var problems = new List<ImportProblem>();
        void Add(string message, int? row = null, string? column = null, string? where = null) =>
            problems.Add(new ImportProblem(message) { Row = row, Column = column, Where = where });

        if (string.IsNullOrWhiteSpace(doc.Key)) Add("Thiếu mã phiếu (key).", column: "Thông tin", where: "key");
        if (string.IsNullOrWhiteSpace(doc.Version)) Add("Thiếu phiên bản.", column: "Thông tin", where: "version");
        if (string.IsNullOrWhiteSpace(doc.Name)) Add("Thiếu tên phiếu.", column: "Thông tin", where: "name");
        if (ParseKind(doc.Kind) is null) Add($"Loại phiếu '{doc.Kind}' không hợp lệ (sipas hoặc sociological).", column: "Thông tin", where: "kind");
        if (!string.IsNullOrWhiteSpace(doc.Key) && !string.IsNullOrWhiteSpace(doc.Version)
            && await db.Questionnaires.AnyAsync(q => q.Key == doc.Key.Trim() && q.Version == doc.Version.Trim(), ct))
            Add($"Phiếu '{doc.Key}' phiên bản '{doc.Version}' đã có. Phiên bản đã nhập không bao giờ bị sửa (các câu trả lời đã thu dựa vào nó): hãy nhập với phiên bản mới.",
                column: "Thông tin", where: "version");

        // Criteria are checked against the framework version in force in the questionnaire's year (its version
        // label when that is a year, as the built-in ones are), else the newest version.
        var criteria = new Dictionary<string, HashSet<string>?>(StringComparer.OrdinalIgnoreCase);
        async Task<HashSet<string>?> CriteriaOf(string key)
        {
            if (criteria.TryGetValue(key, out var known)) return known;
            var fw = await db.Frameworks.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Key == key, ct);
            var version = fw is null ? null : QuestionLinks.VersionOf(fw, doc.Version);
            known = version is null ? null
                : (await db.Criteria.Where(c => c.VersionId == version.Id).Select(c => c.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            criteria[key] = known;
            return known;
        }
        if (!string.IsNullOrWhiteSpace(doc.Framework) && await CriteriaOf(doc.Framework.Trim()) is null)
            Add($"Không có bộ chỉ số '{doc.Framework}' (hoặc bộ chỉ số chưa có phiên bản nào).", column: "Thông tin", where: "framework");

        var groups = new HashSet<string>(StringComparer.Ordinal);
        if (doc.Groups.Count == 0) Add("Phiếu cần ít nhất một nhóm người trả lời.", column: "Nhóm");
        foreach (var g in doc.Groups)
        {
            if (string.IsNullOrWhiteSpace(g.Code)) { Add("Nhóm thiếu mã.", g.Row, "Nhóm"); continue; }
            if (!groups.Add(g.Code.Trim())) Add($"Mã nhóm '{g.Code}' bị trùng.", g.Row, "Nhóm", g.Code);
            if (string.IsNullOrWhiteSpace(g.Name)) Add($"Nhóm '{g.Code}' thiếu tên.", g.Row, "Nhóm", g.Code);
        }

        var sections = new HashSet<string>(StringComparer.Ordinal);
        var earlier = new Dictionary<string, QuestionDocument>(StringComparer.Ordinal);
        var all = doc.Sections.SelectMany(s => s.Questions).Where(q => !string.IsNullOrWhiteSpace(q.Code))
            .GroupBy(q => q.Code.Trim()).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (doc.Sections.Sum(s => s.Questions.Count) == 0) Add("Phiếu không có câu hỏi nào.", column: "Câu hỏi");
        foreach (var s in doc.Sections)
        {
            var first = s.Questions.FirstOrDefault()?.Row;
            if (string.IsNullOrWhiteSpace(s.Code)) Add($"Phần '{s.Title}' thiếu mã phần.", first, "Mã phần");
            else if (!sections.Add(s.Code.Trim())) Add($"Mã phần '{s.Code}' bị trùng (các câu của một phần phải liền nhau).", first, "Mã phần", s.Code);
            if (string.IsNullOrWhiteSpace(s.Title)) Add($"Phần '{s.Code}' thiếu tên.", first, "Phần", s.Code);
            foreach (var q in s.Questions)
            {
                var code = q.Code.Trim();
                if (code.Length == 0) { Add("Câu hỏi thiếu mã câu.", q.Row, "Mã câu"); continue; }
                if (earlier.ContainsKey(code)) { Add($"Mã câu '{code}' bị trùng.", q.Row, "Mã câu", code); continue; }
                if (string.IsNullOrWhiteSpace(q.Text)) Add($"Câu '{code}' thiếu nội dung.", q.Row, "Câu hỏi", code);
                var type = ParseType(q.Type);
                if (type is null)
                    Add($"Loại câu hỏi '{q.Type}' không hợp lệ (dùng: {string.Join(", ", Types.Select(t => $"{t.Code} / {t.Label}"))}).", q.Row, "Loại", code);
                else if (type is QuestionType.Single or QuestionType.Multiple && q.Options.Count(o => !string.IsNullOrWhiteSpace(o)) < 2)
                    Add($"Câu '{code}' ({TypeLabel(type.Value)}) cần ít nhất hai lựa chọn, cách nhau bởi dấu ';'.", q.Row, "Lựa chọn", code);
                var options = q.Options.Select(o => o.Trim()).Where(o => o.Length > 0).ToList();
                if (options.Count != options.Distinct(StringComparer.OrdinalIgnoreCase).Count())
                    Add($"Câu '{code}' có lựa chọn bị trùng.", q.Row, "Lựa chọn", code);

                if (!string.IsNullOrWhiteSpace(q.Criterion))
                {
                    var parts = q.Criterion.Trim().Split(':', 2);
                    if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                        Add($"Tiêu chí '{q.Criterion}' không đúng dạng 'bộ chỉ số:mã' (ví dụ sipas:2.1, par-province:5.2.3).", q.Row, "Tiêu chí", code);
                    else if (await CriteriaOf(parts[0].Trim()) is not { } codes)
                        Add($"Tiêu chí '{q.Criterion}': không có bộ chỉ số '{parts[0]}'.", q.Row, "Tiêu chí", code);
                    else if (!codes.Contains(parts[1].Trim()))
                        Add($"Tiêu chí '{q.Criterion}': bộ chỉ số '{parts[0]}' (phiên bản áp dụng) không có tiêu chí '{parts[1]}'.", q.Row, "Tiêu chí", code);
                    if (type is QuestionType.Text or QuestionType.Multiple)
                        Add($"Câu '{code}' ({TypeLabel(type.Value)}) không chấm điểm được nên không thể gắn tiêu chí.", q.Row, "Tiêu chí", code);
                }

                if (q.Links.Count > 0)
                {
                    foreach (var problem in (await QuestionLinks.ResolveAsync(db, q.Links, ct)).Problems) Add(problem, q.Row, "Liên kết tiêu chí", code);
                    if (type is QuestionType.Text or QuestionType.Multiple)
                        Add($"Câu '{code}' ({TypeLabel(type.Value)}) không chấm điểm được nên không thể gắn tiêu chí.", q.Row, "Liên kết tiêu chí", code);
                }

                foreach (var g in q.Groups.Select(g => g.Trim()).Where(g => g.Length > 0))
                    if (!groups.Contains(g))
                        Add($"Câu '{code}' dành cho nhóm '{g}' nhưng phiếu không có nhóm này (xem trang 'Nhóm').", q.Row, "Nhóm", code);

                if (!string.IsNullOrWhiteSpace(q.SkipIf))
                {
                    if (ParseSkip(q.SkipIf) is not { } skip)
                        Add($"Điều kiện bỏ qua '{q.SkipIf}' không đúng dạng 'Mã câu = giá trị' (ví dụ: A8 = Không).", q.Row, "Bỏ qua nếu", code);
                    else if (earlier.TryGetValue(skip.Code, out var target))
                    {
                        var targetOptions = OptionsOf(target);
                        if (targetOptions.Count > 0 && !targetOptions.Contains(skip.Value, StringComparer.OrdinalIgnoreCase))
                            Add($"Điều kiện bỏ qua '{q.SkipIf}': '{skip.Value}' không phải là lựa chọn của câu {skip.Code} ({string.Join("; ", targetOptions)}).", q.Row, "Bỏ qua nếu", code);
                    }
                    else if (all.ContainsKey(skip.Code))
                        Add($"Điều kiện bỏ qua '{q.SkipIf}' dựa vào câu {skip.Code} đứng sau (hoặc chính câu này): chỉ được dựa vào câu đứng trước.", q.Row, "Bỏ qua nếu", code);
                    else
                        Add($"Điều kiện bỏ qua '{q.SkipIf}' dựa vào câu {skip.Code} không có trong phiếu.", q.Row, "Bỏ qua nếu", code);
                }
                earlier[code] = q;
            }
        }
        return problems;
    }

    /// <summary>A stored questionnaire version as a document (for the Excel export and the JSON download).</summary>
    public static async Task<QuestionnaireDocument?> DocumentAsync(ChiSoDb db, int id, CancellationToken ct = default)
    {
        var q = await db.Questionnaires.AsNoTracking().AsSplitQuery().Include(x => x.Groups).Include(x => x.Sections).Include(x => x.Questions)
            .FirstOrDefaultAsync(x => x.Id == id, ct);
        if (q is null) return null;
        var links = await QuestionLinks.OfQuestionnaireAsync(db, id, ct);
        return new QuestionnaireDocument
        {
            Key = q.Key, Name = q.Name, Kind = KindCode(q.Kind), Framework = q.Framework, Version = q.Version, Intro = q.Intro,
            Groups = q.Groups.OrderBy(g => g.Id).Select(g => new GroupDocument { Code = g.Code, Name = g.Name, Closed = g.Closed }).ToList(),
            Sections = q.Sections.OrderBy(s => s.Order).Select(s => new SectionDocument
            {
                Code = s.Code, Title = s.Title,
                Questions = q.Questions.Where(x => x.SectionId == s.Id).OrderBy(x => x.Order).Select(x => new QuestionDocument
                {
                    Code = x.Code, Text = x.Text, Type = TypeCode(x.Type), Options = x.Options, Required = x.Required,
                    Criterion = x.Criterion, Groups = x.Groups, SkipIf = x.SkipIf,
                    Links = links.GetValueOrDefault(x.Id)?.Select(l => new LinkDocument { Framework = l.Framework, Version = l.Version, Criterion = l.Criterion, Name = l.Name }).ToList() ?? [],
                }).ToList(),
            }).ToList(),
        };
    }
}
