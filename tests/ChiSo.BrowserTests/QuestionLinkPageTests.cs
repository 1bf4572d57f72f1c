using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The questionnaire page shows each question's links to criteria and lets the standing agency change them
/// (decision 0020): a link to a criterion the version lacks is refused in Vietnamese, a good one is saved.</summary>
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

        await page.GetByTestId("edit-links-E3").ClickAsync();
        var text = page.Locator("[data-testid=links-text] textarea, textarea[data-testid=links-text]").First;
        await text.FillAsync("city-par-departments@2025-5666:8.4.1; city-par-communes@2025-5666:9.9");
        await text.PressAsync("Tab");
        await page.GetByTestId("save-links-E3").ClickAsync();
        await Assertions.Expect(cell).ToContainTextAsync("không có tiêu chí '9.9'");

        await text.FillAsync("city-par-departments@2025-5666:8.4.1; city-par-communes@2025-5666:8.4");
        await text.PressAsync("Tab");
        await page.GetByTestId("save-links-E3").ClickAsync();
        await Assertions.Expect(cell.Locator("[title='city-par-communes@2025-5666:8.4']")).ToContainTextAsync("Tác động của CCHC");
        await Assertions.Expect(page.GetByTestId("edit-links-E3")).ToBeVisibleAsync();
    }
}
