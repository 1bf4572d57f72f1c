using ChiSo.Data;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using MiniExcelLibs;

namespace ChiSo.Tests.Plans;

/// <summary>Issue 11, item 6: seed 004's plan issued with its tasks and dated duties (also on a database seeded before
/// it had them), recurring deadlines within their plan's window, and the periodic reports listing the tasks a unit
/// leads through a group.</summary>
public abstract class SeedsWholeTests(Provider provider)
{
    const string TayHoTitle = "Cải cách hành chính nhà nước năm 2024 của quận Tây Hồ";

    static async Task<Plan> TayHoAsync(ChiSoDb db) =>
        await db.Plans.Include(p => p.Tasks).ThenInclude(t => t.Agencies).SingleAsync(p => p.Title == TayHoTitle && p.Year == 2024);

    [Fact]
    public async Task Seed_004s_plan_is_issued_with_its_tasks_and_dated_duties()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var plan = await TayHoAsync(db);
        var tasks = plan.Tasks.ToDictionary(t => t.Number);

        Assert.Equal(PlanStatus.Issued, plan.Status);
        Assert.Equal(58, plan.Tasks.Count);
        Assert.Equal(41, plan.Tasks.Count(t => t.Number.Contains(".2.") && !t.Number.StartsWith('V')));
        // "gửi về phòng Nội vụ trước ngày 01/3/2024", "hoàn thiện trước tháng 9/2024": the day and month named are excluded.
        Assert.Equal((DeadlineKind.Date, new DateOnly(2024, 2, 29)), (tasks["V.2.1"].DeadlineKind, tasks["V.2.1"].Due!.Value));
        Assert.Equal((DeadlineKind.Date, new DateOnly(2024, 8, 31)), (tasks["V.2.4"].DeadlineKind, tasks["V.2.4"].Due!.Value));
        Assert.Equal(Recurrence.HalfYearly, tasks["3.2.6"].Recurrence);   // "ít nhất 6 tháng/lần"
        Assert.Equal(Recurrence.HalfYearly, tasks["V.2.6.2"].Recurrence); // "ít nhất 2 lần/năm"
        Assert.Equal(Recurrence.Yearly, tasks["V.1.2"].Recurrence);       // "ít nhất 01 lần trong năm"
        Assert.Equal(Recurrence.Quarterly, tasks["III.1"].Recurrence);    // "Quý 1, 6 tháng, 9 tháng và năm"
        Assert.Equal(DeadlineKind.Continuous, tasks["V.2.6.3"].DeadlineKind);
        Assert.Equal(DeadlineKind.Range, tasks["6.2.8"].DeadlineKind);    // "giai đoạn 2023 – 2025"
        Assert.DoesNotContain(plan.Tasks, t => t.DeadlineKind == DeadlineKind.Unparsed && t.DeadlineText is not null);

