using System.Text.RegularExpressions;
using ChiSo;
using ChiSo.Features.Plans;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

[Collection("browser")]
public sealed class PlanTests(BrowserFixture fx)
{
    // A save reloads the whole plan with its criteria's scores: on a machine shared with other runs it can take a while.
    static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 40_000 };

    // MudBlazor puts a field's extra attributes on its root or on the input, depending on the component.
    static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]").First;

    [Fact]
    public async Task A_plan_drafted_from_PAR_2023_gaps_is_edited_and_issued()
    {
        // The default deadline lies ahead of today, whatever the year the draft is drawn from.
        var today = TaskBoard.Today(TimeProvider.System);
        var deadline = DraftFromGaps.DefaultDeadline(2024, today);
        var due = Deadline.Parse(deadline, 2024).Due!.Value;
        Assert.True(due > today);

        var page = await fx.OpenAsync("/plans/draft?f=par-province&y=2023");
        var preview = page.Locator("[data-testid=draft-tasks] tr[data-code='2.4.1']");
        await Assertions.Expect(preview).ToContainTextAsync("Sở Tư pháp");
        await Assertions.Expect(preview).ToContainTextAsync("0,19");
        await Assertions.Expect(page.Locator("[data-testid=draft-tasks] tr[data-code='1.3']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("draft-totals")).ToContainTextAsync("Điểm bị mất = tổng (điểm tối đa − kết quả 2023)");

        await page.GetByTestId("create-draft").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/plans/\d+$"));
        await Assertions.Expect(page.GetByTestId("plan-status")).ToContainTextAsync("Dự thảo");
        var row = page.Locator("tr[data-testid=task-row]", new() { HasText = "2.4.1" });
        await Assertions.Expect(row).ToContainTextAsync("Sở Tư pháp");
        await Assertions.Expect(row).ToContainTextAsync(deadline);
        await Assertions.Expect(row.GetByTestId("understood")).ToHaveTextAsync($"Hạn {ViText.Date(due)}");
        await Assertions.Expect(page.GetByTestId("past-deadlines")).ToHaveCountAsync(0);

        // Inline edit: the deadline text is read again; one already past is listed before issue.
        await row.GetByTestId("edit-task").ClickAsync();
        var edited = Input(page, "edit-deadline");
        await edited.FillAsync("Tháng 6/2024");
        await edited.PressAsync("Tab");
        await page.GetByTestId("save-task").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-message")).ToContainTextAsync("Đã lưu nhiệm vụ", Slow);
        await Assertions.Expect(row.GetByTestId("understood")).ToHaveTextAsync("Hạn 30/06/2024");
        var past = page.GetByTestId("past-deadlines");
        await Assertions.Expect(past).ToContainTextAsync("1 nhiệm vụ có hạn trước ngày ban hành");
        await Assertions.Expect(past).ToContainTextAsync("Tháng 6/2024");

        var number = Input(page, "issue-number");
        await number.FillAsync("77/KH-UBND");
        await number.PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("issue")).ToBeDisabledAsync();
        await page.GetByTestId("confirm-past").ClickAsync();
        await page.GetByTestId("issue").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Ban hành" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-status")).ToContainTextAsync("Đã ban hành", Slow);
        await Assertions.Expect(page.GetByTestId("plan-number")).ToContainTextAsync("77/KH-UBND");
        await Assertions.Expect(page.GetByTestId("add-task")).ToHaveCountAsync(0);

        var list = await fx.OpenAsync("/plans");
        await Assertions.Expect(list.GetByTestId("plans")).ToContainTextAsync("77/KH-UBND");
    }

    [Fact]
    public async Task A_task_is_added_with_agencies_and_a_criterion_picked_by_name_then_removed()
    {
        var page = await fx.OpenAsync("/plans/draft?f=par-province&y=2023");
        await page.GetByTestId("create-draft").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/plans/\d+$"));

        await page.GetByTestId("add-task").ClickAsync();
        var form = page.GetByTestId("task-add");
        await Input(form.Page, "edit-number").FillAsync("90");
        await form.Locator("[data-testid=edit-description] textarea, textarea[data-testid=edit-description]").First.FillAsync("Tập huấn kỹ năng rà soát văn bản cho công chức pháp chế");
        await Pick(page, "edit-lead-search", "tu phap", "Sở Tư pháp");
        await Pick(page, "edit-cooperating-search", "noi vu", "Sở Nội vụ");
        await Pick(page, "edit-criteria-search", "2.4.1", "2.4.1");
        await Assertions.Expect(form.GetByTestId("edit-lead").GetByTestId("chip")).ToHaveTextAsync("Sở Tư pháp");
        await page.GetByTestId("save-task").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-message")).ToContainTextAsync("Đã thêm nhiệm vụ 90", Slow);

        var row = page.Locator("tr[data-testid=task-row][data-number='90']");
        await Assertions.Expect(row).ToContainTextAsync("Sở Tư pháp");
        await Assertions.Expect(row).ToContainTextAsync("Sở Nội vụ");
        await Assertions.Expect(row.GetByTestId("task-criterion")).ToContainTextAsync("2.4.1");

        await row.GetByTestId("remove-task").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Bỏ nhiệm vụ" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-message")).ToContainTextAsync("Đã bỏ nhiệm vụ 90", Slow);
        await Assertions.Expect(row).ToHaveCountAsync(0);
    }

    /// <summary>Types into a picker and clicks the suggestion that holds the text.</summary>
    static async Task Pick(IPage page, string testId, string typed, string choice)
    {
        await Input(page, testId).FillAsync(typed);
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = choice }).First.ClickAsync();
    }
}
