using ChiSo.Data;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Units;

/// <summary>Resolves an agency as documents write it (code, name, short name or alias) to one unit.</summary>
public sealed class UnitDirectory
{
    readonly Dictionary<string, Unit> byKey;
    readonly Dictionary<string, UnitGroup> groups;

    UnitDirectory(Dictionary<string, Unit> byKey, Dictionary<string, UnitGroup> groups)
    {
        this.byKey = byKey;
        this.groups = groups;
    }

    public static async Task<UnitDirectory> LoadAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var units = await db.Units.Include(u => u.Aliases).AsNoTracking().ToListAsync(ct);
        var byKey = new Dictionary<string, Unit>();
        foreach (var u in units)
        {
            byKey[u.Code.ToUpperInvariant()] = u;
            foreach (var a in u.Aliases) byKey[a.Normalized] = u;
        }
        var groups = new Dictionary<string, UnitGroup>();
        foreach (var g in await db.UnitGroups.AsNoTracking().ToListAsync(ct))
            foreach (var a in g.Aliases.Prepend(g.Name)) groups[UnitNames.Normalize(a)] = g;
        return new UnitDirectory(byKey, groups);
    }

    /// <summary>A phrase that names several units ("Các sở, ban, ngành").</summary>
    public UnitGroup? FindGroup(string phrase) => groups.GetValueOrDefault(UnitNames.Normalize(phrase));

    /// <summary>An agency as a task names it: a unit, else a group; a trailing "(scope)" is ignored.</summary>
    public (Unit? Unit, UnitGroup? Group) Resolve(string name)
    {
        var bare = name.IndexOf('(') is > 0 and var open && name.TrimEnd().EndsWith(')') ? name[..open].Trim() : name;
        return (Find(name) ?? Find(bare), FindGroup(name) ?? FindGroup(bare));
    }

    public Unit? Find(string nameOrCode) =>
        byKey.GetValueOrDefault(nameOrCode.Trim().ToUpperInvariant()) ?? byKey.GetValueOrDefault(UnitNames.Normalize(nameOrCode));
}
