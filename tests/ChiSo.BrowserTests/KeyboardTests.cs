using System.Text.RegularExpressions;
using ChiSo.Features.Accounts;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The keyboard alone reaches the main controls of the assessment page and the task board (the public form's
/// keyboard path is in SurveyFormTests).</summary>
[Collection("browser")]
public sealed class KeyboardTests(BrowserFixture fx)
{
    /// <summary>Presses Tab until the focused element matches the script's test; false after <paramref name="limit"/> presses.</summary>
    static async Task<bool> TabToAsync(IPage page, string test, int limit = 150)
    {
        for (var i = 0; i < limit; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => {{ const e = document.activeElement; return !!e && e !== document.body && ({test}); }}")) return true;
        }
        return false;
    }

    [Fact]
    public async Task The_assessment_page_is_answered_from_the_keyboard()
    {
        var setup = new AssessmentSetup(fx);
        var key = await setup.FrameworkAsync();
        var id = await setup.CycleAsync(key, "SNV");
        var unitId = await setup.UnitIdAsync("SNV");
        var page = await fx.OpenAsync($"/danh-gia/{id}/don-vi/SNV",
            c => TestSignIn.SignInAsync(c, fx, "phim-" + key, "Trần Văn Phím", unitId, Roles.UnitEditor));
        await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("0/4");

        Assert.True(await TabToAsync(page, "e.matches('input, textarea') && !!e.closest(\"[data-testid=criterion][data-code='1.1']\")"),
            "Tab never reached the answer of criterion 1.1");
        await page.Keyboard.TypeAsync("1,5");
        Assert.True(await TabToAsync(page, "!!e.closest(\"[data-testid=criterion][data-code='1.2']\")"), "Tab never reached criterion 1.2");
        // Evidence is attached beside the criterion: its "Đính kèm" button is on the keyboard path too.
        Assert.True(await TabToAsync(page, "e.matches('[data-testid=attach]') && !!e.closest(\"[data-testid=criterion][data-code='1.2']\")"), "Tab never reached the evidence button of criterion 1.2");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_task_board_is_filtered_and_searched_from_the_keyboard()
    {
        var page = await fx.OpenAsync("/tasks");
        await Assertions.Expect(page.GetByTestId("board")).ToBeVisibleAsync();
        var all = int.Parse(await page.GetByTestId("count").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(await TabToAsync(page, "!!e.closest('[data-testid=pick-plan]')"), "Tab never reached the plan filter");
        Assert.True(await TabToAsync(page, "!!e.closest('[data-testid=pick-unit]')"), "Tab never reached the agency filter");
        Assert.True(await TabToAsync(page, "!!e.closest('[data-testid=task-search]')"), "Tab never reached the search");
        await page.Keyboard.TypeAsync("so noi vu");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("q=so(%20|\\+)noi(%20|\\+)vu"));
        await Assertions.Expect(page.GetByTestId("count")).Not.ToHaveTextAsync(all.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("[data-testid=board] tr[data-task-id]").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
