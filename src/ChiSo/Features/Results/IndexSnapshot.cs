using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Results;

/// <summary>Everything the overview and the gap analysis need for one framework, year and unit: the
/// version's tree, the year's result, the previous year's result and the next year's targets.
/// Scores of other years are matched by criterion code.</summary>
public sealed class IndexSnapshot
{
    public required Framework Framework { get; init; }
    public required FrameworkVersion Version { get; init; }
    public required Unit Unit { get; init; }
    public int Year { get; init; }
    public required IReadOnlyList<Criterion> Criteria { get; init; }
    public IndexResult? Result { get; init; }
    public IndexResult? Previous { get; init; }
    public IndexTarget? Target { get; init; }
    /// <summary>The target that was set for this year itself, to say whether it was met.</summary>
    public IndexTarget? TargetForYear { get; init; }
    public IReadOnlyDictionary<int, string> PreviousCodes { get; init; } = new Dictionary<int, string>();
    public IReadOnlyDictionary<int, string> TargetCodes { get; init; } = new Dictionary<int, string>();

    public IEnumerable<Criterion> Roots => Criteria.Where(c => c.ParentId is null).OrderBy(c => c.Order);
    public IEnumerable<Criterion> ChildrenOf(Criterion c) => Criteria.Where(x => x.ParentId == c.Id).OrderBy(x => x.Order);
    public bool IsLeaf(Criterion c) => Criteria.All(x => x.ParentId != c.Id);

    public decimal? ResultOf(Criterion c) => Result?.Scores.FirstOrDefault(s => s.CriterionId == c.Id)?.Value;
    public string? ResultNoteOf(Criterion c) => Result?.Scores.FirstOrDefault(s => s.CriterionId == c.Id)?.Note;
    /// <summary>Last year's value: in the same version by the criterion's code; across versions (876 → 1187/QĐ-BNV) through
    /// the codes it continues, summed when it merges several, the way the ranking compares years.</summary>
    public decimal? PreviousOf(Criterion c)
    {
        if (Previous is null) return null;
        if (Previous.VersionId == c.VersionId || c.PreviousCodes.Count == 0) return ByCode(Previous.Scores, PreviousCodes, c.Code)?.Value;
        var found = c.PreviousCodes.Select(code => ByCode(Previous.Scores, PreviousCodes, code)?.Value).OfType<decimal>().ToList();
        return found.Count > 0 ? found.Sum() : null;
    }
    public CriterionTarget? TargetOf(Criterion c) =>
        Target?.Criteria.FirstOrDefault(t => TargetCodes.GetValueOrDefault(t.CriterionId) == c.Code);

    static CriterionScore? ByCode(List<CriterionScore>? scores, IReadOnlyDictionary<int, string> codes, string code) =>
        scores?.FirstOrDefault(s => codes.GetValueOrDefault(s.CriterionId) == code);

    /// <summary>The leads the snapshot's year assigned (a plan's lead table, <see cref="CriterionYearLead"/>), by criterion id;
    /// empty for a year whose plan did not assign them differently.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<CriterionLead>> YearLeads { get; init; } = new Dictionary<int, IReadOnlyList<CriterionLead>>();

    /// <summary>Who leads the criterion in the snapshot's year: that year's leads, else the criterion's current ones.</summary>
    public IReadOnlyList<CriterionLead> LeadsOf(Criterion c) => YearLeads.GetValueOrDefault(c.Id) ?? c.Leads;

    /// <summary>Leads named on the criterion, else those of the nearest ancestor that names some: the
    /// appendices print a lead once for a group of rows. The year's leads come first, through the same walk.</summary>
    public IReadOnlyList<CriterionLead> EffectiveLeads(Criterion c)
    {
        foreach (var of in new Func<Criterion, IReadOnlyList<CriterionLead>>[] { n => YearLeads.GetValueOrDefault(n.Id) ?? [], n => n.Leads })
            for (Criterion? n = c; n is not null; n = n.ParentId is { } p ? Criteria.First(x => x.Id == p) : null)
                if (of(n).Count > 0) return of(n);
        return [];
    }

