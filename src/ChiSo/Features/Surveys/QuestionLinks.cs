using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

/// <summary>A question's link as a file writes it: framework key, version label and criterion code together name one
/// criterion; the name, when given, must be that criterion's (a guard against a code that moved).</summary>
public sealed record LinkDocument
{
    public string Framework { get; init; } = "";
    public string Version { get; init; } = "";
    public string Criterion { get; init; } = "";
    public string? Name { get; init; }
}

/// <summary>A link as the questionnaire page and the API show it.</summary>
public sealed record LinkView(string Framework, string Version, string Criterion, string Name, decimal? Max, string Method)
{
    public string Text => QuestionLinks.Format(Framework, Version, Criterion);
}

public sealed record QuestionLinksRequest(List<LinkDocument> Links);

/// <summary>Questions linked to criteria of any framework version, several per question (decision 0020). A link is
/// held by the criterion's id; files and the page write it "key@version:code".</summary>
public static class QuestionLinks
{
    public static string Format(string framework, string version, string code) => $"{framework}@{version}:{code}";

    /// <summary>"city-par-departments@2025-5666:2.4.1; city-par-communes@2025-5666:2.4.1" → links, or why not.</summary>
    public static (List<LinkDocument> Links, string? Problem) Parse(string? cell)
    {
        var list = new List<LinkDocument>();
        foreach (var part in (cell ?? "").Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.IndexOf('@');
            var colon = at < 0 ? -1 : part.IndexOf(':', at);
            if (at <= 0 || colon <= at + 1 || colon == part.Length - 1)
                return ([], $"Liên kết '{part}' không đúng dạng 'bộ chỉ số@phiên bản:mã' (ví dụ city-par-departments@2025-5666:2.4.1).");
            list.Add(new LinkDocument { Framework = part[..at].Trim(), Version = part[(at + 1)..colon].Trim(), Criterion = part[(colon + 1)..].Trim().TrimEnd('.') });
        }
        return (list, null);
    }

    public static string FormatAll(IEnumerable<LinkDocument> links) => string.Join("; ", links.Select(l => Format(l.Framework, l.Version, l.Criterion)));

    sealed record Target(int Id, string Name, bool Leaf);

    /// <summary>The criteria the links name, or a Vietnamese problem per link that names none.</summary>
    public static async Task<(List<int> Ids, List<string> Problems)> ResolveAsync(ChiSoDb db, IReadOnlyCollection<LinkDocument> links, CancellationToken ct = default)
    {
        var ids = new List<int>();
        var problems = new List<string>();
        var versions = new Dictionary<(string, string), Dictionary<string, Target>?>();
        foreach (var l in links)
        {
            var key = (l.Framework.Trim(), l.Version.Trim());
            if (!versions.TryGetValue(key, out var criteria))
            {
                var versionId = await db.FrameworkVersions.Where(v => v.Framework!.Key == key.Item1 && v.Label == key.Item2).Select(v => (int?)v.Id).FirstOrDefaultAsync(ct);
                criteria = versionId is null ? null : (await db.Criteria.AsNoTracking().Where(c => c.VersionId == versionId)
                        .Select(c => new { c.Id, c.Code, c.Name, Leaf = !db.Criteria.Any(x => x.ParentId == c.Id) }).ToListAsync(ct))
                    .ToDictionary(c => c.Code, c => new Target(c.Id, c.Name, c.Leaf), StringComparer.Ordinal);
                versions[key] = criteria;
            }
            var text = Format(l.Framework, l.Version, l.Criterion);
            if (criteria is null) problems.Add($"Liên kết '{text}': không có bộ chỉ số '{l.Framework}' phiên bản '{l.Version}'.");
            else if (!criteria.TryGetValue(l.Criterion.Trim(), out var c)) problems.Add($"Liên kết '{text}': phiên bản '{l.Version}' của '{l.Framework}' không có tiêu chí '{l.Criterion}'.");
            else if (!string.IsNullOrWhiteSpace(l.Name) && !string.Equals(l.Name.Trim(), c.Name, StringComparison.OrdinalIgnoreCase))
                problems.Add($"Liên kết '{text}': tiêu chí {l.Criterion} của phiên bản này là '{c.Name}', không phải '{l.Name.Trim()}'.");
            else if (!c.Leaf) problems.Add($"Liên kết '{text}': tiêu chí {l.Criterion} có tiêu chí con, hãy gắn câu hỏi với tiêu chí con.");
            else if (ids.Contains(c.Id)) problems.Add($"Liên kết '{text}' lặp lại.");
            else ids.Add(c.Id);
        }
        return (ids, problems);
    }

