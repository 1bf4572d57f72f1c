using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The leaders' dashboard fits a laptop and a phone: nothing wider than the window, chart labels legible, the
/// tiles lead to their pages.</summary>
[Collection("browser")]
public sealed class LeaderDashboardTests(BrowserFixture fx)
{
    [Theory]
    [InlineData(1366, 768)]
    [InlineData(390, 844)]
    public async Task The_dashboard_fits_the_window_with_legible_charts(int width, int height)
    {
        var page = await fx.OpenAsync("/");
        await page.SetViewportSizeAsync(width, height);
        await Assertions.Expect(page.GetByTestId("tile-par-province")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tile-overdue")).ToBeVisibleAsync();

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the {width} px window");

        // The smallest text of the trend lines and of the bars, as drawn on the screen.
        // The charts take their width once the layout settles (the side menu closing on a phone): wait for legible text,
        // then name the smallest if it never comes.
        const string Smallest = @"() => [
            ...[...document.querySelectorAll('svg.chart text')].map(t => ({ Px: t.getBoundingClientRect().height, Text: t.textContent, Chart: t.closest('svg').getAttribute('aria-label') })),
            ...[...document.querySelectorAll('.bar-label, .bar-tick')].map(e => ({ Px: parseFloat(getComputedStyle(e).fontSize), Text: e.textContent, Chart: 'bars' }))]
            .filter(x => x.Px > 0).sort((a, b) => a.Px - b.Px)[0]";
        try { await page.WaitForFunctionAsync($"() => ({Smallest})().Px >= 8", null, new() { Timeout = 10_000 }); }
        catch (TimeoutException) { }
        var smallest = await page.EvaluateAsync<SmallText>(Smallest);
        Assert.True(smallest.Px >= 8, $"chart text \"{smallest.Text}\" of \"{smallest.Chart}\" is {smallest.Px:0.#} px high at {width} px");

        // Every tile's title leads somewhere.
        var titles = await page.Locator(".dash-tile .dash-title a").CountAsync();
        Assert.True(titles >= 6, $"{titles} tile titles are links");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bar_of_points_at_stake_opens_the_criteria_that_agency_leads()
    {
        var page = await fx.OpenAsync("/");
        var bar = page.GetByTestId("tile-at-stake").Locator(".bar-label a").First;
        var agency = (await bar.InnerTextAsync()).Trim();
        await bar.ClickAsync();
        await Assertions.Expect(page.GetByTestId("lead-filter")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("gap-criteria")).ToContainTextAsync(agency);
        await page.Context.CloseAsync();
    }

    sealed class SmallText { public double Px { get; set; } public string Text { get; set; } = ""; public string? Chart { get; set; } }
}
