using ChiSo.Data;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>The plan use cases shared by the API, the pages and the CLI: list, read, edit, issue, record
/// target actuals. Every change validates first and writes nothing when the input is bad.</summary>
public sealed partial class PlanService(ChiSoDb db, TimeProvider clock)
{
    public async Task<List<PlanSummary>> ListAsync(int? year = null, PlanKind? kind = null, string? issuer = null, CancellationToken ct = default)
    {
        var q = db.Plans.AsNoTracking();
        if (year is { } y) q = q.Where(p => p.Year == y);
        if (kind is { } k) q = q.Where(p => p.Kind == k);
        if (!string.IsNullOrWhiteSpace(issuer))
        {
            var unit = (await UnitDirectory.LoadAsync(db, ct)).Find(issuer);
            if (unit is null) return [];
            q = q.Where(p => p.IssuerId == unit.Id);
        }
        var rows = await q.Select(p => new
        {
            p.Id, p.Number, p.IssuedOn, p.Title, p.Year, p.Kind, p.Status,
            Issuer = p.Issuer == null ? null : p.Issuer.Name,
            Tasks = db.PlanTasks.Count(t => t.PlanId == p.Id),
            Targets = p.Targets.Count,
        }).ToListAsync(ct);
        return rows.OrderByDescending(p => p.Year).ThenByDescending(p => p.IssuedOn).ThenBy(p => p.Id)
            .Select(p => new PlanSummary(p.Id, p.Number, p.IssuedOn, p.Title, p.Year, p.Kind, p.Status, p.Issuer, p.Tasks, p.Targets))
            .ToList();
    }

    public async Task<PlanDetail?> GetAsync(int id, CancellationToken ct = default)
    {
        var plan = await db.Plans.AsNoTracking().AsSplitQuery()
            .Include(p => p.Issuer).Include(p => p.Sections).Include(p => p.Targets).ThenInclude(t => t.Actuals)
            .FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return null;
        var tasks = await db.PlanTasks.AsNoTracking().AsSplitQuery().Where(t => t.PlanId == id)
            .Include(t => t.Agencies).ThenInclude(a => a.Unit).Include(t => t.Agencies).ThenInclude(a => a.Group)
            .Include(t => t.Criteria).OrderBy(t => t.Order).ToListAsync(ct);
        var file = plan.SourceFileId is { } fid
            ? await db.Files.AsNoTracking().Where(f => f.Id == fid).Select(f => new SourceFileInfo(plan.SourceFileName ?? f.Name, f.ContentType, f.Size, f.Sha256, f.UploadedAt)).FirstOrDefaultAsync(ct)
            : null;
        var parent = plan.ParentId is { } pid ? await db.Plans.AsNoTracking().Where(p => p.Id == pid).Select(p => new { p.Id, p.Number, p.IssuedOn, p.Title }).FirstOrDefaultAsync(ct) : null;

        var scores = await CriterionScoresAsync(plan, tasks, ct);
        var published = await PublishedAsync(plan, ct);
        var numbers = tasks.ToDictionary(t => t.Id, t => t.Number);
        var lines = tasks.Select(t => Line(t, plan.Year, numbers, scores)).ToList();
        // A task without a section belongs under the plan's unnamed heading (code ""), when it has one.
        var unnamed = plan.Sections.FirstOrDefault(s => s.Code.Length == 0)?.Id;
        var sections = plan.Sections.OrderBy(s => s.Order)
            .Select(s => new SectionTasks(s.Code, s.Title, s.Framework, s.Notes,
                lines.Where((_, i) => (tasks[i].SectionId ?? unnamed) == s.Id).ToList()))
            .ToList();
        var loose = lines.Where((_, i) => (tasks[i].SectionId ?? unnamed) is null).ToList();
        if (loose.Count > 0) sections.Insert(0, new SectionTasks("", "", null, null, loose));

        return new PlanDetail(plan.Id, plan.Number, plan.IssuedOn, plan.Issuer?.Name, plan.Issuer?.Code, plan.Title, plan.Year, plan.PeriodFrom, plan.PeriodTo, plan.Kind,
            plan.Status, parent?.Id, parent is null ? null : parent.Number ?? parent.Title, plan.Implements, plan.Frameworks, plan.Purposes,
            plan.Requirements, plan.Source, file, plan.Concurrency,
            plan.Targets.OrderBy(t => t.Order).Select(t => Standing(t, plan.Year, published.GetValueOrDefault(t.Id))).ToList(), sections, tasks.Count);
    }

