using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Plans;

/// <summary>Plans that guide (issue 12, item 3): tasks added, edited and removed before issue, audited and refused to
/// whoever may not; issuing with deadlines already past needs an explicit confirmation; choices of agencies and criteria
/// by name; drafting opens on a year that gives tasks, with a deadline ahead of today.</summary>
public abstract class PlanDraftingTests(Provider provider)
{
    static readonly DateOnly Today = new(2026, 12, 4);
    static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 4, 3, 0, 0, TimeSpan.Zero));

    static async Task<Plan> DraftAsync(ChiSo.Data.ChiSoDb db, string deadline = "Quý III/2024") =>
        (await DraftFromGaps.CreateAsync(db, "par-province", 2023, null, Actors.Admin("soan.thao"), deadline))!;

    [Fact]
    public async Task A_draft_gains_edits_and_loses_a_task_each_audited_under_the_actor()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await DraftAsync(db);
        var service = new PlanService(db, Clock);
        var admin = Actors.Admin("nguyen.van.a");

        var added = await service.AddTaskAsync(plan.Id, new TaskEdit("99", "Rà soát văn bản quy phạm pháp luật", ["Sở Tư pháp"], ["Sở Nội vụ"], "Quý II/2027",
            "Báo cáo rà soát", ["par-province:2.4.1"], Guid.Empty), admin);
        Assert.Equal(ChangeOutcome.Done, added.Outcome);
        var line = added.Value!;
        Assert.Equal(("Sở Tư pháp", "STP"), (line.Lead.Single().Name, line.Lead.Single().UnitCode));
        Assert.Equal("SNV", line.Cooperating.Single().UnitCode);
        Assert.Equal("2.4.1", line.Criteria.Single().Code);
        Assert.Equal(new DateOnly(2027, 6, 30), line.Due);

        var edited = await service.EditTaskAsync(plan.Id, line.Id, new TaskEdit("99", "Rà soát, hệ thống hóa văn bản", ["Sở Tư pháp"], [], "Quý III/2027",
            null, [], line.Concurrency), admin);
        Assert.Equal(ChangeOutcome.Done, edited.Outcome);
        Assert.Empty(edited.Value!.Cooperating);

        var duplicate = await service.AddTaskAsync(plan.Id, new TaskEdit("99", "Trùng số", null, null, null, null, ["par-province:khong-co"], Guid.Empty), admin);
        Assert.Equal(ChangeOutcome.Invalid, duplicate.Outcome);
        Assert.Contains("đã có trong kế hoạch", duplicate.Errors!["number"][0]);
        Assert.Contains("Không có tiêu chí", duplicate.Errors!["criteria"][0]);

        var removed = await service.RemoveTaskAsync(plan.Id, line.Id, edited.Value.Concurrency, admin);
        Assert.Equal(ChangeOutcome.Done, removed.Outcome);
        Assert.False(await db.PlanTasks.AnyAsync(t => t.Id == line.Id));

        var audit = await db.Audit.AsNoTracking().Where(a => a.Subject == $"plan:{plan.Id}/task:{line.Id}").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(new[] { "Thêm nhiệm vụ vào dự thảo", "Sửa nhiệm vụ", "Bỏ nhiệm vụ khỏi dự thảo" }, audit.Select(a => a.Reason![..a.Reason!.IndexOf(" 99")]));
        Assert.All(audit, a => Assert.Equal("nguyen.van.a", a.User));
        Assert.Contains("Chủ trì: Sở Tư pháp", audit[0].NewValue);
        Assert.Null(audit[0].OldValue);
        Assert.Null(audit[2].NewValue);
    }

    [Fact]
    public async Task Only_the_standing_agency_adds_or_removes_tasks_and_says_so_in_Vietnamese()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await DraftAsync(db);
        var task = await db.PlanTasks.AsNoTracking().FirstAsync(t => t.PlanId == plan.Id);
        var service = new PlanService(db, Clock);
        var snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();

        foreach (var actor in new[] { Actors.Of(Roles.Leader, null, "lanh.dao"), Actors.Of(Roles.UnitEditor, snv, "bien.tap") })
        {
            var add = await Assert.ThrowsAsync<AccessDenied>(() => service.AddTaskAsync(plan.Id, new TaskEdit("98", "x", null, null, null, null, null, Guid.Empty), actor));
            Assert.Contains("Chỉ cơ quan thường trực", add.Message);
            await Assert.ThrowsAsync<AccessDenied>(() => service.RemoveTaskAsync(plan.Id, task.Id, task.Concurrency, actor));
        }
        Assert.True(await db.PlanTasks.AnyAsync(t => t.Id == task.Id));
        Assert.False(await db.Audit.AnyAsync(a => a.Subject.StartsWith($"plan:{plan.Id}/")));
    }

    [Fact]
    public async Task Issuing_with_deadlines_already_past_needs_a_confirmation_and_then_the_task_list_is_closed()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await DraftAsync(db);
        var service = new PlanService(db, Clock);
        var admin = Actors.Admin();
        var tasks = await db.PlanTasks.CountAsync(t => t.PlanId == plan.Id);

        var past = await service.PastDeadlinesAsync(plan.Id, Today);
        Assert.Equal(tasks, past.Count);
        Assert.All(past, p => Assert.Equal(new DateOnly(2024, 9, 30), p.Due));
        Assert.Empty(await service.PastDeadlinesAsync(plan.Id, new DateOnly(2024, 1, 15)));

        var refused = await service.IssueAsync(plan.Id, new IssueRequest("55/KH-UBND", Today, plan.Concurrency), admin);
        Assert.Equal(ChangeOutcome.Invalid, refused.Outcome);
        Assert.Contains($"{tasks} nhiệm vụ có hạn trước ngày ban hành 04/12/2026", refused.Errors!["deadlines"][0]);
        Assert.Equal(PlanStatus.Draft, (await db.Plans.AsNoTracking().SingleAsync(p => p.Id == plan.Id)).Status);

        var issued = await service.IssueAsync(plan.Id, new IssueRequest("55/KH-UBND", Today, plan.Concurrency, ConfirmPastDeadlines: true), admin);
        Assert.Equal(ChangeOutcome.Done, issued.Outcome);

        var add = await service.AddTaskAsync(plan.Id, new TaskEdit("98", "Muộn", null, null, null, null, null, Guid.Empty), admin);
        Assert.Contains("đã ban hành", add.Errors!["status"][0]);
        var task = await db.PlanTasks.AsNoTracking().FirstAsync(t => t.PlanId == plan.Id);
        var remove = await service.RemoveTaskAsync(plan.Id, task.Id, task.Concurrency, admin);
        Assert.Contains("không bỏ nhiệm vụ", remove.Errors!["status"][0]);
    }

    [Fact]
    public async Task Drafting_opens_on_a_year_with_tasks_and_a_deadline_ahead_of_today()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var year = await DraftFromGaps.LatestYearAsync(db, "par-province");
        Assert.NotNull(year);
        Assert.True((await DraftFromGaps.PreviewAsync(db, "par-province", year!.Value, null))!.Tasks.Count > 0);
        Assert.Null(await DraftFromGaps.LatestYearAsync(db, "khong-co"));

        Assert.Equal("Quý I/2027", DraftFromGaps.DefaultDeadline(2025, Today));
        Assert.Equal("Quý III/2027", DraftFromGaps.DefaultDeadline(2027, Today));
        var due = Deadline.Parse(DraftFromGaps.DefaultDeadline(year.Value + 1, Today), year.Value + 1).Due;
        Assert.True(due > Today, $"{due} is not after {Today}");
    }

    [Fact]
    public async Task Agencies_are_those_in_force_on_the_plan_date_and_criteria_carry_their_names()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var service = new PlanService(db, Clock);
        var ended = await db.Units.AsNoTracking().Where(u => u.ValidTo != null && u.ValidTo < new DateOnly(2026, 1, 1)).FirstAsync();

        var in2026 = await service.AgencyChoicesAsync(new DateOnly(2026, 1, 1));
        Assert.DoesNotContain(in2026, a => a.Code == ended.Code);
        Assert.Contains(in2026, a => a.Code == "STP");
        Assert.Contains(in2026, a => a.Group is not null);
        Assert.Contains(await service.AgencyChoicesAsync(ended.ValidTo!.Value), a => a.Code == ended.Code);

        var criteria = await service.CriterionChoicesAsync(2024, ["par-province"]);
        Assert.Equal("par-province", criteria[0].Framework);
        var c = criteria.Single(c => c.Key == "par-province:2.4.1");
        Assert.False(string.IsNullOrWhiteSpace(c.Name));
        Assert.NotEqual(c.Code, c.Name);
    }

    [Fact]
    public async Task A_unit_report_not_begun_is_prefilled_from_its_tasks_and_their_latest_note()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var stp = await db.Units.AsNoTracking().SingleAsync(u => u.Code == "STP");
        var plan = await DraftAsync(db);
        var service = new PlanService(db, Clock);
        var admin = Actors.Admin();
        var added = (await service.AddTaskAsync(plan.Id, new TaskEdit("97", "Nâng cao chất lượng kiểm soát thủ tục hành chính", ["Sở Tư pháp"], [], "Quý IV/2024",
            null, [], Guid.Empty), admin)).Value!;
        var plan2 = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == plan.Id);
        Assert.Equal(ChangeOutcome.Done, (await service.IssueAsync(plan.Id, new IssueRequest("56/KH-UBND", new DateOnly(2024, 1, 10), plan2.Concurrency), admin)).Outcome);
        var editor = Actors.Of(Roles.UnitEditor, stp.Id, "bien.tap.stp");
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 3, 20, 3, 0, 0, TimeSpan.Zero));
        var filed = await TaskBoardProgress.FileAsync(db, added.Id, new ProgressFiling(null, "InProgress", 40, "Đã rà soát 12 thủ tục", new DateOnly(2024, 3, 1), null), [], editor, clock);
        Assert.Equal(FilingOutcome.Filed, filed.Outcome);

        var form = (await new ReportService(db, clock, ReportingSchedule.Default).GetAsync("STP", 2024, ReportingPeriodKind.Q1, null)).Form!;
        var row = form.Tasks.Single(t => t.TaskId == added.Id);
        Assert.Equal(("Đã rà soát 12 thủ tục", 40), (row.Note, row.Percent));

        var texts = ReportService.Prefill(form.Tasks);
        Assert.Contains("Nhiệm vụ 97", texts["procedures"]);
        Assert.Contains("Đang thực hiện 40 %. Đã rà soát 12 thủ tục", texts["procedures"]);
        Assert.All(texts.Keys, k => Assert.NotNull(ReformAreas.Find(k)));
    }
}

public sealed class PlanDraftingSqliteTests() : PlanDraftingTests(Provider.Sqlite);

public sealed class PlanDraftingPostgresTests() : PlanDraftingTests(Provider.Postgres);
