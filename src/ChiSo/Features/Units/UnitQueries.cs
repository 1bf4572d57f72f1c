using ChiSo.Data;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Units;

/// <summary>A unit as the registry lists it, with the changes that started or ended it.</summary>
public sealed record UnitListing(
    string Code,
    string Name,
    string? ShortName,
    string? NameEn,
    string Kind,
    string? Subkind,
    string? Parent,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<UnitChange> History,
    IReadOnlyList<SuccessionLine> Predecessors,
    IReadOnlyList<SuccessionLine> Successors)
{
    /// <summary>Whether the search (diacritics and case ignored, <see cref="ViText.Matches"/>) names this unit by its
    /// code, name, short or English name or a former name.</summary>
    public bool Matches(string? search) => ViText.Matches(search, Code, Name, ShortName, NameEn, string.Join('\n', Aliases));
}

/// <summary>One succession as a unit's page shows it: the other unit, from when, and the document that decided it.</summary>
public sealed record SuccessionLine(string Unit, string UnitName, DateOnly Date, string Reference, DateOnly? ReferenceDate, string? Share, string? Note);

/// <summary>One merge, split, rename, establishment or dissolution the unit took part in.</summary>
public sealed record UnitChange(DateOnly Date, string Kind, IReadOnlyList<string> Predecessors, IReadOnlyList<string> Successors, string? Note);

public static class UnitQueries
{
    public static async Task<List<UnitListing>> ListAsync(ChiSoDb db, DateOnly? asOf, UnitKind? kind, CancellationToken ct = default, string? search = null)
    {
        var units = await db.Units.AsNoTracking().Include(u => u.Aliases).ToListAsync(ct);
        var events = await db.UnitEvents.AsNoTracking().Include(e => e.Parts).ToListAsync(ct);
        var successions = await db.UnitSuccessions.AsNoTracking().ToListAsync(ct);
        var byId = units.ToDictionary(u => u.Id);
        var (before, after) = (successions.ToLookup(x => x.SuccessorId), successions.ToLookup(x => x.PredecessorId));
        SuccessionLine Line(UnitSuccession x, int other) =>
            new(byId[other].Code, byId[other].Name, x.Date, x.Reference, x.ReferenceDate, x.Share, x.Note);
        return units
            .Where(u => asOf is null || u.ExistsOn(asOf.Value))
            .Where(u => kind is null || u.Kind == kind)
            .OrderBy(u => u.Kind).ThenBy(u => u.Name, StringComparer.Create(ViText.Vi, false))
            .Select(u => new UnitListing(u.Code, u.Name, u.ShortName, u.NameEn, u.Kind.Key(), u.Subkind,
                u.ParentId is { } p ? byId[p].Code : null, u.ValidFrom, u.ValidTo,
                u.Aliases.Select(a => a.Alias).Where(a => a != u.Name && a != u.ShortName).ToList(),
                events.Where(e => e.Parts.Any(x => x.UnitId == u.Id)).OrderBy(e => e.Date)
                    .Select(e => new UnitChange(e.Date, e.Kind.ToString().ToLowerInvariant(),
                        e.Parts.Where(x => x.IsPredecessor).Select(x => byId[x.UnitId].Code).ToList(),
                        e.Parts.Where(x => !x.IsPredecessor).Select(x => byId[x.UnitId].Code).ToList(), e.Note))
                    .ToList(),
                before[u.Id].OrderBy(x => x.Date).Select(x => Line(x, x.PredecessorId)).ToList(),
                after[u.Id].OrderBy(x => x.Date).Select(x => Line(x, x.SuccessorId)).ToList()))
            .Where(u => u.Matches(search))
            .ToList();
    }
}