    /// <summary>For criterion targets, the index result published for the plan's year (the headline, or the
    /// criterion's score), read from the issuer's results (the city when the issuer has none): once the
    /// ministry publishes, the target stands on the published figure without anyone typing it in again.</summary>
    async Task<Dictionary<int, ActualValue>> PublishedAsync(Plan plan, CancellationToken ct)
    {
        var found = new Dictionary<int, ActualValue>();
        // Only targets stated in the index's own measure: a rank or a group ("nhóm 1") is not a score.
        foreach (var t in plan.Targets.Where(t => t.Kind == PlanTargetKind.Criterion && t.Framework is not null && t.Unit is "điểm" or "%"))
        {
            var s = await Results.IndexSnapshot.LoadAsync(db, t.Framework!, plan.Year, plan.Issuer?.Code, ct);
            if (s?.Result is not { } r) continue;
            var value = t.Criterion is null ? r.Total : s.Criteria.FirstOrDefault(c => c.Code == t.Criterion) is { } c ? s.ResultOf(c) : null;
            if (value is { } v)
                found[t.Id] = new ActualValue(plan.Year, ReportingPeriodKind.Year, v,
                    r.PublishedOn?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) ?? default, r.Source ?? "Kết quả công bố");
        }
        return found;
    }

    /// <summary>Each linked criterion's score in the plan's year and the year before, read from the index
    /// results of the plan's issuer (the city when the issuer has none): "next year, each task shows what its
    /// criteria scored".</summary>
    async Task<Dictionary<(string, string), CriterionLine>> CriterionScoresAsync(Plan plan, List<PlanTask> tasks, CancellationToken ct)
    {
        var lines = new Dictionary<(string, string), CriterionLine>();
        foreach (var key in tasks.SelectMany(t => t.Criteria).Select(c => c.Framework).Distinct())
        {
            var s = await IndexSnapshot.LoadAsync(db, key, plan.Year, plan.Issuer?.Code, ct);
            if (s is not null && s.Result is null && plan.Issuer?.Kind != UnitKind.City)
                s = await IndexSnapshot.LoadAsync(db, key, plan.Year, null, ct) ?? s;
            if (s is null) continue;
            foreach (var c in s.Criteria)
                lines[(key, c.Code)] = new CriterionLine(key, c.Code, c.Name, c.Max, null, plan.Year, s.ResultOf(c), s.PreviousOf(c));
        }
        return lines;
    }

    static TaskLine Line(PlanTask t, int planYear, Dictionary<int, string> numbers, Dictionary<(string, string), CriterionLine> scores) =>
        new TaskLine(t.Id, t.Number, t.ParentId is { } p ? numbers.GetValueOrDefault(p) : null, t.Description,
            t.Agencies.Where(a => a.Role == AgencyRole.Lead).OrderBy(a => a.Id).Select(Agency).ToList(),
            t.Agencies.Where(a => a.Role == AgencyRole.Cooperating).OrderBy(a => a.Id).Select(Agency).ToList(),
            t.DeadlineText, t.DeadlineKind, t.Start, t.Due, t.Recurrence, t.Tentative, t.Event, t.EventDate,
            t.DeadlineKind == DeadlineKind.Unparsed && !string.IsNullOrWhiteSpace(t.DeadlineText),
            t.Output, t.Notes,
            t.Criteria.OrderBy(c => c.Id).Select(c => scores.TryGetValue((c.Framework, c.Code), out var s)
                ? s with { PointsAtStake = c.PointsAtStake }
                : new CriterionLine(c.Framework, c.Code, null, null, c.PointsAtStake, null, null, null)).ToList(),
            t.Concurrency)
        {
            Understood = Describe(t, planYear),
        };

    /// <summary>The stored reading of the deadline in words. Recurring ones are described by the parser, which
    /// knows the day of the period; the stored dates win for the rest (an event's date may have been set).</summary>
    static string? Describe(PlanTask t, int planYear) => t.DeadlineKind switch
    {
        DeadlineKind.Unparsed => null,
        DeadlineKind.Date => $"Hạn {ViText.Date(t.Due)}" + (t.Tentative ? " (dự kiến)" : ""),
        DeadlineKind.Range => $"Từ {ViText.Date(t.Start)} đến {ViText.Date(t.Due)}" + (t.Tentative ? " (dự kiến)" : ""),
        DeadlineKind.Event when t.EventDate is { } d => $"Sự kiện ngày {ViText.Date(d)}: {t.Event}",
        _ => Deadline.Parse(t.DeadlineText, planYear).Describe(ViText.Vi),
    };

    static AgencyLine Agency(TaskAgency a) => new(a.Name, a.Unit?.Code, a.Unit?.Name, a.Group?.Name);

    /// <summary>Where a target stands, judged on the actuals of the plan's year (a plan's targets are for its
    /// year): <b>met</b> when the latest actual satisfies the comparator; <b>at risk</b> when it misses the
    /// threshold by less than 10 % of the threshold, or when no actual has been recorded for the year yet
    /// (nothing shows it is on track); <b>not met</b> when it misses by 10 % or more. A target without a
    /// threshold (a purely qualitative one) has no status.</summary>
    public static TargetStatus? StatusOf(Comparator? comparator, decimal? threshold, ActualValue? latest)
    {
        if (comparator is not { } c || threshold is not { } t) return null;
        if (latest is null) return TargetStatus.AtRisk;
        if (c.IsMet(latest.Value, t)) return TargetStatus.Met;
        return Math.Abs(latest.Value - t) < Math.Abs(t) * 0.1m ? TargetStatus.AtRisk : TargetStatus.NotMet;
    }

    static TargetStanding Standing(PlanTarget t, int planYear, ActualValue? published = null)
    {
        var actuals = t.Actuals.OrderBy(a => a.Year).ThenBy(a => a.Period)
            .Select(a => new ActualValue(a.Year, a.Period, a.Value, a.RecordedAt, a.RecordedBy)).ToList();
        var latest = published ?? actuals.LastOrDefault(a => a.Year == planYear);
        return new TargetStanding(t.Id, t.Kind, t.Framework, t.Criterion, t.Metric, t.Comparator?.Symbol(), t.Threshold, t.Unit, t.Text,
            t.Leads, actuals, latest, StatusOf(t.Comparator, t.Threshold, latest));
    }

    /// <summary>Agency names on the plan's tasks that match no unit and no group: the registry needs an alias.</summary>
    public async Task<List<UnresolvedAgency>?> UnresolvedAgenciesAsync(int id, CancellationToken ct = default)
    {
        if (!await db.Plans.AnyAsync(p => p.Id == id, ct)) return null;
        // A plain join: SelectMany over the navigation needs APPLY, which SQLite lacks.
        var rows = await db.Set<TaskAgency>().Where(a => a.UnitId == null && a.GroupId == null)
            .Join(db.PlanTasks.Where(t => t.PlanId == id), a => a.TaskId, t => t.Id, (a, t) => new { a.Name, a.Role, t.Number, t.Order })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.Name).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UnresolvedAgency(g.Key, g.Select(r => r.Role).Distinct().Order().ToList(),
                g.OrderBy(r => r.Order).Select(r => r.Number).Distinct().ToList()))
            .ToList();
    }

    /// <summary>What a task may name as lead or cooperating agency on <paramref name="day"/> (the plan's issue date, else the
    /// first day of its year): the units in force that day, then the groups ("UBND cấp xã").</summary>
    public async Task<List<AgencyChoice>> AgencyChoicesAsync(DateOnly day, CancellationToken ct = default)
    {
        var units = (await db.Units.AsNoTracking().ToListAsync(ct)).Where(u => u.ExistsOn(day))
            .OrderBy(u => u.Name, StringComparer.Create(ViText.Vi, false))
            .Select(u => new AgencyChoice(u.Name, u.Code, null));
        var groups = (await db.UnitGroups.AsNoTracking().ToListAsync(ct)).OrderBy(g => g.Name, StringComparer.Create(ViText.Vi, false))
            .Select(g => new AgencyChoice(g.Name, null, g.Name));
        return [.. units, .. groups];
    }

    /// <summary>The criteria a task may be linked to, by name: each framework's version in force in <paramref name="year"/>
    /// (the latest one before it when none is), the plan's own frameworks first.</summary>
    public async Task<List<CriterionChoice>> CriterionChoicesAsync(int year, IReadOnlyCollection<string> first, CancellationToken ct = default)
    {
        var versions = await db.FrameworkVersions.AsNoTracking().Include(v => v.Framework).ToListAsync(ct);
        var chosen = versions.GroupBy(v => v.FrameworkId)
            .Select(g => g.Where(v => v.ValidFromYear <= year && (v.ValidToYear is null || v.ValidToYear >= year)).MaxBy(v => v.ValidFromYear)
                ?? g.Where(v => v.ValidFromYear <= year).MaxBy(v => v.ValidFromYear) ?? g.MinBy(v => v.ValidFromYear)!)
            .ToList();
        var ids = chosen.Select(v => v.Id).ToList();
        var criteria = await db.Criteria.AsNoTracking().Where(c => ids.Contains(c.VersionId))
            .Select(c => new { c.VersionId, c.Code, c.Name, c.Id }).ToListAsync(ct);
        return chosen.OrderBy(v => first.Contains(v.Framework!.Key) ? 0 : 1).ThenBy(v => v.Framework!.Name)
            .SelectMany(v => criteria.Where(c => c.VersionId == v.Id).OrderBy(c => c.Id)
                .Select(c => new CriterionChoice(v.Framework!.Key, v.Framework.Name, c.Code, c.Name)))
            .ToList();
    }

    public async Task<(Plan? Plan, IReadOnlyList<Frameworks.ImportProblem> Problems)> CreateAsync(PlanDocument doc, Accounts.Actor actor, CancellationToken ct = default) =>
        await new PlanImporter(db, clock).ImportAsync(doc, actor, ct);
}

