using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Tasks;

/// <summary>The task as a place (issue 12, item 1) and the bounded task queries (issue 13, item 4), on the seeded data
/// and on a generated plan: the task's page, comments and who may post them, saved views, paging, the board by status,
/// the timeline, and the calendar's date window giving what the unbounded query gives.</summary>
public abstract class TaskPlaceTests(Provider provider)
{
    static readonly DateOnly AsOf = new(2025, 7, 1);
    static readonly byte[] Pdf = "%PDF-1.4\n% minh chứng\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray();
    static FakeTimeProvider ClockAt(DateOnly day) => new(new DateTimeOffset(day.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero));

    static Task<int> SeededTaskAsync(ChiSoDb db) =>
        db.PlanTasks.Where(t => t.Plan!.Number == "164/KH-UBND" && t.Plan.Year == 2024 && t.Number == "1").Select(t => t.Id).SingleAsync();

    [Fact]
    public async Task The_task_view_gathers_plan_reports_with_files_comments_and_history()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await SeededTaskAsync(db);
        var snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
        var clock = ClockAt(new DateOnly(2024, 6, 5));
        var filed = await TaskBoardProgress.FileAsync(db, id, new ProgressFiling("SNV", "Done", null, "Đã tổ chức hội nghị", new DateOnly(2024, 6, 3), null),
            [new EvidenceUpload("bien-ban-hoi-nghi.pdf", Pdf)], Actors.Of(Roles.UnitEditor, snv, "Cán bộ SNV (can.bo)"), clock);
        Assert.Equal(FilingOutcome.Filed, filed.Outcome);
        var leader = Actors.Of(Roles.Leader, name: "Lãnh đạo (lanh.dao)");
        Assert.Equal(CommentOutcome.Added, (await TaskComments.AddAsync(db, id, "  Đề nghị gửi biên bản có chữ ký.  ", leader, clock)).Outcome);