    public static string LeadName(CriterionLead l) => l.Scope is null ? l.Unit!.Name : $"{l.Unit!.Name} ({l.Scope})";

    /// <summary>Loads a snapshot; null when the framework, unit or a version for the year does not exist.</summary>
    public static async Task<IndexSnapshot?> LoadAsync(ChiSoDb db, string frameworkKey, int year, string? unitCode, CancellationToken ct = default)
    {
        var framework = await db.Frameworks.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Key == frameworkKey, ct);
        var version = framework?.VersionFor(year);
        if (framework is null || version is null) return null;
        var unit = await FindUnitAsync(db, unitCode, ct);
        if (unit is null) return null;

        var criteria = await db.Criteria.AsNoTracking().Where(c => c.VersionId == version.Id)
            .Include(c => c.Leads).ThenInclude(l => l.Unit).ToListAsync(ct);
        var ids = criteria.Select(c => c.Id).ToList();
        var yearLeads = (await db.CriterionYearLeads.AsNoTracking().Include(l => l.Unit)
                .Where(l => l.Year == year && ids.Contains(l.CriterionId)).OrderBy(l => l.Id).ToListAsync(ct))
            .GroupBy(l => l.CriterionId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<CriterionLead>)g
                .Select(l => new CriterionLead { CriterionId = l.CriterionId, UnitId = l.UnitId, Unit = l.Unit, Scope = l.Scope }).ToList());
        var result = await ResultAsync(db, framework.Versions, unit.Id, year, ct);
        var previous = await ResultAsync(db, framework.Versions, unit.Id, year - 1, ct);
        var target = await TargetAsync(db, framework.Versions, unit.Id, year + 1, ct);
        var targetForYear = await TargetAsync(db, framework.Versions, unit.Id, year, ct);
        return new IndexSnapshot
        {
            Framework = framework, Version = version, Unit = unit, Year = year, Criteria = criteria, YearLeads = yearLeads,
            Result = result, Previous = previous, Target = target, TargetForYear = targetForYear,
            PreviousCodes = await CodesAsync(db, previous?.VersionId, version.Id, criteria, ct),
            TargetCodes = await CodesAsync(db, target?.VersionId, version.Id, criteria, ct),
        };
    }

    /// <summary>The unit by code, or the top of the registry (the city) when none is named.</summary>
    public static async Task<Unit?> FindUnitAsync(ChiSoDb db, string? unitCode, CancellationToken ct) =>
        unitCode is null
            ? await db.Units.AsNoTracking().Where(u => u.Kind == UnitKind.City).OrderBy(u => u.Id).FirstOrDefaultAsync(ct)
            : await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode.ToUpper(), ct);

    static async Task<IndexResult?> ResultAsync(ChiSoDb db, List<FrameworkVersion> versions, int unitId, int year, CancellationToken ct)
    {
        var ids = versions.Select(v => v.Id).ToList();
        return await db.Results.AsNoTracking().Include(r => r.Scores)
            .FirstOrDefaultAsync(r => ids.Contains(r.VersionId) && r.UnitId == unitId && r.Year == year, ct);
    }

    static async Task<IndexTarget?> TargetAsync(ChiSoDb db, List<FrameworkVersion> versions, int unitId, int year, CancellationToken ct)
    {
        var ids = versions.Select(v => v.Id).ToList();
        return await db.Targets.AsNoTracking().Include(t => t.Criteria)
            .FirstOrDefaultAsync(t => ids.Contains(t.VersionId) && t.UnitId == unitId && t.Year == year, ct);
    }

    static async Task<IReadOnlyDictionary<int, string>> CodesAsync(ChiSoDb db, int? versionId, int currentVersionId,
        List<Criterion> current, CancellationToken ct)
    {
        if (versionId is null) return new Dictionary<int, string>();
        if (versionId == currentVersionId) return current.ToDictionary(c => c.Id, c => c.Code);
        return await db.Criteria.AsNoTracking().Where(c => c.VersionId == versionId).ToDictionaryAsync(c => c.Id, c => c.Code, ct);
    }
}
