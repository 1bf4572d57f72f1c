using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>A bar of the Gantt-style timeline: from the start of the deadline's period (or of the plan's window for
/// recurring and continuous work) to its due date; no dates when there is none to draw (awaiting an event, unparsed).</summary>
public sealed record TimelineBar(int TaskId, string Plan, string Number, string Description, string Lead, DateOnly? Start, DateOnly? End,
    ProgressStatus Status, int Percent, bool Overdue);

/// <summary>Consecutive bars of one plan section.</summary>
public sealed record TimelineGroup(string Plan, string? Section, IReadOnlyList<TimelineBar> Bars);

/// <summary>A page of the timeline, drawn between <see cref="From"/> and <see cref="To"/>.</summary>
public sealed record TimelinePage(DateOnly From, DateOnly To, IReadOnlyList<TimelineGroup> Groups, int Total, int Page, int Size)
{
    public int Pages => Math.Max(1, (Total + Size - 1) / Size);
}

public static class TaskTimeline
{
    public const int DefaultPageSize = 200;

    /// <summary>A year's (or a plan's) tasks in plan order, grouped by section, one page at a time: the page's tasks are
    /// cut in SQL and only they are judged (<see cref="TaskBoardQueries.PageAsync"/>).</summary>
    public static async Task<TimelinePage?> PageAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, int page, int size, CancellationToken ct = default)
    {
        if (await TaskBoardQueries.PageAsync(db, filter, asOf, page, size, ct) is not { } rows) return null;
        var (from, to) = filter.Year is { } y ? (new DateOnly(y, 1, 1), new DateOnly(y, 12, 31)) : await SpanAsync(db, filter, asOf, ct);
        var sections = await SectionTitlesAsync(db, rows.Rows.Select(r => r.PlanId).Distinct().ToList(), ct);
        var groups = new List<TimelineGroup>();
        foreach (var r in rows.Rows)
        {
            var bar = Bar(r, from, to);
            var section = r.Section is { } s ? sections.GetValueOrDefault((r.PlanId, s), s) : null;
            if (groups.Count > 0 && groups[^1].Plan == r.Plan && groups[^1].Section == section) ((List<TimelineBar>)groups[^1].Bars).Add(bar);
            else groups.Add(new TimelineGroup(r.Plan, section, new List<TimelineBar> { bar }));
        }
        return new TimelinePage(from, to, groups, rows.Total, rows.Page, rows.Size);
    }

    /// <summary>Without a year: the plan's window (a plan for 2021–2025 is drawn over five years).</summary>
    static async Task<(DateOnly, DateOnly)> SpanAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, CancellationToken ct)
    {
        if (filter.PlanId is { } id && await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } plan)
            return (plan.Window.From, plan.Window.To);
        return (new DateOnly(asOf.Year, 1, 1), new DateOnly(asOf.Year, 12, 31));
    }

    public static async Task<Dictionary<(int, string), string>> SectionTitlesAsync(ChiSoDb db, List<int> planIds, CancellationToken ct = default) =>
        (await db.Set<PlanSection>().AsNoTracking().Where(s => planIds.Contains(s.PlanId)).ToListAsync(ct))
            .ToDictionary(s => (s.PlanId, s.Code), s => $"{s.Code}. {s.Title}");

    static TimelineBar Bar(TaskRow r, DateOnly first, DateOnly last)
    {
        var s = r.Standing;
        (DateOnly, DateOnly)? span = s.Kind switch
        {
            // Work without a date of its own runs while the plan does, within the span shown.
            DeadlineKind.Recurring or DeadlineKind.Continuous or DeadlineKind.Regulated => (first, last),
            _ when s.Due is { } due => (r.Start is { } st && st <= due ? st : due, due),
            _ => null,
        };
        if (span is { } x && (x.Item2 < first || x.Item1 > last)) span = null;
        return new TimelineBar(r.Id, r.Plan, r.Number, r.Description, string.Join("; ", r.Lead),
            span is { } a ? (a.Item1 < first ? first : a.Item1) : null, span is { } b ? (b.Item2 > last ? last : b.Item2) : null,
            s.Status, s.Percent, s.Overdue);
    }
}