public sealed record PlanSummary(int Id, string? Number, DateOnly? IssuedOn, string Title, int Year, PlanKind Kind, PlanStatus Status,
    string? Issuer, int Tasks, int Targets);

public sealed record PlanDetail(int Id, string? Number, DateOnly? IssuedOn, string? Issuer, string? IssuerCode, string Title, int Year,
    int? PeriodFrom, int? PeriodTo, PlanKind Kind, PlanStatus Status, int? ParentId, string? Parent, string? Implements, List<string> Frameworks, List<string> Purposes,
    List<string> Requirements, string? Source, SourceFileInfo? SourceFile, Guid Concurrency, List<TargetStanding> Targets,
    List<SectionTasks> Sections, int TaskCount);

public sealed record SourceFileInfo(string Name, string ContentType, long Size, string Sha256, DateTime UploadedAt);

public sealed record SectionTasks(string Code, string Title, string? Framework, string? Notes, List<TaskLine> Tasks);

public sealed record TaskLine(int Id, string Number, string? ParentNumber, string Description, List<AgencyLine> Lead, List<AgencyLine> Cooperating,
    string? DeadlineText, DeadlineKind DeadlineKind, DateOnly? Start, DateOnly? Due, Recurrence? Recurrence, bool Tentative, string? Event,
    DateOnly? EventDate, bool DeadlineUnparsed, string? Output, string? Notes, List<CriterionLine> Criteria, Guid Concurrency)
{
    /// <summary>The deadline as the system understood it ("Hạn 30/09/2024"); null when it could not.</summary>
    public string? Understood { get; init; }
}

