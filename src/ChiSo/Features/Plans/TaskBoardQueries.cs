using System.Linq.Expressions;
using ChiSo.Data;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>What the task list shows. <paramref name="Plan"/> is a plan number ("164/KH-UBND"); numbers repeat
/// across years, so <paramref name="Year"/> picks one and without it the newest is taken.
/// <paramref name="Criterion"/> is "framework:code" and also matches the code's sub-criteria.</summary>
public sealed record TaskFilter(
    int? PlanId = null,
    string? Plan = null,
    int? Year = null,
    string? Unit = null,
    bool? Overdue = null,
    bool? AtRisk = null,
    string? Criterion = null,
    ProgressStatus? Status = null,
    string? Text = null);

/// <summary>A task on the board. With a unit in the filter, <see cref="Role"/> is that unit's role and a lead
/// unit's row shows its own share (<see cref="TaskBoard.EvaluateFor"/>); otherwise the whole task.</summary>
public sealed record TaskRow(
    int Id,
    int PlanId,
    string Plan,
    int PlanYear,
    string? Section,
    string Number,
    string Description,
    IReadOnlyList<string> Lead,
    IReadOnlyList<string> Cooperating,
    string? DeadlineText,
    string Deadline,
    DateOnly? Start,
    string? Output,
    string? Notes,
    IReadOnlyList<string> Criteria,
    AgencyRole? Role,
    TaskStanding Standing);

/// <summary>Two days, both included: a calendar month's cells, a timeline's year.</summary>
public readonly record struct DateWindow(DateOnly From, DateOnly To);

/// <summary>A page of task rows; <see cref="Counts"/> only when every task of the filter was judged anyway.</summary>
public sealed record TaskPage(IReadOnlyList<TaskRow> Rows, int Total, int Page, int Size, TaskCounts? Counts)
{
    public int Pages => Math.Max(1, (Total + Size - 1) / Size);
}

public sealed record TaskCounts(int Done, int Overdue, int AtRisk, int NeedsDeadline)
{
    public static TaskCounts Of(IReadOnlyList<TaskRow> rows) => new(rows.Count(r => r.Standing.Status == ProgressStatus.Done),
        rows.Count(r => r.Standing.Overdue), rows.Count(r => r.Standing.AtRisk), rows.Count(r => r.Standing.NeedsDeadline));
}

/// <summary>A task's standing for the reader, and the reader's unit's role on it (null without a unit).</summary>
public readonly record struct Judgement(AgencyRole? Role, TaskStanding Standing);

/// <summary>Judged tasks in list order (<see cref="TaskBoardQueries.JudgeAsync"/>), made into rows on demand.</summary>
public sealed record JudgedTasks(IReadOnlyList<(PlanTask Task, Judgement Judgement)> Tasks, IReadOnlyDictionary<int, string> Sections)
{
    public TaskRow Row((PlanTask Task, Judgement Judgement) x) => TaskBoardQueries.Row(x.Task, x.Judgement, Sections);
}

/// <summary>One update as the history lists it.</summary>
public sealed record ProgressEntry(
    int Id, string Unit, string UnitName, AgencyRole Role, ProgressStatus Status, int Percent, string? Text,
    DateOnly Date, DateOnly? Occurrence, DateTime FiledAt, string FiledBy, IReadOnlyList<EvidenceFile> Evidence);

public sealed record EvidenceFile(int Id, string Name, string ContentType, long Size, string Sha256);

/// <summary>An agency's share of one task: its latest update (as of the day) and where it stands.
/// <see cref="HeldFor"/> names the ended units whose share this unit holds after a merger (decision 0019).</summary>
public sealed record AgencyShare(string Name, AgencyRole Role, string? Unit, bool Registered, ProgressEntry? Latest, TaskStanding Standing,
    IReadOnlyList<string>? HeldFor = null);

/// <summary>One occurrence of a recurring task in its plan's window, and whether its leads had done it.</summary>
public sealed record OccurrenceRow(DateOnly Due, bool Done, bool Missed);

