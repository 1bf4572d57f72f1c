using ChiSo.Features.Audit;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChiSo.Data;

/// <summary>The catch-all of the NFC rule (docs/decisions/0017): whatever a page, the CLI, an import or the API saves,
/// every text column of an added row, and every changed text column of a modified row, is written as
/// <see cref="ViText.Normal"/> keeps text (NFC, no NUL), so Vietnamese typed decomposed is found, sorted and compared
/// like the rest. Left alone: audit rows (hashed as written by the audit,
/// which normalises them itself) and data-protection keys (key material). Hashes and tokens are ASCII, which NFC never
/// changes; lists kept as JSON columns are not text properties and are not touched.</summary>
public sealed class NfcInterceptor : SaveChangesInterceptor
{
    public static readonly NfcInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Normalise(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Normalise(eventData.Context);
        return ValueTask.FromResult(result);
    }

    static void Normalise(DbContext? db)
    {
        if (db is null) return;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified) || entry.Entity is AuditEntry or DataProtectionKey) continue;
            foreach (var p in entry.Properties)
                if (p.CurrentValue is string text && (entry.State == EntityState.Added || p.IsModified) && !ViText.IsNormal(text))
                    p.CurrentValue = ViText.Normal(text);
        }
    }
}
