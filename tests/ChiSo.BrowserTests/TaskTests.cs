using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

[Collection("browser")]
public sealed class TaskTests(BrowserFixture fx)
{
    [Fact]
    public async Task Progress_filed_from_my_tasks_shows_on_the_board()
    {
        var page = await fx.OpenAsync("/my-tasks?unit=SNV");
        // Task 1 of 164/KH-UBND (2024): Sở Nội vụ leads it.
        var row = page.Locator("[data-testid=my-tasks] tr[data-number='1']").Filter(new() { HasText = "164/KH-UBND, 30/05/2024" });
        var id = await row.GetAttributeAsync("data-task-id");
        await row.GetByTestId("file-progress").ClickAsync();

        var form = page.GetByTestId("progress-form");
        await Assertions.Expect(form).ToContainTextAsync("Báo cáo tiến độ");
        // "Đang thực hiện" is the status the form opens with.
        await form.Locator("[data-testid=form-percent] input, input[data-testid=form-percent]").First.FillAsync("40");
        await form.Locator("[data-testid=form-text] textarea, textarea[data-testid=form-text]").First.FillAsync("Đã xây dựng dự thảo kế hoạch hội nghị");
        await form.GetByTestId("form-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("filing-result")).ToContainTextAsync("Đã ghi báo cáo tiến độ nhiệm vụ 1");

        // All of SNV's tasks on one page: the list is paged by 50.
        var board = await fx.OpenAsync("/tasks?unit=SNV&size=1000");
        var onBoard = board.Locator($"[data-testid=board] tr[data-task-id='{id}']");
        await Assertions.Expect(onBoard.GetByTestId("status")).ToHaveTextAsync(new Regex("Đang thực hiện 40 %"));
    }

    [Fact]
    public async Task A_task_opens_from_the_board_with_its_page_and_takes_a_comment()
    {
        int plan, id;
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSo.Data.ChiSoDb>();
            (plan, id) = await db.PlanTasks.Where(t => t.Plan!.Number == "164/KH-UBND" && t.Plan.Year == 2024 && t.Number == "1")
                .Select(t => ValueTuple.Create(t.PlanId, t.Id)).SingleAsync();
        }
        var page = await fx.OpenAsync($"/tasks/board?plan={plan}&unit=SNV&asOf=2024-07-01");
        var card = page.Locator($"[data-testid=kanban] article[data-task-id='{id}']");
        await card.GetByTestId("task-link").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/tasks/{id}\\?asOf=2024-07-01$"));
        await Assertions.Expect(page.GetByTestId("task-title")).ToContainTextAsync("Nhiệm vụ 1.");
        await Assertions.Expect(page.GetByTestId("deadline-text")).ToHaveTextAsync("Tháng 5/2024");
        await Assertions.Expect(page.GetByTestId("agencies")).ToContainTextAsync("Sở Nội vụ");

        var text = $"Đề nghị gửi biên bản {Guid.NewGuid():N}";
        await page.GetByTestId("comment-text").FillAsync(text);
        await page.GetByTestId("comment-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("comments")).ToContainTextAsync(text);
        await Assertions.Expect(page.GetByTestId("changes")).ToContainTextAsync("Bình luận: " + text);
    }

    [Fact]
    public async Task The_task_list_is_narrowed_to_a_criterion_chosen_by_name_not_typed_as_a_key()
    {
        int plan, expected;
        ChiSo.Features.Plans.CriterionChoice chosen;
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSo.Data.ChiSoDb>();
            var today = ChiSo.Features.Plans.TaskBoard.Today(scope.ServiceProvider.GetRequiredService<TimeProvider>());
            plan = await db.Plans.Where(p => p.Number == "164/KH-UBND" && p.Year == 2024).Select(p => p.Id).SingleAsync();
            var served = await db.PlanTasks.Where(t => t.PlanId == plan).SelectMany(t => t.Criteria.Select(c => c.Framework + ":" + c.Code)).Distinct().ToListAsync();
            var choices = await scope.ServiceProvider.GetRequiredService<ChiSo.Features.Plans.PlanService>().CriterionChoicesAsync(today.Year, []);
            // A criterion the plan's tasks serve whose name no other criterion shares, so that typing it offers one.
            chosen = choices.Where(c => served.Contains(c.Key)).First(c => choices.Count(o => o.Name == c.Name) == 1);
            expected = (await ChiSo.Features.Plans.TaskBoardQueries.PageAsync(db, new(PlanId: plan, Criterion: chosen.Key), today, 1, 1000))!.Total;
        }
        var page = await fx.OpenAsync($"/tasks?plan={plan}");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("bộ:mã");
        await page.Locator("[data-testid=pick-criterion-search] input, input[data-testid=pick-criterion-search]").First.FillAsync(chosen.Name);
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = chosen.Name }).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("criterion=" + Regex.Escape(Uri.EscapeDataString(chosen.Key))));
        await Assertions.Expect(page.GetByTestId("pick-criterion").GetByTestId("chip")).ToContainTextAsync(chosen.Name);
        await Assertions.Expect(page.GetByTestId("count")).ToHaveTextAsync(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(expected > 0);

        // Removing the chip takes the filter away.
        await page.GetByTestId("pick-criterion").GetByTestId("chip").Locator(".mud-chip-close-button").ClickAsync();
        await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("criterion="));
    }

    [Fact]
    public async Task Accountability_page_lists_heads_and_offers_Excel()
    {
        var page = await fx.OpenAsync("/accountability?asOf=2024-07-01&size=1000");
        await Assertions.Expect(page.GetByTestId("heads")).ToContainTextAsync("Thủ trưởng Sở Nội vụ");
        await Assertions.Expect(page.GetByTestId("xlsx")).ToHaveAttributeAsync("href", new Regex("/api/accountability.xlsx\\?asOf=2024-07-01"));
    }

    [Fact]
    public async Task Calendar_shows_deadlines_of_the_month_with_the_iCal_link()
    {
        var page = await fx.OpenAsync("/tasks/calendar?unit=SNV&m=2024-05&asOf=2024-05-01");
        await Assertions.Expect(page.Locator("[data-testid=calendar] td[data-date='2024-05-31']")).ToContainTextAsync("Sở Nội vụ");
        await Assertions.Expect(page.GetByTestId("ical")).ToHaveAttributeAsync("href", "/api/agencies/SNV/calendar.ics");
        // The address to subscribe to opens without signing in, as a calendar app fetches it.
        var subscribe = await page.GetByTestId("ical-subscribe").InnerTextAsync();
        Assert.StartsWith(fx.BaseUrl + "/api/agencies/SNV/calendar.ics?k=", subscribe);
        await using var app = await fx.Browser.NewContextAsync();
        var feed = await app.APIRequest.GetAsync(subscribe);
        Assert.Equal(200, feed.Status);
        Assert.StartsWith("BEGIN:VCALENDAR", await feed.TextAsync());
        Assert.Equal(401, (await app.APIRequest.GetAsync(fx.BaseUrl + "/api/agencies/SNV/calendar.ics")).Status);
    }
}
