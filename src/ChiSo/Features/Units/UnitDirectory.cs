using ChiSo.Data;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Units;

/// <summary>Resolves an agency as documents write it (code, name, short name or alias) to one unit.</summary>
public sealed class UnitDirectory
{
    readonly Dictionary<string, Unit> byKey;

    UnitDirectory(Dictionary<string, Unit> byKey) => this.byKey = byKey;

    public static async Task<UnitDirectory> LoadAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var units = await db.Units.Include(u => u.Aliases).AsNoTracking().ToListAsync(ct);
        var byKey = new Dictionary<string, Unit>();
        foreach (var u in units)
        {
            byKey[u.Code.ToUpperInvariant()] = u;
            foreach (var a in u.Aliases) byKey[a.Normalized] = u;
        }
        return new UnitDirectory(byKey);
    }

    public Unit? Find(string nameOrCode) =>
        byKey.GetValueOrDefault(nameOrCode.Trim().ToUpperInvariant()) ?? byKey.GetValueOrDefault(UnitNames.Normalize(nameOrCode));
}