/// <summary>An agency as the task names it, with the unit or group it resolved to (both null: unresolved).</summary>
public sealed record AgencyLine(string Name, string? UnitCode, string? UnitName, string? Group)
{
    public bool Resolved => UnitCode is not null || Group is not null;
}

/// <summary>A linked criterion with what it scored in the plan's year (<see cref="Year"/>) and the year before.</summary>
public sealed record CriterionLine(string Framework, string Code, string? Name, decimal? Max, decimal? PointsAtStake, int? Year,
    decimal? Result, decimal? Previous);

public sealed record TargetStanding(int Id, PlanTargetKind Kind, string? Framework, string? Criterion, string Metric, string? Comparator,
    decimal? Threshold, string? Unit, string? Text, List<string> Leads, List<ActualValue> Actuals, ActualValue? Latest, TargetStatus? Status);

public sealed record ActualValue(int Year, ReportingPeriodKind Period, decimal Value, DateTime RecordedAt, string RecordedBy);

public enum TargetStatus { Met, NotMet, AtRisk }

/// <summary>An agency a task may name: a unit (with its code) or a group.</summary>
public sealed record AgencyChoice(string Name, string? Code, string? Group);

/// <summary>A criterion a task may be linked to; <see cref="Key"/> is how the task stores it.</summary>
public sealed record CriterionChoice(string Framework, string FrameworkName, string Code, string Name)
{
    public string Key => $"{Framework}:{Code}";
    /// <summary>As a picker offers it: code, name, index.</summary>
    public string Label => $"{Code} {Name} — {FrameworkName}";
}

public sealed record UnresolvedAgency(string Name, List<AgencyRole> Roles, List<string> Tasks);