        // The district answers for its plan's own contents; the divisions the seed names are kept as written.
        var tayHo = await db.Units.SingleAsync(u => u.Code == "Q-TAYHO");
        Assert.Equal(tayHo.Id, tasks["1.2.1"].Agencies.Single(a => a.Role == AgencyRole.Lead).UnitId);
        Assert.Equal(["Phòng Nội vụ"], tasks["V.1.2"].Agencies.Where(a => a.Role == AgencyRole.Lead).Select(a => a.Name));
        Assert.Equal(6, tasks["III.2"].Agencies.Count(a => a.Role == AgencyRole.Lead));
        // The district's wards are not the city's communes: no group of the registry answers for them.
        Assert.All(plan.Tasks.SelectMany(t => t.Agencies).Where(a => a.Name.Contains("Tây Hồ") && a.UnitId is null), a => Assert.Null(a.GroupId));
    }

    [Fact]
    public async Task A_database_seeded_with_the_empty_draft_is_completed_once_on_upgrade()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.NewContext())
        {
            // The plan as earlier versions stored it: a draft with no tasks and no sections.
            var plan = await TayHoAsync(db);
            db.PlanTasks.RemoveRange(plan.Tasks);
            db.RemoveRange(await db.Set<PlanSection>().Where(s => s.PlanId == plan.Id).ToListAsync());
            plan.Status = PlanStatus.Draft;
            // A deadline stored with the reading of earlier versions.
            var other = await db.PlanTasks.FirstAsync(t => t.DeadlineText == "Theo quy định");
            other.DeadlineKind = DeadlineKind.Continuous;
            await db.SaveChangesAsync();
        }

        await using (var db = database.NewContext()) await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
        await using (var db = database.NewContext()) await BuiltInData.UpgradeAsync(db, TimeProvider.System);

        await using (var db = database.NewContext())
        {
            var plan = await TayHoAsync(db);
            Assert.Equal(PlanStatus.Issued, plan.Status);
            Assert.Equal(58, plan.Tasks.Count);
            Assert.Equal(9, await db.Set<PlanSection>().CountAsync(s => s.PlanId == plan.Id));
            Assert.Equal(1, await db.Plans.CountAsync(p => p.Title == TayHoTitle));
            Assert.Equal(DeadlineKind.Regulated, (await db.PlanTasks.FirstAsync(t => t.DeadlineText == "Theo quy định")).DeadlineKind);
            Assert.Equal(1, await db.Audit.CountAsync(a => a.Subject == $"plan:{plan.Id}" && a.Field == "tasks"));
        }
    }

    [Fact]
    public async Task Recurring_tasks_of_a_plan_fall_due_between_its_issue_and_the_end_of_its_period()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        // Task 18 of 430/KH-UBND (issued 15/6/2023), monthly: seven reports, June to December 2023.
        var t18 = (await TaskBoardQueries.ListAsync(db, new TaskFilter(Plan: "430/KH-UBND", Year: 2023), new DateOnly(2024, 3, 1)))!
            .Single(t => t.Number == "18");
        Assert.Equal(new DateOnly(2023, 6, 30), t18.Standing.Missed[0]);
        Assert.Equal(7, t18.Standing.Missed.Count);
        Assert.Null(t18.Standing.Due);

        // "Hằng năm" of the 2024 plan: due 31/12/2024, never in 2025 or 2026.
        var yearly = (await TaskBoardQueries.ListAsync(db, new TaskFilter(Plan: "164/KH-UBND", Year: 2024), new DateOnly(2025, 3, 1)))!
            .Where(t => t.DeadlineText == "Hằng năm").ToList();
        Assert.NotEmpty(yearly);
        Assert.All(yearly, t => Assert.Equal([new DateOnly(2024, 12, 31)], t.Standing.Missed));
        Assert.All(yearly, t => Assert.Equal(new DateOnly(2025, 3, 1).DayNumber - new DateOnly(2024, 12, 31).DayNumber, t.Standing.DaysLate));
        var set = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(Plan: "164/KH-UBND", Year: 2024), new DateOnly(2026, 1, 1)))!;
        var calendar = TaskBoardCalendar.Entries(set, new DateOnly(2024, 1, 1), new DateOnly(2026, 12, 31), new DateOnly(2026, 1, 1)).ToList();
        Assert.Contains(calendar, e => e.Date == new DateOnly(2024, 12, 31));
        Assert.DoesNotContain(calendar, e => e.Date.Year > 2024);
    }

    [Fact]
    public async Task A_districts_report_lists_the_tasks_it_leads_through_a_group()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 12, 10, 2, 0, 0, TimeSpan.Zero));
        var service = new ReportService(db, clock, ReportingSchedule.Default);
        var year = ReportingSchedule.Default.Period(2024, ReportingPeriodKind.Year);

        var board = (await TaskBoardQueries.ListAsync(db, new TaskFilter(Year: 2024, Unit: "Q-BADINH"), year.End))!
            .Where(t => t.Role == AgencyRole.Lead).ToList();
        var form = (await service.GetAsync("Q-BADINH", 2024, ReportingPeriodKind.Year, null)).Form!;

        // 164/KH-UBND 2024 names "UBND cấp huyện" as lead of 27 tasks: the report lists each, as the board does.
        Assert.True(board.Count >= 27, $"{board.Count} tasks");
        Assert.Equal(board.Select(t => t.Id).Order(), form.Tasks.Select(t => t.TaskId).Order());
        Assert.Equal(board.Count(t => t.Standing.Overdue), form.Tasks.Count(t => t.Overdue));

        // Submitted, its tasks fill the consolidated Excel's "Nhiệm vụ" sheet.
        var saved = await service.SaveAsync("Q-BADINH", 2024, ReportingPeriodKind.Year, null,
            new ReportEdit(null, new Dictionary<string, string?> { ["institutions"] = "Đã thực hiện." }, null), Actors.Admin("Cán bộ Ba Đình"));
        await service.SubmitAsync("Q-BADINH", 2024, ReportingPeriodKind.Year, null, saved.Form!.Concurrency, Actors.Admin("Cán bộ Ba Đình"));
        var consolidation = await Consolidations.LoadAsync(db, year, new DateOnly(2024, 12, 20));
        using var xlsx = new MemoryStream();
        ReportExcel.Write(consolidation, xlsx);
        xlsx.Position = 0;
        var sheet = xlsx.Query(useHeaderRow: true, sheetName: ReportExcel.Tasks).ToList();
        Assert.Equal(board.Count, sheet.Count);
        // And the Word report counts them.
        using var docx = new MemoryStream();
        ReportWord.Write(consolidation, new DateOnly(2024, 12, 20), docx);
        docx.Position = 0;
        using var word = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(docx, false);
        Assert.Contains($"Tổng số {board.Count} nhiệm vụ", word.MainDocumentPart!.Document.Body!.InnerText);
    }
}

public sealed class SeedsWholeSqliteTests() : SeedsWholeTests(Provider.Sqlite);

public sealed class SeedsWholePostgresTests() : SeedsWholeTests(Provider.Postgres);