public sealed record TaskDetail(TaskRow Task, string? Event, DateOnly? EventDate, IReadOnlyList<AgencyShare> Agencies,
    IReadOnlyList<OccurrenceRow> Occurrences, IReadOnlyList<ProgressEntry> History);

/// <summary>A unit's place on a task: the unit that holds the share on the set's day, its role, and the ended units
/// whose share it holds (their progress counts as its own: a series read across the merger).</summary>
public sealed record Party(Unit Unit, AgencyRole Role, IReadOnlyList<Unit> HeldFor);

/// <summary>An ended unit's share no one holds yet (decision 0019).</summary>
public sealed record Waiting(Unit Unit, AgencyRole Role);

public sealed record Parties(List<Party> Units, List<TaskAgency> Unregistered, List<Waiting> Waiting);

/// <summary>Tasks loaded with everything the rules need, and the registry to see which units a group names.</summary>
public sealed class TaskSet
{
    public required List<PlanTask> Tasks { get; init; }
    public required Dictionary<int, Unit> Units { get; init; }
    public required Dictionary<int, UnitGroup> Groups { get; init; }
    /// <summary>The day shares are held on: an ended unit's open share passes to its holder after its last day.
    /// Null keeps every share with the unit the plan names.</summary>
    public DateOnly? AsOf { get; init; }
    public TaskHolders Holders { get; init; } = TaskHolders.None;

    public static async Task<TaskSet> CreateAsync(ChiSoDb db, List<PlanTask> tasks, DateOnly asOf, CancellationToken ct = default) => new()
    {
        Tasks = tasks,
        Units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, ct),
        Groups = await db.UnitGroups.AsNoTracking().ToDictionaryAsync(g => g.Id, ct),
        AsOf = asOf,
        Holders = await TaskHolders.LoadAsync(db, ct),
    };

    /// <summary>The units an agency entry names: the unit itself, or each unit of the group's kinds that existed
    /// during the plan year (a district abolished in 2025 still answers for its 2024 tasks).</summary>
    public IEnumerable<Unit> Members(TaskAgency a, int planYear)
    {
        if (a.UnitId is { } id) return Units.TryGetValue(id, out var u) ? [u] : [];
        if (a.GroupId is not { } gid || !Groups.TryGetValue(gid, out var g) || g.Kinds.Count == 0) return [];
        // Every task a group leads asks the same question of the whole registry: answered once per group and year.
        if (members.TryGetValue((gid, planYear), out var known)) return known;
        var (first, last) = (new DateOnly(planYear, 1, 1), new DateOnly(planYear, 12, 31));
        return members[(gid, planYear)] = Units.Values
            .Where(u => g.Kinds.Contains(u.Kind) && (u.ValidFrom is null || u.ValidFrom <= last) && (u.ValidTo is null || u.ValidTo >= first)).ToList();
    }

    readonly Dictionary<(int Group, int Year), List<Unit>> members = [];

    /// <summary>A heading task's sub-tasks in the set, looked up once for all headings.</summary>
    public IEnumerable<PlanTask> ChildrenOf(int taskId) => (children ??= Tasks.Where(t => t.ParentId is not null).ToLookup(t => t.ParentId!.Value))[taskId];

    ILookup<int, PlanTask>? children;

    /// <summary>The unit's role on the task: lead wins when it is named both ways.</summary>
    public AgencyRole? RoleOf(PlanTask task, int unitId) =>
        Parties(task).Units.FirstOrDefault(p => p.Unit.Id == unitId)?.Role;

    /// <summary>Every unit on the task with its role (lead wins), the entries no unit answers for, and the shares of
    /// ended units that wait for the standing agency. A share an ended unit had finished by its last day stays
    /// with it (its history); an open one passes to its holder on <see cref="AsOf"/>.</summary>
    public Parties Parties(PlanTask task)
    {
        var roles = new Dictionary<int, (Unit Unit, AgencyRole Role, List<Unit> HeldFor)>();
        var unregistered = new List<TaskAgency>();
        var waiting = new List<Waiting>();
        var year = task.Plan!.Year;
        foreach (var a in task.Agencies.OrderBy(a => a.Role))
        {
            var members = Members(a, year).ToList();
            if (members.Count == 0) unregistered.Add(a);
            foreach (var u in members)
            {
                var holder = u;
                if (AsOf is { } day && u.ValidTo is { } end && end < day && !FinishedBy(task, u, a.Role, end))
                {
                    var (h, waitsAt) = Holders.Resolve(task.Id, u, day, Units);
                    if (h is null)
                    {
                        if (waiting.All(w => w.Unit.Id != waitsAt!.Id)) waiting.Add(new Waiting(waitsAt!, a.Role));
                        continue;
                    }
                    holder = h;
                }
                if (!roles.TryGetValue(holder.Id, out var r)) roles[holder.Id] = r = (holder, a.Role, []);
                if (holder.Id != u.Id && r.HeldFor.All(x => x.Id != u.Id)) r.HeldFor.Add(u);
            }
        }
        return new Parties(roles.Values.Select(r => new Party(r.Unit, r.Role, r.HeldFor)).ToList(), unregistered, waiting);
    }

    static bool FinishedBy(PlanTask task, Unit unit, AgencyRole role, DateOnly end) =>
        (role == AgencyRole.Lead ? TaskBoard.EvaluateFor(task, task.Plan!.Window, end, unit.Id) : TaskBoard.Evaluate(task, task.Plan!.Window, end))
        .Status == ProgressStatus.Done;

    /// <summary>A party's own share: its updates and those of the units it holds for, as one unit's.</summary>
    public static TaskStanding ShareOf(PlanTask task, Party p, DateOnly asOf) =>
        TaskBoard.EvaluateFor(task, task.Plan!.Window, asOf, p.Unit.Id, p.HeldFor.Select(u => u.Id).ToHashSet());
}