    /// <summary>The criterion a question's single "framework:code" names: in the framework version in force in the
    /// questionnaire's year (its version label when that is a year), else the newest version, as the import checks it.</summary>
    public static async Task<int?> ImplicitAsync(ChiSoDb db, string questionnaireVersion, string? criterion, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(criterion) || RoundScoring.SplitCriterion(criterion) is not ({ } key, var code)) return null;
        var fw = await db.Frameworks.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Key == key, ct);
        var version = fw is null ? null : VersionOf(fw, questionnaireVersion);
        return version is null ? null : await db.Criteria.Where(c => c.VersionId == version.Id && c.Code == code).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>The framework version a questionnaire's single criteria name: the one in force in its year (its version
    /// label when that is a year, as the built-in ones are), else the newest.</summary>
    public static FrameworkVersion? VersionOf(Framework fw, string questionnaireVersion) =>
        (int.TryParse(questionnaireVersion, out var year) ? fw.VersionFor(year) : null) ?? fw.Versions.MaxBy(v => (v.ValidFromYear, v.Id));

    /// <summary>Questionnaires stored before links existed: each question's single criterion becomes its link, once.
    /// Safe to run on every start (a questionnaire is marked when done, so a link removed later stays removed).</summary>
    public static async Task<int> BackfillAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var pending = await db.Questionnaires.Where(q => !q.Linked).Include(q => q.Questions).ThenInclude(x => x.Links).ToListAsync(ct);
        var added = 0;
        foreach (var q in pending)
        {
            foreach (var question in q.Questions.Where(x => x.Links.Count == 0))
                if (await ImplicitAsync(db, q.Version, question.Criterion, ct) is { } id)
                {
                    question.Links.Add(new QuestionLink { CriterionId = id });
                    added++;
                }
            q.Linked = true;
        }
        if (pending.Count > 0) await db.SaveChangesAsync(ct);
        return added;
    }

    /// <summary>Each question's links (by question id), as the page and the export show them.</summary>
    public static async Task<Dictionary<int, List<LinkView>>> OfQuestionnaireAsync(ChiSoDb db, int questionnaireId, CancellationToken ct = default) =>
        (await (from l in db.QuestionLinks.AsNoTracking()
                join q in db.Questions on l.QuestionId equals q.Id
                join c in db.Criteria on l.CriterionId equals c.Id
                join v in db.FrameworkVersions on c.VersionId equals v.Id
                where q.QuestionnaireId == questionnaireId
                select new { l.QuestionId, Framework = v.Framework!.Key, Version = v.Label, c.Code, c.Name, c.Max, c.Method, c.Order })
            .ToListAsync(ct))
        .GroupBy(l => l.QuestionId)
        .ToDictionary(g => g.Key, g => g.OrderBy(l => l.Framework, StringComparer.Ordinal).ThenBy(l => l.Version, StringComparer.Ordinal).ThenBy(l => l.Order)
            .Select(l => new LinkView(l.Framework, l.Version, l.Code, l.Name, l.Max, l.Method.Vietnamese())).ToList());

    /// <summary>Who links questions to criteria: whoever runs surveys. Links are not answers: a questionnaire version
    /// already answered may be linked to a new framework version.</summary>
    public static bool MaySetLinks(Actor actor) => Rounds.MayManage(actor);

    /// <summary>Replaces one question's links, all or nothing; audited with the old and the new list.</summary>
    public static async Task<RoundChange<List<LinkView>>> SetAsync(ChiSoDb db, TimeProvider clock, int questionnaireId, string questionCode,
        List<LinkDocument> links, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MaySetLinks(actor), "Chỉ cơ quan thường trực và đơn vị điều tra xã hội học được gắn câu hỏi với tiêu chí.");
        var question = await db.Questions.Include(q => q.Links).FirstOrDefaultAsync(q => q.QuestionnaireId == questionnaireId && q.Code == questionCode, ct);
        if (question is null) return RoundChange<List<LinkView>>.Missing();
        if (question.Type is QuestionType.Text or QuestionType.Multiple && links.Count > 0)
            return RoundChange<List<LinkView>>.Invalid("links", $"Câu '{question.Code}' ({QuestionnaireImporter.TypeLabel(question.Type)}) không chấm điểm được nên không thể gắn tiêu chí.");
        var (ids, problems) = await ResolveAsync(db, links, ct);
        if (problems.Count > 0) return new(null, false, new() { ["links"] = [.. problems] });
        var before = await OfQuestionnaireAsync(db, questionnaireId, ct);
        var old = string.Join("; ", before.GetValueOrDefault(question.Id)?.Select(l => l.Text) ?? []);
        question.Links.RemoveAll(l => !ids.Contains(l.CriterionId));
        foreach (var id in ids.Where(id => question.Links.All(l => l.CriterionId != id)))
            question.Links.Add(new QuestionLink { CriterionId = id });
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Reason = "Gắn câu hỏi với tiêu chí", Subject = $"questionnaire:{questionnaireId}",
            Field = $"{question.Code}:links", OldValue = old, NewValue = FormatAll(links),
        });
        await db.SaveChangesAsync(ct);
        return RoundChange<List<LinkView>>.Done((await OfQuestionnaireAsync(db, questionnaireId, ct)).GetValueOrDefault(question.Id) ?? []);
    }
}
