using ChiSo.Data;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Frameworks;

/// <summary>A criterion as a person reads it: its name, its code beside it, its index by name, and where to see it.</summary>
public sealed record CriterionLabel(string Framework, string FrameworkName, string Code, string? Name, int? Year = null)
{
    /// <summary>The criterion's row in the index overview (of its year, when it was named as that year's version).</summary>
    public string Link => $"/overview?f={Uri.EscapeDataString(Framework)}" + (Year is { } y ? $"&y={y}" : "") + $"#c-{Code}";

    /// <summary>One line of text: "4.3.2 Tên tiêu chí (PAR INDEX)", for exports and messages.</summary>
    public string Text => (Name is null ? Code : $"{Code} {Name}") + $" ({FrameworkName})";
}

/// <summary>The names behind the keys the data keeps ("par-province:4.3.2", "sipas", "citizens"): every page and export that
/// shows a criterion, an index or a respondent group asks here instead of printing the key. Loaded whole (a few hundred
/// criteria). A criterion is named as the version in force in the year asked for (<see cref="Framework.VersionFor"/>'s
/// rule: of two starting the same year, the one entered last), and as the newest version when no year is asked.</summary>
public sealed class CriterionNames
{
    readonly Dictionary<string, string> frameworks;
    /// <summary>Per criterion, its name in each version that has it, oldest first.</summary>
    readonly Dictionary<(string, string), List<Named>> criteria;
    readonly Dictionary<string, string> groups;

    sealed record Named(int From, int? To, string Label, string Name);

    CriterionNames(Dictionary<string, string> frameworks, Dictionary<(string, string), List<Named>> criteria, Dictionary<string, string> groups)
    {
        this.frameworks = frameworks;
        this.criteria = criteria;
        this.groups = groups;
    }

    public static async Task<CriterionNames> LoadAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var frameworks = await db.Frameworks.AsNoTracking().Select(f => new { f.Key, f.Name }).ToListAsync(ct);
        var rows = await db.Criteria.AsNoTracking()
            .Join(db.FrameworkVersions, c => c.VersionId, v => v.Id, (c, v) => new { v.FrameworkId, VersionId = v.Id, v.Label, c.Code, c.Name, v.ValidFromYear, v.ValidToYear })
            .Join(db.Frameworks, x => x.FrameworkId, f => f.Id, (x, f) => new { f.Key, x.VersionId, x.Label, x.Code, x.Name, x.ValidFromYear, x.ValidToYear })
            .ToListAsync(ct);
        var criteria = rows.OrderBy(r => r.ValidFromYear).ThenBy(r => r.VersionId)
            .GroupBy(r => (r.Key, r.Code))
            .ToDictionary(g => g.Key, g => g.Select(r => new Named(r.ValidFromYear, r.ValidToYear, r.Label, r.Name)).ToList());
        var groups = await db.Set<ChiSo.Features.Surveys.RespondentGroup>().AsNoTracking().Select(g => new { g.Code, g.Name }).ToListAsync(ct);
        return new CriterionNames(frameworks.ToDictionary(f => f.Key, f => f.Name), criteria,
            groups.GroupBy(g => g.Code).ToDictionary(g => g.Key, g => g.First().Name));
    }

    /// <summary>The index's name; the key itself when it is unknown.</summary>
    public string Framework(string key) => frameworks.GetValueOrDefault(key, key);

    /// <summary>A respondent group's Vietnamese name; the code itself when it is unknown.</summary>
    public string Group(string code) => groups.GetValueOrDefault(code, code);

    /// <summary>The criterion named as <paramref name="year"/>'s version names it (a code no version of that year has: as the
    /// latest version before that year names it, else the first after it), or as the newest version when no year is given.</summary>
    public CriterionLabel Of(string framework, string code, int? year = null) =>
        new(framework, Framework(framework), code, Name(framework, code, year), year);

    /// <summary>The criterion as the version labelled <paramref name="label"/> names it (an edit of that version); as the
    /// newest version when that version does not have it.</summary>
    public CriterionLabel InVersion(string framework, string label, string code) =>
        criteria.TryGetValue((framework, code), out var named) && named.LastOrDefault(n => n.Label == label) is { } n
            ? new(framework, Framework(framework), code, n.Name, n.From)
            : Of(framework, code);

    string? Name(string framework, string code, int? year)
    {
        if (!criteria.TryGetValue((framework, code), out var named)) return null;
        if (year is not { } y) return named[^1].Name;
        return (named.LastOrDefault(n => n.From <= y && (n.To is null || y <= n.To))
            ?? named.LastOrDefault(n => n.From <= y) ?? named[0]).Name;
    }

    /// <summary>"par-province:4.3.2" (or "par-province@2024:4.3.2", named as 2024's version) as a label, named as
    /// <paramref name="year"/>'s version when the key says no year; null when the text is not such a key.</summary>
    public CriterionLabel? Parse(string key, int? year = null)
    {
        var colon = key.IndexOf(':');
        if (colon <= 0 || colon == key.Length - 1) return null;
        var framework = key[..colon];
        var at = framework.IndexOf('@');
        if (at > 0)
        {
            if (int.TryParse(framework[(at + 1)..], out var keyed)) year = keyed;
            framework = framework[..at];
        }
        return Of(framework, key[(colon + 1)..], year);
    }
}