/// <summary>The kanban's columns, in the order a reader scans them: what is late first.</summary>
public enum BoardColumn { Overdue, NotStarted, InProgress, Blocked, Done }

public sealed record BoardLane(BoardColumn Column, int Total, IReadOnlyList<TaskRow> Cards);

public sealed record KanbanBoard(IReadOnlyList<BoardLane> Lanes, int Page, int Size)
{
    public int Pages => Math.Max(1, (Lanes.Max(l => l.Total) + Size - 1) / Size);
}

/// <summary>The board by status: every task of the filter judged (a column needs its standing), each column paged.
/// Meant per agency and plan, which bounds it to the agency's share; see docs/decisions/0024.</summary>
public static class TaskKanban
{
    public const int DefaultPageSize = 25;

    public static BoardColumn ColumnOf(TaskStanding s) => s.Status == ProgressStatus.Done ? BoardColumn.Done
        : s.Overdue ? BoardColumn.Overdue
        : s.Status switch { ProgressStatus.InProgress => BoardColumn.InProgress, ProgressStatus.Blocked => BoardColumn.Blocked, _ => BoardColumn.NotStarted };

    public static async Task<KanbanBoard?> BuildAsync(ChiSoDb db, TaskFilter filter, DateOnly asOf, int page, int size, CancellationToken ct = default)
    {
        (page, size) = (Math.Max(1, page), Math.Clamp(size, 1, TaskBoardQueries.MaxPageSize));
        // Every task is judged to know its column; only the cards on the page become rows, with the criteria they serve.
        if (await TaskBoardQueries.JudgeAsync(db, filter, asOf, withCriteria: false, ct) is not { } judged) return null;
        var byColumn = judged.Tasks.ToLookup(x => ColumnOf(x.Judgement.Standing));
        var lanes = Enum.GetValues<BoardColumn>().Select(c => (Column: c, Total: byColumn[c].Count(), Cards: byColumn[c].Skip((page - 1) * size).Take(size).ToList())).ToList();
        await TaskBoardQueries.AttachCriteriaAsync(db, lanes.SelectMany(l => l.Cards).Select(x => x.Task).ToList(), ct);
        return new KanbanBoard(lanes.Select(l => new BoardLane(l.Column, l.Total, l.Cards.Select(judged.Row).ToList())).ToList(), page, size);
    }
}

/// <summary>A criterion a task serves, by name, with its points: the most the criterion carries in the plan year's
/// version of the index, and what the task puts at stake when the plan says.</summary>
public sealed record CriterionLink(string Framework, string? FrameworkName, string Code, string? Name, decimal? Max, decimal? PointsAtStake);

/// <summary>Everything the task's page shows (<c>/tasks/{id}</c>, <c>GET /api/tasks/{id}/view</c>).</summary>
public sealed record TaskView(TaskDetail Detail, string PlanTitle, string? SectionTitle, string? Output, IReadOnlyList<CriterionLink> Criteria,
    IReadOnlyList<CommentEntry> Comments, IReadOnlyList<HistoryLine> Changes, bool MayComment);

public static class TaskViews
{
    /// <summary>A task as notices and mails name it: its number and its words, shortened ("nhiệm vụ 5.e “Rà soát…”").</summary>
    public static string Name(string number, string description) => $"nhiệm vụ {number} “{ViText.Shorten(description, 100)}”";

    /// <summary>A plan as notices and mails name it: by its title, then its number and date.</summary>
    public static string PlanName(string title, string label) => title == label ? $"kế hoạch “{title}”" : $"kế hoạch “{title}” ({label})";