        var view = (await TaskViews.ViewAsync(db, id, new DateOnly(2024, 7, 1), leader))!;
        Assert.Equal("1", view.Detail.Task.Number);
        Assert.False(string.IsNullOrWhiteSpace(view.PlanTitle));
        Assert.Equal("Tháng 5/2024", view.Detail.Task.DeadlineText);
        Assert.Contains(view.Detail.Agencies, a => a.Unit == "SNV" && a.Role == AgencyRole.Lead);
        var report = Assert.Single(view.Detail.History);
        Assert.Equal("Cán bộ SNV (can.bo)", report.FiledBy);
        Assert.Equal("bien-ban-hoi-nghi.pdf", Assert.Single(report.Evidence).Name);
        var comment = Assert.Single(view.Comments);
        Assert.Equal(("Lãnh đạo (lanh.dao)", "Đề nghị gửi biên bản có chữ ký."), (comment.Author, comment.Text));
        Assert.True(view.MayComment);
        Assert.Contains(view.Changes, h => h.Text.StartsWith("Bình luận: Đề nghị", StringComparison.Ordinal) && h.User == "Lãnh đạo (lanh.dao)");
        Assert.Contains(view.Changes, h => h.Text.Contains("Sở Nội vụ báo cáo: Hoàn thành, 100 %", StringComparison.Ordinal) && h.Text.Contains("kèm 1 tệp", StringComparison.Ordinal));
        Assert.Null(await TaskViews.ViewAsync(db, 999_999, AsOf, leader));
    }

    [Fact]
    public async Task Criteria_are_named_with_their_points_in_the_plan_year()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await GeneratedPlan.AddAsync(db, 20);
        var id = await db.PlanTasks.Where(t => t.PlanId == plan && t.Number == "1").Select(t => t.Id).SingleAsync();
        var view = (await TaskViews.ViewAsync(db, id, AsOf, Actors.Admin()))!;
        var link = Assert.Single(view.Criteria);
        Assert.Equal(("par-province", "1"), (link.Framework, link.Code));
        Assert.False(string.IsNullOrWhiteSpace(link.Name));
        Assert.NotNull(link.Max);
        Assert.Equal("I. Nhóm nhiệm vụ 1", view.SectionTitle);
    }

    [Fact]
    public async Task Whoever_reads_a_task_may_comment_and_nobody_else()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await SeededTaskAsync(db);
        var clock = ClockAt(AsOf);
        await Assert.ThrowsAsync<AccessDenied>(() => TaskComments.AddAsync(db, id, "ẩn danh", Actor.Anonymous, clock));
        await Assert.ThrowsAsync<AccessDenied>(() => TaskComments.ListAsync(db, id, Actor.Anonymous));
        Assert.Equal(CommentOutcome.Invalid, (await TaskComments.AddAsync(db, id, "   ", Actors.Of(Roles.Appraiser), clock)).Outcome);
        Assert.Equal(CommentOutcome.Invalid, (await TaskComments.AddAsync(db, id, new string('a', TaskComments.MaxText + 1), Actors.Of(Roles.Appraiser), clock)).Outcome);
        Assert.Equal(CommentOutcome.NotFound, (await TaskComments.AddAsync(db, 999_999, "không có", Actors.Of(Roles.Appraiser), clock)).Outcome);
        foreach (var role in Roles.All)
            Assert.Equal(CommentOutcome.Added, (await TaskComments.AddAsync(db, id, "ý kiến của " + role, Actors.Of(role), clock)).Outcome);
        Assert.Equal(Roles.All.Count, (await TaskComments.ListAsync(db, id, Actors.Of(Roles.UnitHead))).Count);
        // Each is an audit row of the task, chained like every other.
        Assert.Equal(Roles.All.Count, await db.Audit.CountAsync(a => a.Subject == $"task:{id}" && a.Field == "comment"));
    }

    [Fact]
    public async Task Saved_filters_belong_to_their_user_and_keep_only_task_page_addresses()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var clock = ClockAt(AsOf);
        var (mai, lan) = (Actors.Of(Roles.Leader, name: "mai"), Actors.Of(Roles.UnitEditor, 1, "lan"));
        Assert.Null(await SavedTaskFilters.SaveAsync(db, "/tasks", "Sở Nội vụ quá hạn", "unit=SNV&overdue=true", mai, clock));
        Assert.Null(await SavedTaskFilters.SaveAsync(db, "/tasks", "Sở Nội vụ quá hạn", "?unit=SNV&overdue=true&plan=3", mai, clock));
        Assert.NotNull(await SavedTaskFilters.SaveAsync(db, "/admin", "khác", "?x=1", mai, clock));
        Assert.NotNull(await SavedTaskFilters.SaveAsync(db, "/tasks", " ", "?x=1", mai, clock));
        Assert.NotNull(await SavedTaskFilters.SaveAsync(db, "/tasks", "dài", "?" + new string('x', SavedTaskFilters.MaxQuery), mai, clock));
        await Assert.ThrowsAsync<AccessDenied>(() => SavedTaskFilters.SaveAsync(db, "/tasks", "ẩn danh", "?x=1", Actor.Anonymous, clock));

        var saved = Assert.Single(await SavedTaskFilters.ListAsync(db, "/tasks", mai));
        Assert.Equal("/tasks?unit=SNV&overdue=true&plan=3", saved.Address);
        Assert.Empty(await SavedTaskFilters.ListAsync(db, "/tasks", lan));
        Assert.Empty(await SavedTaskFilters.ListAsync(db, "/tasks/board", mai));
        Assert.False(await SavedTaskFilters.DeleteAsync(db, saved.Id, lan));
        Assert.True(await SavedTaskFilters.DeleteAsync(db, saved.Id, mai));
        Assert.Empty(await SavedTaskFilters.ListAsync(db, "/tasks", mai));
    }

    [Fact]
    public async Task Pages_cut_in_SQL_add_up_to_the_whole_list()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await GeneratedPlan.AddAsync(db, 230);
        var filter = new TaskFilter(PlanId: plan);
        var all = (await TaskBoardQueries.ListAsync(db, filter, AsOf))!;
        var paged = new List<TaskRow>();
        for (var p = 1; ; p++)
        {
            var page = (await TaskBoardQueries.PageAsync(db, filter, AsOf, p, 50))!;
            Assert.Equal(all.Count, page.Total);
            Assert.Null(page.Counts);
            if (page.Rows.Count == 0) { Assert.Equal(6, p); break; }
            paged.AddRange(page.Rows);
        }
        Assert.Equal(230, all.Count);
        Assert.Equal(all.Select(r => (r.Id, r.Standing.Status, r.Standing.Overdue, r.Standing.Percent, r.Section)),
            paged.Select(r => (r.Id, r.Standing.Status, r.Standing.Overdue, r.Standing.Percent, r.Section)));

        // A filter the rules decide is paged after judging every task, and then counts come along.
        var overdue = (await TaskBoardQueries.PageAsync(db, filter with { Overdue = true }, AsOf, 2, 10))!;
        var allOverdue = all.Where(r => r.Standing.Overdue).ToList();
        Assert.Equal(allOverdue.Count, overdue.Total);
        Assert.Equal(allOverdue.Skip(10).Take(10).Select(r => r.Id), overdue.Rows.Select(r => r.Id));
        Assert.Equal(allOverdue.Count, overdue.Counts!.Overdue);
    }

    [Fact]
    public async Task The_board_by_status_puts_each_task_in_one_column()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await GeneratedPlan.AddAsync(db, 120);
        var all = (await TaskBoardQueries.ListAsync(db, new TaskFilter(PlanId: plan), AsOf))!;
        var board = (await TaskKanban.BuildAsync(db, new TaskFilter(PlanId: plan), AsOf, 1, 10))!;
        Assert.Equal(all.Count, board.Lanes.Sum(l => l.Total));
        Assert.All(board.Lanes, l => Assert.True(l.Cards.Count <= 10));
        var overdue = board.Lanes.Single(l => l.Column == BoardColumn.Overdue);
        Assert.Equal(all.Count(r => r.Standing.Overdue && r.Standing.Status != ProgressStatus.Done), overdue.Total);
        Assert.All(overdue.Cards, c => Assert.True(c.Standing.Overdue));
        Assert.All(board.Lanes.Single(l => l.Column == BoardColumn.Done).Cards, c => Assert.Equal(ProgressStatus.Done, c.Standing.Status));
        Assert.True(board.Pages > 1);
    }

    /// <summary>The board reads its tasks without their plan on each row and reads each deadline text once; its columns must
    /// still be the standings judged from scratch (the whole task, or the agency's own share), on every day of the year:
    /// "overdue" moves as days pass with nothing stored.</summary>
    [Fact]
    public async Task The_board_columns_are_the_standings_judged_from_scratch_as_days_pass()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await GeneratedPlan.AddAsync(db, 160);
        var tasks = await db.PlanTasks.AsNoTracking().Where(t => t.PlanId == plan).Include(t => t.Plan).Include(t => t.Agencies)
            .Include(t => t.Progress).AsSplitQuery().ToListAsync();
        // An agency untouched by the 2025 mergers: its board is its own share all year (a merged one's passes to its holder).
        var leads = tasks.SelectMany(t => t.Agencies).Select(a => a.UnitId).Distinct().ToList();
        var unit = await db.Units.AsNoTracking().Where(u => leads.Contains(u.Id) && u.ValidTo == null
                && !db.UnitSuccessions.Any(s => s.SuccessorId == u.Id || s.PredecessorId == u.Id))
            .OrderBy(u => u.Id).FirstAsync();
        var seen = new HashSet<BoardColumn>();
        for (var day = new DateOnly(2025, 1, 10); day <= new DateOnly(2026, 2, 1); day = day.AddDays(23))
        {
            var expected = new Dictionary<int, BoardColumn>();
            var expectedForUnit = new Dictionary<int, BoardColumn>();
            foreach (var t in tasks)
            {
                var task = new PlanTask
                {
                    Id = t.Id, PlanId = t.PlanId, Plan = t.Plan, Number = t.Number, Description = t.Description, DeadlineText = t.DeadlineText,
                    EventDate = t.EventDate, Agencies = t.Agencies, Progress = t.Progress.Where(p => p.Date <= day).ToList(),
                };
                var parts = tasks.Where(c => c.ParentId == t.Id).Select(c => TaskBoard.Evaluate(
                    new PlanTask { Plan = c.Plan, Number = c.Number, Description = c.Description, DeadlineText = c.DeadlineText, EventDate = c.EventDate,
                        Agencies = c.Agencies, Progress = c.Progress.Where(p => p.Date <= day).ToList() }, c.Plan!.Window, day)).ToList();
                var whole = TaskBoard.RollUp(TaskBoard.Evaluate(task, t.Plan!.Window, day), t.Agencies.Any(a => a.Role == AgencyRole.Lead) ? [] : parts);
                expected[t.Id] = TaskKanban.ColumnOf(whole);
                if (t.Agencies.Any(a => a.UnitId == unit.Id))
                    expectedForUnit[t.Id] = TaskKanban.ColumnOf(TaskBoard.EvaluateFor(task, t.Plan.Window, day, unit.Id));
            }
            Assert.Equal(expected.OrderBy(e => e.Key), await ColumnsAsync(new TaskFilter(PlanId: plan), day));
            Assert.Equal(expectedForUnit.OrderBy(e => e.Key), await ColumnsAsync(new TaskFilter(PlanId: plan, Unit: unit.Code), day));
            seen.UnionWith(expected.Values);
        }
        // The generated plan has no blocked task; every other column is reached on some day.
        Assert.Equal([BoardColumn.Overdue, BoardColumn.NotStarted, BoardColumn.InProgress, BoardColumn.Done], seen.Order());

        async Task<IEnumerable<KeyValuePair<int, BoardColumn>>> ColumnsAsync(TaskFilter filter, DateOnly day)
        {
            await using var fresh = database.NewContext();
            var board = (await TaskKanban.BuildAsync(fresh, filter, day, 1, TaskBoardQueries.MaxPageSize))!;
            return board.Lanes.SelectMany(l => l.Cards.Select(c => KeyValuePair.Create(c.Id, l.Column))).OrderBy(e => e.Key).ToList();
        }
    }

    [Fact]
    public async Task The_timeline_pages_group_by_section_and_draw_within_the_year()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await GeneratedPlan.AddAsync(db, 150);
        var bars = new List<TimelineBar>();
        for (var p = 1; p <= 2; p++)
        {
            var page = (await TaskTimeline.PageAsync(db, new TaskFilter(PlanId: plan, Year: 2025), AsOf, p, 100))!;
            Assert.Equal((150, 2), (page.Total, page.Pages));
            Assert.All(page.Groups, g => Assert.StartsWith("I", g.Section));
            bars.AddRange(page.Groups.SelectMany(g => g.Bars));
        }
        Assert.Equal(150, bars.Select(b => b.TaskId).Distinct().Count());
        Assert.All(bars.Where(b => b.Start is not null), b => Assert.True(b.Start >= new DateOnly(2025, 1, 1) && b.End <= new DateOnly(2025, 12, 31) && b.Start <= b.End));
        // Tasks due in 2026 or awaiting their event have nothing to draw in 2025, and say so rather than vanish.
        Assert.Contains(bars, b => b.Start is null);
    }

    [Fact]
    public async Task A_calendar_window_loads_only_what_can_fall_due_and_gives_the_same_entries()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        await GeneratedPlan.AddAsync(db, 300);
        // The generated plan and every seeded plan: their deadline columns must agree with the deadline text as read.
        var months = Enumerable.Range(0, 16).Select(i => new DateOnly(2024, 10, 1).AddMonths(i)).ToList();
        var unbounded = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(), AsOf))!;
        foreach (var month in months)
        {
            var window = new DateWindow(month.AddDays(-7), month.AddMonths(1).AddDays(7));
            var bounded = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(), AsOf, window))!;
            Assert.True(bounded.Tasks.Count < unbounded.Tasks.Count, $"{month}: {bounded.Tasks.Count} of {unbounded.Tasks.Count} loaded");
            Assert.Equal(Entries(unbounded, window), Entries(bounded, window));
        }
        var snv = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: "SNV"), AsOf))!;
        var may = new DateWindow(new DateOnly(2024, 4, 29), new DateOnly(2024, 6, 9));
        var snvBounded = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: "SNV"), AsOf, may))!;
        var unit = snv.Units.Values.Single(u => u.Code == "SNV").Id;
        Assert.NotEmpty(Entries(snv, may, unit));
        Assert.Equal(Entries(snv, may, unit), Entries(snvBounded, may, unit));
    }

    static List<(DateOnly, int, bool, bool, AgencyRole?)> Entries(TaskSet set, DateWindow w, int? unit = null) =>
        TaskBoardCalendar.Entries(set, w.From, w.To, AsOf, unit).Select(e => (e.Date, e.TaskId, e.Done, e.Overdue, e.Role))
            .OrderBy(e => e.Date).ThenBy(e => e.TaskId).ToList();
}

public sealed class TaskPlaceSqliteTests() : TaskPlaceTests(Provider.Sqlite);

public sealed class TaskPlacePostgresTests() : TaskPlaceTests(Provider.Postgres);