public static class TaskBoardQueries
{
    public static async Task<Plan?> FindPlanAsync(ChiSoDb db, string number, int? year, CancellationToken ct = default)
    {
        var n = number.Trim();
        var q = db.Plans.AsNoTracking().Where(p => p.Number == n || p.Number!.StartsWith(n + "/"));
        if (year is { } y) q = q.Where(p => p.Year == y);
        return await q.OrderByDescending(p => p.Year).ThenByDescending(p => p.Id).FirstOrDefaultAsync(ct);
    }

    public static async Task<Unit?> FindUnitAsync(ChiSoDb db, string code, CancellationToken ct = default)
    {
        var c = code.Trim().ToUpperInvariant();
        return await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == c, ct);
    }

    /// <summary>Loads the tasks the filter's plan, unit and criterion select (the standing filters need the rules,
    /// so <see cref="ListAsync"/> applies them). Null when the filter names a plan or unit that does not exist.</summary>
    public static async Task<TaskSet?> LoadAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, CancellationToken ct = default) =>
        (await LoadAsync(db, filter, asOf, null, null, true, ct))?.Set;

    /// <summary>Only the tasks that can fall due between two days (a calendar month, a timeline's year): the window is
    /// applied in SQL from the deadline columns (docs/decisions/0024), so a month costs what it holds.</summary>
    public static async Task<TaskSet?> LoadAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, DateWindow window, CancellationToken ct = default) =>
        (await LoadAsync(db, filter, asOf, window, null, true, ct))?.Set;

    /// <summary>Paging in SQL needs no rule: filters by standing or by a unit's (year-bound) group membership do, so
    /// those go through <see cref="ListAsync"/> and are paged after.</summary>
    // Text search folds diacritics in C# (ViText.Matches), so a searched list is paged after the match, like the standing filters.
    static bool PagesInSql(TaskFilter f) => f.Unit is not { Length: > 0 } && f.Overdue is null && f.AtRisk is null && f.Status is null && f.Text is not { Length: > 0 };

    sealed record Loaded(TaskSet Set, int Total, IReadOnlyList<int>? PageIds);

    static async Task<Loaded?> LoadAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, DateWindow? window, (int Page, int Size)? paging, bool withCriteria,
        CancellationToken ct)
    {
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, ct);
        var groups = await db.UnitGroups.AsNoTracking().ToDictionaryAsync(g => g.Id, ct);
        var holders = await TaskHolders.LoadAsync(db, ct);
        var q = db.PlanTasks.AsNoTracking();
        if (filter.PlanId is { } planId) q = q.Where(t => t.PlanId == planId);
        else if (filter.Plan is { Length: > 0 } number)
        {
            if (await FindPlanAsync(db, number, filter.Year, ct) is not { } plan) return null;
            q = q.Where(t => t.PlanId == plan.Id);
        }
        // A plan runs over its period (2021–2025), its year when it names none.
        else if (filter.Year is { } year) q = q.Where(t => (t.Plan!.PeriodFrom ?? t.Plan.Year) <= year && year <= (t.Plan.PeriodTo ?? t.Plan.Year));
        Unit? unit = null;
        if (filter.Unit is { Length: > 0 } code)
        {
            unit = units.Values.FirstOrDefault(u => string.Equals(u.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));
            if (unit is null) return null;
            // The unit's own tasks and those it may hold for ended units; the holder rule then keeps the right ones.
            var through = holders.HeldThrough(unit.Id).Where(units.ContainsKey).ToList();
            var ids = through.Select(i => (int?)i).ToList();
            var kinds = through.Select(i => units[i].Kind).ToHashSet();
            var inGroups = groups.Values.Where(g => g.Kinds.Any(kinds.Contains)).Select(g => (int?)g.Id).ToList();
            q = q.Where(t => t.Agencies.Any(a => ids.Contains(a.UnitId) || inGroups.Contains(a.GroupId)));
        }
        if (filter.Criterion is { Length: > 0 } criterion)
        {
            var (fw, cc) = criterion.Split(':', 2) is [var f, var c] ? (f.Trim(), c.Trim()) : ("", criterion.Trim());
            var sub = cc + ".";
            q = q.Where(t => t.Criteria.Any(x => (fw == "" || x.Framework == fw) && (x.Code == cc || x.Code.StartsWith(sub))));
        }
        if (window is { } w) q = Within(q, w);
        var total = 0;
        List<int>? pageIds = null;
        List<PlanTask> tasks;
        if (paging is { } pg)
        {
            total = await q.CountAsync(ct);
            // The page by its order and limit, not by a list of its ids: a page of thousands would be thousands of parameters.
            var onThePage = Ordered(q).Skip((pg.Page - 1) * pg.Size).Take(pg.Size);
            tasks = await onThePage.Select(ForReading).ToListAsync(ct);
            var onPage = tasks.Select(t => t.Id).ToList();
            pageIds = onPage;
            await AttachPartsAsync(db, tasks, onThePage.Select(t => t.Id), asOf, withCriteria, ct);
            // A heading task stands as its sub-tasks do (RollUp): they come along, though not as rows of the page.
            var headings = tasks.Where(t => t.Agencies.All(a => a.Role != AgencyRole.Lead)).Select(t => t.Id).ToList();
            if (headings.Count > 0)
            {
                var parts = db.PlanTasks.AsNoTracking().Where(t => t.ParentId != null && headings.Contains(t.ParentId.Value)).Where(t => !onPage.Contains(t.Id));
                var children = await parts.Select(ForReading).ToListAsync(ct);
                await AttachPartsAsync(db, children, parts.Select(t => t.Id), asOf, withCriteria, ct);
                tasks.AddRange(children);
            }
        }
        else
        {
            tasks = await Ordered(q).Select(ForReading).ToListAsync(ct);
            await AttachPartsAsync(db, tasks, q.Select(t => t.Id), asOf, withCriteria, ct);
        }
        // The plan is attached, not included: included, it is read again on every task's row, its lists parsed from JSON each time.
        await AttachPlansAsync(db, tasks, ct);
        var set = new TaskSet { Tasks = tasks, Units = units, Groups = groups, AsOf = asOf, Holders = holders };
        // A group's year-bound membership is only known in memory: drop tasks the unit was not yet (or no longer) on.
        if (unit is not null) set.Tasks.RemoveAll(t => set.RoleOf(t, unit.Id) is null);
        return new Loaded(set, paging is null ? set.Tasks.Count : total, pageIds);
    }

    /// <summary>The criteria the given tasks serve, for tasks loaded without them.</summary>
    public static async Task AttachCriteriaAsync(ChiSoDb db, IReadOnlyCollection<PlanTask> tasks, CancellationToken ct = default)
    {
        var ids = tasks.Select(t => t.Id).ToList();
        var criteria = await CriteriaOfAsync(db, c => ids.Contains(c.TaskId), ct);
        foreach (var t in tasks) t.Criteria = criteria[t.Id].ToList();
    }

    static async Task<ILookup<int, TaskCriterion>> CriteriaOfAsync(ChiSoDb db, Expression<Func<TaskCriterion, bool>> which, CancellationToken ct) =>
        (await db.Set<TaskCriterion>().AsNoTracking().Where(which).OrderBy(c => c.Id).ToListAsync(ct)).ToLookup(c => c.TaskId);

    /// <summary>A task as a set reads it: every column but the concurrency token, which only an edit needs (a set is never
    /// saved; the token the constructor makes is not the stored one) and which SQLite keeps as text: parsing 3,000 of them
    /// cost about 4 ms of a plan's load.</summary>
    static readonly Expression<Func<PlanTask, PlanTask>> ForReading = t => new PlanTask
    {
        Id = t.Id, PlanId = t.PlanId, SectionId = t.SectionId, ParentId = t.ParentId, Number = t.Number, Description = t.Description,
        DeadlineText = t.DeadlineText, DeadlineKind = t.DeadlineKind, Start = t.Start, Due = t.Due, Recurrence = t.Recurrence,
        Tentative = t.Tentative, Event = t.Event, EventDate = t.EventDate, Output = t.Output, Notes = t.Notes, Order = t.Order,
    };

    /// <summary>The tasks' agencies, criteria and the updates filed by the day, each read in one query over the same selection
    /// and joined here. Not Include: its split queries fix every row up through EF's navigation machinery, and an update's
    /// cited files (two JSON lists) are parsed though no rule reads them; a plan of 3,000 tasks loaded in half the time
    /// this way (bench/tasks). Updates come without their files; the task's page reads them whole (DetailAsync).</summary>
    static async Task AttachPartsAsync(ChiSoDb db, List<PlanTask> tasks, IQueryable<int> ids, DateOnly asOf, bool withCriteria, CancellationToken ct)
    {
        if (tasks.Count == 0) return;
        var agencies = (await db.Set<TaskAgency>().AsNoTracking().Where(a => ids.Contains(a.TaskId)).OrderBy(a => a.Id).ToListAsync(ct))
            .ToLookup(a => a.TaskId);
        var criteria = withCriteria ? await CriteriaOfAsync(db, c => ids.Contains(c.TaskId), ct) : null;
        var progress = (await db.ProgressUpdates.AsNoTracking().Where(p => p.Date <= asOf && ids.Contains(p.TaskId)).OrderBy(p => p.Id)
            .Select(p => new ProgressUpdate
            {
                Id = p.Id, TaskId = p.TaskId, UnitId = p.UnitId, Role = p.Role, Status = p.Status, Percent = p.Percent, Text = p.Text,
                Date = p.Date, Occurrence = p.Occurrence, FiledAt = p.FiledAt, FiledBy = p.FiledBy,
            }).ToListAsync(ct)).ToLookup(p => p.TaskId);
        foreach (var t in tasks)
        {
            t.Agencies = agencies[t.Id].ToList();
            if (criteria is not null) t.Criteria = criteria[t.Id].ToList();
            t.Progress = progress[t.Id].ToList();
        }
    }

    /// <summary>Each task's plan, read once per plan.</summary>
    public static async Task AttachPlansAsync(ChiSoDb db, List<PlanTask> tasks, CancellationToken ct = default)
    {
        var ids = tasks.Select(t => t.PlanId).Distinct().ToList();
        var plans = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        foreach (var t in tasks) t.Plan = plans[t.PlanId];
    }

    static IQueryable<PlanTask> Ordered(IQueryable<PlanTask> q) =>
        q.OrderByDescending(t => t.Plan!.Year).ThenBy(t => t.PlanId).ThenBy(t => t.Order).ThenBy(t => t.Id);

    /// <summary>Tasks that can have a due date between the window's days, from the columns <see cref="PlanTasks.ApplyDeadline"/>
    /// keeps: a dated deadline inside it, a recurring one whose plan runs during it, an event-triggered one whose event
    /// was dated close enough. Continuous, regulated, unparsed and undated event deadlines never fall due.</summary>
    static IQueryable<PlanTask> Within(IQueryable<PlanTask> q, DateWindow w)
    {
        var (from, to) = (w.From, w.To);
        var (fromYear, toYear) = (from.Year, to.Year);
        var eventFrom = from.AddDays(-Deadline.DaysAfterEvent);
        return q.Where(t =>
            ((t.DeadlineKind == DeadlineKind.Date || t.DeadlineKind == DeadlineKind.Range) && t.Due >= from && t.Due <= to)
            || (t.DeadlineKind == DeadlineKind.Recurring && (t.Plan!.PeriodFrom ?? t.Plan.Year) <= toYear && (t.Plan.PeriodTo ?? t.Plan.Year) >= fromYear)
            || (t.DeadlineKind == DeadlineKind.Event && t.EventDate >= eventFrom && t.EventDate <= to));
    }

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 5000;

    /// <summary>One page of the task list. Without a unit or a standing filter the page is cut in SQL and only its tasks
    /// are loaded and judged (<see cref="TaskPage.Counts"/> is then null: counting needs every task judged); otherwise
    /// the filter needs the rules on every task and the page is cut after.</summary>
    public static async Task<TaskPage?> PageAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, int page, int size, CancellationToken ct = default)
    {
        (page, size) = (Math.Max(1, page), Math.Clamp(size, 1, MaxPageSize));
        if (!PagesInSql(filter))
        {
            if (await ListAsync(db, filter, asOf, ct) is not { } all) return null;
            return new TaskPage(all.Skip((page - 1) * size).Take(size).ToList(), all.Count, page, size, TaskCounts.Of(all));
        }
        if (await LoadAsync(db, filter, asOf, null, (page, size), true, ct) is not { } loaded) return null;
        var sections = await SectionsAsync(db, loaded.Set, ct);
        var byId = loaded.Set.Tasks.ToDictionary(t => t.Id);
        var rows = loaded.PageIds!.Select(id => Row(loaded.Set, byId[id], asOf, null, sections)).ToList();
        return new TaskPage(rows, loaded.Total, page, size, null);
    }

    public static async Task<List<TaskRow>?> ListAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, CancellationToken ct = default) =>
        await JudgeAsync(db, filter, asOf, withCriteria: true, ct) is { } judged ? judged.Tasks.Select(judged.Row).ToList() : null;

    /// <summary>Every task of the filter judged (for the filter's unit when it names one) and those its standing and text
    /// filters keep, in list order; a caller that shows only some (a board's page) makes rows of those alone. Without
    /// criteria the tasks come without what they serve (no rule reads it): the caller that makes rows of some of them gives
    /// them theirs with <see cref="AttachCriteriaAsync"/>.</summary>
    public static async Task<JudgedTasks?> JudgeAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, bool withCriteria, CancellationToken ct = default)
    {
        if ((await LoadAsync(db, filter, asOf, null, null, withCriteria, ct))?.Set is not { } set) return null;
        var unit = filter.Unit is { Length: > 0 } code
            ? set.Units.Values.First(u => string.Equals(u.Code, code.Trim(), StringComparison.OrdinalIgnoreCase)) : null;
        var sections = await SectionsAsync(db, set, ct);
        var kept = set.Tasks.Select(t => (Task: t, Judgement: Judge(set, t, asOf, unit)))
            .Where(x => filter.Overdue is not { } o || x.Judgement.Standing.Overdue == o)
            .Where(x => filter.AtRisk is not { } a || x.Judgement.Standing.AtRisk == a)
            .Where(x => filter.Status is not { } s || x.Judgement.Standing.Status == s)
            .Where(x => filter.Text is not { Length: > 0 } || ViText.Matches(filter.Text, x.Task.Number, x.Task.Description, x.Task.Plan!.Label,
                string.Join('\n', Names(x.Task, AgencyRole.Lead)), string.Join('\n', Names(x.Task, AgencyRole.Cooperating)), x.Task.Output, x.Task.Notes))
            .ToList();
        return new JudgedTasks(kept, sections);
    }

    static async Task<Dictionary<int, string>> SectionsAsync(ChiSoDb db, TaskSet set, CancellationToken ct)
    {
        var planIds = set.Tasks.Select(t => t.PlanId).Distinct().ToList();
        return await db.Set<PlanSection>().AsNoTracking().Where(s => planIds.Contains(s.PlanId))
            .ToDictionaryAsync(s => s.Id, s => s.Code, ct);
    }

    /// <summary>Where a task stands for the reader: a lead unit's own share when the filter names it, else the whole task
    /// (a heading as its sub-tasks do).</summary>
    public static Judgement Judge(TaskSet set, PlanTask t, DateOnly asOf, Unit? unit)
    {
        var window = t.Plan!.Window;
        var party = unit is null ? null : set.Parties(t).Units.FirstOrDefault(p => p.Unit.Id == unit.Id);
        var role = party?.Role;
        var standing = role == AgencyRole.Lead ? TaskSet.ShareOf(t, party!, asOf) : TaskBoard.Evaluate(t, window, asOf);
        if (t.Agencies.All(a => a.Role != AgencyRole.Lead))
            standing = TaskBoard.RollUp(standing, set.ChildrenOf(t.Id).Select(c => TaskBoard.Evaluate(c, window, asOf)).ToList());
        return new Judgement(role, standing);
    }

    public static TaskRow Row(TaskSet set, PlanTask t, DateOnly asOf, Unit? unit, IReadOnlyDictionary<int, string>? sections = null) =>
        Row(t, Judge(set, t, asOf, unit), sections);

    public static TaskRow Row(PlanTask t, Judgement j, IReadOnlyDictionary<int, string>? sections) =>
        new(t.Id, t.PlanId, t.Plan!.Label, t.Plan.Year,
            t.SectionId is { } s && sections is not null ? sections.GetValueOrDefault(s) : null,
            t.Number, t.Description, Names(t, AgencyRole.Lead), Names(t, AgencyRole.Cooperating),
            t.DeadlineText, TaskBoard.DeadlineOf(t, t.Plan.Window).Describe(ViText.Vi), t.Start, t.Output, t.Notes,
            t.Criteria.Select(c => $"{c.Framework}:{c.Code}").ToList(), j.Role, j.Standing);

    static List<string> Names(PlanTask t, AgencyRole role) => t.Agencies.Where(a => a.Role == role).Select(a => a.Name).ToList();

    public static async Task<TaskDetail?> DetailAsync(ChiSoDb db, int id, DateOnly asOf, CancellationToken ct = default)
    {
        var task = await db.PlanTasks.AsNoTracking().Include(t => t.Plan).Include(t => t.Agencies).Include(t => t.Criteria)
            .Include(t => t.Progress.Where(p => p.Date <= asOf)).AsSplitQuery().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (task is null) return null;
        var set = await TaskSet.CreateAsync(db, [task], asOf, ct);
        var fileIds = task.Progress.SelectMany(p => p.EvidenceFileIds).Distinct().ToList();
        var files = await db.Files.AsNoTracking().Where(f => fileIds.Contains(f.Id))
            .Select(f => new EvidenceFile(f.Id, f.Name, f.ContentType, f.Size, f.Sha256)).ToDictionaryAsync(f => f.Id, ct);
        var history = task.Progress.OrderByDescending(p => p.Date).ThenByDescending(p => p.FiledAt).ThenByDescending(p => p.Id)
            .Select(p => Entry(p, set.Units[p.UnitId], files)).ToList();
        var window = task.Plan!.Window;

        var (parties, unregistered, _) = set.Parties(task);
        var shares = parties
            // Group members are many (30 districts): list those that reported, and every unit named on its own or holding for one.
            .Where(p => task.Agencies.Any(a => a.UnitId == p.Unit.Id) || p.HeldFor.Count > 0 || history.Any(h => h.Unit == p.Unit.Code))
            .Select(p => new AgencyShare(p.Unit.Name, p.Role, p.Unit.Code, true,
                history.FirstOrDefault(h => h.Unit == p.Unit.Code || p.HeldFor.Any(f => f.Code == h.Unit)), TaskSet.ShareOf(task, p, asOf),
                p.HeldFor.Select(f => f.Name).ToList()))
            .Concat(task.Agencies.Where(a => a.UnitId is null).Select(a => new AgencyShare(a.Name, a.Role, null, !unregistered.Contains(a), null,
                TaskBoard.EvaluateUnreported(task, window, asOf))))
            .OrderBy(s => s.Role).ToList();

        var d = TaskBoard.DeadlineOf(task, window);
        var occurrences = new List<OccurrenceRow>();
        if (d.Kind == DeadlineKind.Recurring)
        {
            var whole = TaskBoard.Evaluate(task, window, asOf);
            foreach (var o in d.Occurrences(window.From, window.To))
            {
                var missed = whole.Missed.Contains(o);
                var done = o < asOf ? !missed : whole.Due == o && whole.Status == ProgressStatus.Done;
                occurrences.Add(new OccurrenceRow(o, done, missed));
            }
        }
        var sections = await SectionsAsync(db, set, ct);
        return new TaskDetail(Row(set, task, asOf, null, sections), task.Event, task.EventDate, shares, occurrences, history);
    }

    public static ProgressEntry Entry(ProgressUpdate p, Unit unit, IReadOnlyDictionary<int, EvidenceFile> files) =>
        new(p.Id, unit.Code, unit.Name, p.Role, p.Status, p.Percent, p.Text, p.Date, p.Occurrence, p.FiledAt, p.FiledBy,
            p.NamedFiles().Where(x => files.ContainsKey(x.Id))
                .Select(x => x.Name is { } name ? files[x.Id] with { Name = name } : files[x.Id]).ToList());
}

/// <summary>A task as `./chiso tasks --json` prints it: the fields first, then the rest of the standing.</summary>
public sealed record TaskListItem(
    string Number, string Description, IReadOnlyList<string> Lead, IReadOnlyList<string> Cooperating, string? DeadlineText,
    DateOnly? Due, ProgressStatus Status, bool Overdue, string? Output, string? Notes,
    int Id, string Plan, int PlanYear, string? Section, string Deadline, DeadlineKind Kind, int Percent, bool AtRisk,
    int DaysLate, IReadOnlyList<DateOnly> Missed, DateOnly? DoneOn, bool NeedsDeadline, IReadOnlyList<string> Criteria)
{
    public static TaskListItem From(TaskRow r) => new(r.Number, r.Description, r.Lead, r.Cooperating, r.DeadlineText,
        r.Standing.Due, r.Standing.Status, r.Standing.Overdue, r.Output, r.Notes, r.Id, r.Plan, r.PlanYear, r.Section, r.Deadline,
        r.Standing.Kind, r.Standing.Percent, r.Standing.AtRisk, r.Standing.DaysLate, r.Standing.Missed, r.Standing.DoneOn,
        r.Standing.NeedsDeadline, r.Criteria);
}

