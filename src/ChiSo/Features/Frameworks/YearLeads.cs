using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Frameworks;

/// <summary>A criterion's leads for one year (a year's plan named them, e.g. PAPI 2022), in place of the framework's own.</summary>
public sealed record YearLeadsView(string Code, int Year, List<LeadDocument> Leads, string? Source);

/// <summary>The leads a year gives a criterion; none removes the year's leads, so the framework's own apply again.</summary>
public sealed record YearLeadsChange(List<LeadDocument>? Leads, string? Source, string? Reason);

/// <summary>Leads per year (<see cref="CriterionYearLead"/>) as the framework editor shows and changes them: the same
/// standing-agency rule as the rest of the framework, audited under the version.</summary>
public static class YearLeads
{
    public static bool MayEdit(Actor actor) => FrameworkEditor.MayEdit(actor);

    /// <summary>Every year's leads of the version's criteria, in the tree's order then by year; null when there is no such version.</summary>
    public static async Task<List<YearLeadsView>?> ListAsync(ChiSoDb db, string key, string label, CancellationToken ct = default)
    {
        var versionId = await db.FrameworkVersions.Where(v => v.Label == label && v.Framework!.Key == key).Select(v => (int?)v.Id).FirstOrDefaultAsync(ct);
        if (versionId is null) return null;
        var criteria = await db.Criteria.AsNoTracking().Where(c => c.VersionId == versionId).Select(c => new { c.Id, c.Code, c.Order }).ToListAsync(ct);
        var ids = criteria.Select(c => c.Id).ToList();
        var rows = await db.CriterionYearLeads.AsNoTracking().Include(l => l.Unit).Where(l => ids.Contains(l.CriterionId)).OrderBy(l => l.Id).ToListAsync(ct);
        return [.. rows.GroupBy(l => (l.CriterionId, l.Year))
            .Select(g => (Order: criteria.First(c => c.Id == g.Key.CriterionId).Order, View: new YearLeadsView(criteria.First(c => c.Id == g.Key.CriterionId).Code, g.Key.Year,
                [.. g.Select(l => new LeadDocument(l.Unit!.Name, l.Scope))], g.Select(l => l.Source).FirstOrDefault(s => s is not null))))
            .OrderBy(x => x.Order).ThenBy(x => x.View.Year).Select(x => x.View)];
    }

    /// <summary>Replaces the leads of criterion <paramref name="code"/> for <paramref name="year"/>; one audit row with the
    /// leads before and after.</summary>
    public static async Task<FrameworkEdit> SetAsync(ChiSoDb db, TimeProvider clock, string key, string label, string code, int year,
        YearLeadsChange change, Actor actor, CancellationToken ct = default)
    {
        FrameworkEditor.RequireEdit(actor);
        var version = await db.FrameworkVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Label == label && v.Framework!.Key == key, ct);
        var criterion = version is null ? null : await db.Criteria.AsNoTracking().FirstOrDefaultAsync(c => c.VersionId == version.Id && c.Code == code, ct);
        if (version is null || criterion is null) return new FrameworkEdit.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (year < version.ValidFromYear || year > (version.ValidToYear ?? 2100))
            errors["year"] = [$"Năm {year} ngoài thời gian áp dụng của phiên bản {label} ({version.ValidFromYear}–{version.ValidToYear?.ToString() ?? "nay"})."];
        var units = await UnitDirectory.LoadAsync(db, ct);
        var leads = (change.Leads ?? []).Where(l => !string.IsNullOrWhiteSpace(l.Agency))
            .Select(l => (Agency: l.Agency.Trim(), Scope: string.IsNullOrWhiteSpace(l.Scope) ? null : l.Scope.Trim())).ToList();
        var unknown = leads.Where(l => units.Find(l.Agency) is null).Select(l => $"Không tìm thấy đơn vị chủ trì '{l.Agency}' trong danh mục tổ chức.").ToArray();
        if (unknown.Length > 0) errors["leads"] = unknown;
        if (errors.Count > 0) return new FrameworkEdit.Invalid(errors);

        var old = await db.CriterionYearLeads.Include(l => l.Unit).Where(l => l.CriterionId == criterion.Id && l.Year == year).OrderBy(l => l.Id).ToListAsync(ct);
        var source = string.IsNullOrWhiteSpace(change.Source) ? null : change.Source.Trim();
        var rows = leads.Select(l => new CriterionYearLead { CriterionId = criterion.Id, Year = year, UnitId = units.Find(l.Agency)!.Id, Scope = l.Scope, Source = source }).ToList();
        static string? Text(IEnumerable<(string Name, string? Scope)> ls, string? source) =>
            ls.Any() ? string.Join("; ", ls.Select(l => l.Scope is null ? l.Name : $"{l.Name} ({l.Scope})")) + (source is null ? "" : $" — {source}") : null;
        var before = Text(old.Select(l => (l.Unit!.Name, l.Scope)), old.Select(l => l.Source).FirstOrDefault(s => s is not null));
        var after = Text(leads.Select(l => (units.Find(l.Agency)!.Name, l.Scope)), source);
        if (before != after)
        {
            db.CriterionYearLeads.RemoveRange(old);
            db.CriterionYearLeads.AddRange(rows);
            db.Audit.Add(new AuditEntry
            {
                At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"framework:{key}:{label}", Field = $"{code}/lead:{year}",
                OldValue = before, NewValue = after, Reason = string.IsNullOrWhiteSpace(change.Reason) ? $"Đơn vị chủ trì năm {year}" : change.Reason.Trim(),
            });
            await db.SaveChangesAsync(ct);
        }
        return new FrameworkEdit.Saved((await FrameworkEditor.LoadAsync(db, key, label, ct))!);
    }
}
