using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The questionnaire page shows each question's links to criteria and lets the standing agency change them
/// (decision 0020): a framework version is chosen, then its criteria by name, and the links are saved.</summary>
[Collection("browser")]
public sealed class QuestionLinkPageTests(BrowserFixture fx)
{
    [Fact]
    public async Task A_questions_links_are_edited_on_the_questionnaire_page_and_a_bad_one_is_refused()
    {
        int id;
        await using (var scope = fx.Services.CreateAsyncScope())
            id = await scope.ServiceProvider.GetRequiredService<ChiSoDb>().Questionnaires.Where(q => q.Key == "city-par-sociological").Select(q => q.Id).FirstAsync();
        var page = await fx.OpenAsync($"/surveys/questionnaires/{id}");
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var cell = page.GetByTestId("links-E3");
        // A link reads as the criterion's name and code; its key is the title, for whoever edits the links as text.
        await Assertions.Expect(cell).ToContainTextAsync("Tác động đến môi trường đầu tư, kinh doanh 8.4.1");
        await Assertions.Expect(cell.Locator("[title='city-par-departments@2025-5666:8.4.1']")).ToHaveCountAsync(1);

        // Links are picked: the framework version first, then criteria of that version by name or code.
        await page.GetByTestId("edit-links-E3").ClickAsync();
        var picker = page.GetByTestId("links-pick");
        await Assertions.Expect(picker.GetByTestId("chip")).ToContainTextAsync("8.4.1");
        await page.GetByTestId("links-version").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex("^Chỉ số CCHC UBND cấp xã.*2025-5666$") }).ClickAsync();
        await picker.Locator("input").First.FillAsync("tac dong cua cchc");
        // Only the chosen version's criteria are offered.
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").First).ToContainTextAsync("2025-5666");
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasNotText = "cấp xã" })).ToHaveCountAsync(0);
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "8.4 Tác động của CCHC" }).First.ClickAsync();
        await Assertions.Expect(picker.GetByTestId("chip")).ToHaveCountAsync(2);
        await page.GetByTestId("save-links-E3").ClickAsync();
        await Assertions.Expect(cell.Locator("[title='city-par-communes@2025-5666:8.4']")).ToContainTextAsync("Tác động của CCHC");
        await Assertions.Expect(cell.Locator("[title='city-par-departments@2025-5666:8.4.1']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("edit-links-E3")).ToBeVisibleAsync();
    }
}
