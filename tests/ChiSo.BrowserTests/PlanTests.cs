using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

[Collection("browser")]
public sealed class PlanTests(BrowserFixture fx)
{
    // MudBlazor puts a field's extra attributes on its root or on the input, depending on the component.
    static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]").First;

    [Fact]
    public async Task A_plan_drafted_from_PAR_2023_gaps_is_edited_and_issued()
    {
        var page = await fx.OpenAsync("/plans/draft?f=par-province&y=2023");
        var preview = page.Locator("[data-testid=draft-tasks] tr[data-code='2.4.1']");
        await Assertions.Expect(preview).ToContainTextAsync("Sở Tư pháp");
        await Assertions.Expect(preview).ToContainTextAsync("0,19");
        await Assertions.Expect(page.Locator("[data-testid=draft-tasks] tr[data-code='1.3']")).ToHaveCountAsync(0);

        await page.GetByTestId("create-draft").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/plans/\d+$"));
        await Assertions.Expect(page.GetByTestId("plan-status")).ToContainTextAsync("Dự thảo");
        var row = page.Locator("tr[data-testid=task-row]", new() { HasText = "2.4.1" });
        await Assertions.Expect(row).ToContainTextAsync("Sở Tư pháp");
        await Assertions.Expect(row).ToContainTextAsync("Quý III/2024");
        await Assertions.Expect(row.GetByTestId("understood")).ToHaveTextAsync("Hạn 30/09/2024");

        // Inline edit: the deadline text is read again.
        await row.GetByTestId("edit-task").ClickAsync();
        var deadline = Input(page, "edit-deadline");
        await deadline.FillAsync("Tháng 6/2024");
        await deadline.PressAsync("Tab");
        await page.GetByTestId("save-task").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-message")).ToContainTextAsync("Đã lưu nhiệm vụ");
        await Assertions.Expect(row.GetByTestId("understood")).ToHaveTextAsync("Hạn 30/06/2024");

        var number = Input(page, "issue-number");
        await number.FillAsync("77/KH-UBND");
        await number.PressAsync("Tab");
        await page.GetByTestId("issue").ClickAsync();
        await Assertions.Expect(page.GetByTestId("plan-status")).ToContainTextAsync("Đã ban hành");
        await Assertions.Expect(page.GetByTestId("plan-number")).ToContainTextAsync("77/KH-UBND");

        var list = await fx.OpenAsync("/plans");
        await Assertions.Expect(list.GetByTestId("plans")).ToContainTextAsync("77/KH-UBND");
    }
}
