using System.Net;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Plans;

/// <summary>The pages of the unit's day and of drafting as the server renders them (issue 12, items 2 and 3).</summary>
public abstract class UnitDayPageTests(Provider provider)
{
    [Fact]
    public async Task My_tasks_opens_on_the_account_unit_with_named_links_and_only_the_agency_picks_a_unit()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var editor = await app.ClientAsync(Roles.UnitEditor, "SNV");

        var page = WebUtility.HtmlDecode(await editor.GetStringAsync("/my-tasks"));
        Assert.Contains("Nhiệm vụ của đơn vị: Sở Nội vụ", page);
        Assert.DoesNotContain("data-testid=\"pick-unit\"", page);
        Assert.Contains("href=\"/tasks/", page);
        Assert.Contains("data-testid=\"notice\"", page);
        // A notice names the task by its text, not "nhiệm vụ 5.e (164/KH-UBND…)".
        Assert.DoesNotContain(": nhiệm vụ ", page);

        var admin = WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync("/my-tasks"));
        Assert.Contains("data-testid=\"pick-unit\"", admin);
        Assert.Contains("Chọn đơn vị để xem nhiệm vụ", admin);
    }

    [Fact]
    public async Task A_missed_occurrence_is_shown_beside_the_next_one_not_a_later_date_beside_overdue()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var page = WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync("/my-tasks?unit=SNV"));
        var today = TaskBoard.Today(TimeProvider.System);
        await using var db = database.NewContext();
        var rows = await TaskBoardQueries.ListAsync(db, new TaskFilter(Unit: "SNV"), today);
        var recurring = rows!.First(r => r.Standing.Missed.Count > 0);

        Assert.Contains($"Kỳ bị lỡ {ViText.Date(recurring.Standing.Missed[0])}", page);
        if (recurring.Standing.Due is { } next) Assert.Contains($"Kỳ tới {ViText.Date(next)}", page);
    }

    [Fact]
    public async Task Drafting_opens_on_a_year_with_tasks_a_deadline_ahead_and_its_totals_explained()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        await using var db = database.NewContext();
        var latest = (await DraftFromGaps.LatestYearAsync(db, "par-province"))!.Value;

        var page = WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync("/plans/draft"));
        Assert.Contains("data-testid=\"draft-tasks\"", page);
        Assert.Contains($"từ kết quả năm {latest}", page);
        Assert.Contains(DraftFromGaps.DefaultDeadline(latest + 1, TaskBoard.Today(TimeProvider.System)), page);
        Assert.Contains("Điểm bị mất = tổng (điểm tối đa − kết quả", page);
        Assert.DoesNotContain("data-testid=\"draft-deadline-past\"", page);
    }

    [Fact]
    public async Task A_draft_plan_page_warns_of_deadlines_already_past_and_offers_adding_tasks()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        await using (var db = database.NewContext())
        {
            var plan = (await DraftFromGaps.CreateAsync(db, "par-province", 2023, null, Actors.Admin(), "Quý III/2024"))!;
            var page = WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync($"/plans/{plan.Id}"));
            Assert.Contains("data-testid=\"past-deadlines\"", page);
            Assert.Contains("có hạn trước ngày ban hành", page);
            Assert.Contains("data-testid=\"add-task\"", page);
            Assert.Contains("data-testid=\"remove-task\"", page);
            Assert.Contains("data-testid=\"plan-totals\"", page);

            var leader = await app.ClientAsync(Roles.Leader);
            var read = WebUtility.HtmlDecode(await leader.GetStringAsync($"/plans/{plan.Id}"));
            Assert.DoesNotContain("data-testid=\"add-task\"", read);
            Assert.DoesNotContain("data-testid=\"past-deadlines\"", read);
        }
    }
}

public sealed class UnitDayPageSqliteTests() : UnitDayPageTests(Provider.Sqlite);

public sealed class UnitDayPagePostgresTests() : UnitDayPageTests(Provider.Postgres);
