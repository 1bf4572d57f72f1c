using ChiSo.Data;
using ChiSo.Features.Audit;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Reports;

/// <summary>Where one unit's report for a period stands, for the standing agency's dashboard.</summary>
public sealed record FilingRow(string Unit, string Name, string Kind, string Status, bool Late, DateTime? SubmittedAt, bool SubmittedLate,
    IReadOnlyList<string> ThematicSubmitted);

public sealed record FilingDashboard(ReportingPeriod Period, DateOnly AsOf, int Units, int Submitted, int Drafts, int Missing, int Late,
    IReadOnlyList<FilingRow> Rows);

public sealed record UnitText(string Unit, string Text, bool Thematic);

public sealed record AreaSection(ReformArea Area, IReadOnlyList<UnitText> Texts);

public sealed record UnitKpi(string Unit, KpiValue Kpi);

public sealed record UnitTask(string Unit, TaskStatusRow Task);

/// <summary>What the consolidated report says: the filing status and, from the submitted reports, the texts per
/// reform area, the KPI values and the task statuses; and the audit chain's head when it was generated.</summary>
public sealed record Consolidation(FilingDashboard Filing, IReadOnlyList<AreaSection> Areas, IReadOnlyList<UnitKpi> Kpis, IReadOnlyList<UnitTask> Tasks,
    AuditHead? AuditHead)
{
    public ReportingPeriod Period => Filing.Period;
}

public static class Consolidations
{
    /// <summary>Units that must report for the period: the reporting kinds, existing on the window's last day.</summary>
    public static async Task<List<Unit>> ReportingUnitsAsync(ChiSoDb db, ReportingPeriod period, CancellationToken ct = default) =>
        // The registry is a few hundred rows: filtering in memory keeps the enum rule out of SQL.
        (await db.Units.AsNoTracking().ToListAsync(ct))
            .Where(u => ReportingSchedule.ReportingKinds.Contains(u.Kind) && u.ExistsOn(period.End))
            .OrderBy(u => ReportingSchedule.ReportingKinds.ToList().IndexOf(u.Kind)).ThenBy(u => u.Name, StringComparer.Create(ViText.Vi, false))
            .ToList();

    public static async Task<FilingDashboard> DashboardAsync(ChiSoDb db, ReportingPeriod period, DateOnly asOf, CancellationToken ct = default)
    {
        var units = await ReportingUnitsAsync(db, period, ct);
        var reports = await db.PeriodicReports.AsNoTracking().Where(r => r.Year == period.Year && r.Period == period.Kind)
            .Select(r => new { r.UnitId, r.Area, r.Status, r.SubmittedAt }).ToListAsync(ct);
        var rows = units.Select(u =>
        {
            var general = reports.FirstOrDefault(r => r.UnitId == u.Id && r.Area == null);
            var submitted = general?.Status == ReportStatus.Submitted;
            return new FilingRow(u.Code, u.Name, u.Kind.Key(),
                general is null ? ReportStates.Missing : submitted ? ReportStates.Submitted : ReportStates.Draft,
                !submitted && period.IsLate(asOf), general?.SubmittedAt,
                general?.SubmittedAt is { } at && DateOnly.FromDateTime(at.AddHours(7)) > period.Due,
                reports.Where(r => r.UnitId == u.Id && r.Area != null && r.Status == ReportStatus.Submitted).Select(r => r.Area!)
                    .OrderBy(a => ReformAreas.All.ToList().FindIndex(x => x.Key == a)).ToList());
        }).ToList();
        return new FilingDashboard(period, asOf, rows.Count,
            rows.Count(r => r.Status == ReportStates.Submitted), rows.Count(r => r.Status == ReportStates.Draft),
            rows.Count(r => r.Status == ReportStates.Missing), rows.Count(r => r.Late), rows);
    }

    /// <summary>Everything the Word and Excel files show. Only submitted reports are consolidated: a draft is
    /// still the unit's own.</summary>
    public static async Task<Consolidation> LoadAsync(ChiSoDb db, ReportingPeriod period, DateOnly asOf, CancellationToken ct = default)
    {
        var filing = await DashboardAsync(db, period, asOf, ct);
        var units = (await ReportingUnitsAsync(db, period, ct)).ToDictionary(u => u.Id);
        var reports = await db.PeriodicReports.AsNoTracking().Include(r => r.Sections)
            .Where(r => r.Year == period.Year && r.Period == period.Kind && r.Status == ReportStatus.Submitted)
            .ToListAsync(ct);
        reports = reports.Where(r => units.ContainsKey(r.UnitId)).ToList();
        var order = units.Keys.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var areas = ReformAreas.All.Select(a => new AreaSection(a, reports
            .OrderBy(r => r.Area is null ? 0 : 1).ThenBy(r => order[r.UnitId])
            .SelectMany(r => r.Sections.Where(s => s.Area == a.Key && !string.IsNullOrWhiteSpace(s.Text))
                .Select(s => new UnitText(units[r.UnitId].Name, s.Text!, r.Area is not null)))
            .ToList())).ToList();
        var filed = reports.Where(r => r.Area is null).Select(r => r.UnitId).ToList();
        var kpis = filed.Count == 0 ? [] : await ReportService.KpisAsync(db, filed, period, ct);
        var tasks = filed.Count == 0 ? [] : await ReportService.TasksAsync(db, filed, period, ct);
        return new Consolidation(filing, areas,
            kpis.OrderBy(k => order[k.UnitId]).Select(k => new UnitKpi(units[k.UnitId].Name, k.Value)).ToList(),
            tasks.OrderBy(t => order[t.UnitId]).Select(t => new UnitTask(units[t.UnitId].Name, t.Row)).ToList(),
            await AuditChain.HeadAsync(db, ct));
    }
}
