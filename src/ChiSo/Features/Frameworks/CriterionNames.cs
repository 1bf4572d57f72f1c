using ChiSo.Data;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Frameworks;

/// <summary>A criterion as a person reads it: its name, its code beside it, its index by name, and where to see it.</summary>
public sealed record CriterionLabel(string Framework, string FrameworkName, string Code, string? Name)
{
    /// <summary>The criterion's row in the index overview.</summary>
    public string Link => $"/overview?f={Uri.EscapeDataString(Framework)}#c-{Code}";

    /// <summary>One line of text: "4.3.2 Tên tiêu chí (PAR INDEX)", for exports and messages.</summary>
    public string Text => (Name is null ? Code : $"{Code} {Name}") + $" ({FrameworkName})";
}

/// <summary>The names behind the keys the data keeps ("par-province:4.3.2", "sipas", "citizens"): every page and export that
/// shows a criterion, an index or a respondent group asks here instead of printing the key. Loaded whole (a few hundred
/// criteria); a criterion's name is its newest version's.</summary>
public sealed class CriterionNames
{
    readonly Dictionary<string, string> frameworks;
    readonly Dictionary<(string, string), string> criteria;
    readonly Dictionary<string, string> groups;

    CriterionNames(Dictionary<string, string> frameworks, Dictionary<(string, string), string> criteria, Dictionary<string, string> groups)
    {
        this.frameworks = frameworks;
        this.criteria = criteria;
        this.groups = groups;
    }

    public static async Task<CriterionNames> LoadAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var frameworks = await db.Frameworks.AsNoTracking().Select(f => new { f.Key, f.Name }).ToListAsync(ct);
        var rows = await db.Criteria.AsNoTracking()
            .Join(db.FrameworkVersions, c => c.VersionId, v => v.Id, (c, v) => new { v.FrameworkId, c.Code, c.Name, v.ValidFromYear })
            .Join(db.Frameworks, x => x.FrameworkId, f => f.Id, (x, f) => new { f.Key, x.Code, x.Name, x.ValidFromYear })
            .ToListAsync(ct);
        var criteria = new Dictionary<(string, string), string>();
        foreach (var r in rows.OrderBy(r => r.ValidFromYear)) criteria[(r.Key, r.Code)] = r.Name;
        var groups = await db.Set<ChiSo.Features.Surveys.RespondentGroup>().AsNoTracking().Select(g => new { g.Code, g.Name }).ToListAsync(ct);
        return new CriterionNames(frameworks.ToDictionary(f => f.Key, f => f.Name), criteria,
            groups.GroupBy(g => g.Code).ToDictionary(g => g.Key, g => g.First().Name));
    }

    /// <summary>The index's name; the key itself when it is unknown.</summary>
    public string Framework(string key) => frameworks.GetValueOrDefault(key, key);

    /// <summary>A respondent group's Vietnamese name; the code itself when it is unknown.</summary>
    public string Group(string code) => groups.GetValueOrDefault(code, code);

    public CriterionLabel Of(string framework, string code) => new(framework, Framework(framework), code, criteria.GetValueOrDefault((framework, code)));

    /// <summary>"par-province:4.3.2" (or "par-province@2024:4.3.2") as a label; null when the text is not such a key.</summary>
    public CriterionLabel? Parse(string key)
    {
        var colon = key.IndexOf(':');
        if (colon <= 0 || colon == key.Length - 1) return null;
        var framework = key[..colon];
        var at = framework.IndexOf('@');
        if (at > 0) framework = framework[..at];
        return Of(framework, key[(colon + 1)..]);
    }
}