    /// <summary>The task's page for the actor (who must be able to read it); null when there is no such task.</summary>
    public static async Task<TaskView?> ViewAsync(ChiSoDb db, int id, DateOnly asOf, Actor actor, CancellationToken ct = default)
    {
        actor.Require(TaskComments.MayRead(actor), "Cần đăng nhập để xem nhiệm vụ.");
        if (await TaskBoardQueries.DetailAsync(db, id, asOf, ct) is not { } detail) return null;
        var task = await db.PlanTasks.AsNoTracking().Include(t => t.Plan).Include(t => t.Criteria).FirstAsync(t => t.Id == id, ct);
        var section = task.SectionId is { } sid ? await db.Set<PlanSection>().AsNoTracking().Where(s => s.Id == sid)
            .Select(s => s.Code + ". " + s.Title).FirstOrDefaultAsync(ct) : null;
        var criteria = await CriteriaAsync(db, task.Criteria, task.Plan!.Year, ct);
        var comments = await TaskComments.ListAsync(db, id, actor, ct);
        var changes = await TaskHistory.ForAsync(db, task, detail.History, ct);
        return new TaskView(detail, task.Plan.Title, section, task.Output, criteria, comments, changes, TaskComments.MayComment(actor));
    }

    static async Task<List<CriterionLink>> CriteriaAsync(ChiSoDb db, List<TaskCriterion> links, int year, CancellationToken ct)
    {
        var keys = links.Select(l => l.Framework).Distinct().ToList();
        var frameworks = await db.Frameworks.AsNoTracking().Include(f => f.Versions).Where(f => keys.Contains(f.Key)).ToListAsync(ct);
        var versions = frameworks.Select(f => f.VersionFor(year)).OfType<FrameworkVersion>().Select(v => v.Id).ToList();
        var codes = links.Select(l => l.Code).Distinct().ToList();
        var criteria = await db.Criteria.AsNoTracking().Where(c => versions.Contains(c.VersionId) && codes.Contains(c.Code)).ToListAsync(ct);
        return links.OrderBy(l => l.Framework).ThenBy(l => l.Code).Select(l =>
        {
            var f = frameworks.FirstOrDefault(x => x.Key == l.Framework);
            var v = f?.VersionFor(year);
            var c = v is null ? null : criteria.FirstOrDefault(x => x.VersionId == v.Id && x.Code == l.Code);
            return new CriterionLink(l.Framework, f?.Name, l.Code, c?.Name, c?.Max, l.PointsAtStake);
        }).ToList();
    }
}

/// <summary>The task list as an Excel sheet with Vietnamese headings, one row per task, as the list's filter selects.</summary>
public static class TaskExport
{
    public static void WriteExcel(IReadOnlyList<TaskRow> rows, Stream output)
    {
        var sheets = new Dictionary<string, object>
        {
            ["Nhiệm vụ"] = rows.Select(r => new Dictionary<string, object?>
            {
                ["Kế hoạch"] = r.Plan, ["Năm"] = r.PlanYear, ["Mục"] = r.Section, ["Số"] = r.Number, ["Nội dung nhiệm vụ"] = r.Description,
                ["Chủ trì"] = string.Join("; ", r.Lead), ["Phối hợp"] = string.Join("; ", r.Cooperating),
                ["Thời hạn (kế hoạch ghi)"] = r.DeadlineText, ["Thời hạn (cách hiểu)"] = r.Deadline, ["Hạn"] = r.Standing.Due is { } d ? ViText.Date(d) : null,
                ["Tình trạng"] = TaskBoardAccountability.StatusText(r.Standing.Status), ["Tỷ lệ hoàn thành (%)"] = r.Standing.Percent,
                ["Quá hạn"] = r.Standing.Overdue ? "Có" : "", ["Số ngày chậm"] = r.Standing.DaysLate, ["Nguy cơ chậm"] = r.Standing.AtRisk ? "Có" : "",
                ["Sản phẩm"] = r.Output, ["Tiêu chí"] = string.Join(", ", r.Criteria),
            }).ToList(),
        };
        output.WriteXlsx(sheets);
    }
}
