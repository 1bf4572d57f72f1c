using ChiSo.Data;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>A plan's lead table kept as the leads of the plan's year (<see cref="CriterionYearLead"/>), so that the gaps,
/// the overview and the drafts of that year name who led then and not who leads now.</summary>
public static class PlanLeads
{
    /// <summary>Stores the lead table of each plan for its year, once: a framework whose version already holds leads for
    /// that year is left as it is, so running again (every start of an existing database) changes nothing. All or nothing
    /// per plan and framework; problems (a code or agency not found) are returned and nothing of that table is stored.</summary>
    public static async Task<IReadOnlyList<string>> KeepAsync(ChiSoDb db, IEnumerable<PlanDocument> plans, TimeProvider clock, CancellationToken ct = default)
    {
        var problems = new List<string>();
        var units = await UnitDirectory.LoadAsync(db, ct);
        foreach (var plan in plans)
            foreach (var table in plan.LeadAssignments.GroupBy(a => a.Framework))
            {
                var framework = await db.Frameworks.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Key == table.Key, ct);
                var version = framework?.VersionFor(plan.Year);
                if (version is null)
                {
                    problems.Add($"{plan.Number ?? plan.Title}: không có phiên bản {table.Key} cho năm {plan.Year}");
                    continue;
                }
                var criteria = await db.Criteria.AsNoTracking().Where(c => c.VersionId == version.Id).ToDictionaryAsync(c => c.Code, c => c.Id, ct);
                var ids = criteria.Values.ToList();
                if (await db.CriterionYearLeads.AnyAsync(l => l.Year == plan.Year && ids.Contains(l.CriterionId), ct)) continue;
                var source = $"{plan.Number ?? plan.Title}, bảng phân công chủ trì";
                var rows = new List<CriterionYearLead>();
                var before = problems.Count;
                foreach (var a in table)
                {
                    if (!criteria.TryGetValue(a.Criterion, out var criterionId))
                    {
                        problems.Add($"{source}: không có tiêu chí {a.Criterion} ({a.Name}) trong {version.Label}");
                        continue;
                    }
                    foreach (var name in a.Lead)
                    {
                        if (units.Find(name) is { } unit)
                            rows.Add(new CriterionYearLead { CriterionId = criterionId, Year = plan.Year, UnitId = unit.Id, Scope = a.Scope, Source = source });
                        else problems.Add($"{source}: không tìm thấy đơn vị \"{name}\" (tiêu chí {a.Criterion})");
                    }
                }
                if (problems.Count > before) continue;
                db.CriterionYearLeads.AddRange(rows);
                db.Audit.Add(new AuditEntry
                {
                    At = clock.GetUtcNow().UtcDateTime, User = Accounts.Actor.System.Name, Subject = $"framework:{table.Key}:{plan.Year}", Field = "leads",
                    NewValue = $"{rows.Count} đơn vị chủ trì của {rows.Select(r => r.CriterionId).Distinct().Count()} tiêu chí",
                    Reason = $"Phân công chủ trì năm {plan.Year} theo {source}",
                });
                await db.SaveChangesAsync(ct);
            }
        return problems;
    }
}
