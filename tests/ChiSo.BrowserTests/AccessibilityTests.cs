using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>axe-core (vendored in axe/, see its README) on every page each role can reach, the public pages as a
/// citizen: no violation of impact "serious" or "critical". Lesser findings ("moderate", "minor") are not counted.</summary>
[Collection("browser")]
public sealed class AccessibilityTests(BrowserFixture fx)
{
    static readonly Lazy<string> Axe = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js")));

    /// <summary>The serious and critical violations axe finds in the page as it is now, one line each.</summary>
    internal static async Task<string[]> ViolationsAsync(IPage page)
    {
        // Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not refuse it.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync("() => {\n" + Axe.Value + "\n}");
        return await page.EvaluateAsync<string[]>("""
            async () => {
                const r = await axe.run(document, { resultTypes: ['violations'] });
                // Each kind of element once (rows of a table differ only by position), with axe's reason: the colours for contrast.
                const where = v => [...new Set(v.nodes.map(n => n.target.join(' ').replace(/:nth-child\(\d+\)/g, '')
                    + ' [' + ((n.failureSummary || '').match(/foreground color: [^,]+, background color: [^,]+/) || [(n.failureSummary || '').split('\n')[1] || ''])[0] + ']'))];
                return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id} (${v.impact}, ${v.nodes.length}×): ` + where(v).slice(0, 6).join(' | '));
            }
            """);
    }

    [Fact]
    public async Task Every_page_each_role_reaches_has_no_serious_or_critical_violation()
    {
        // Its own round (open, with a sample plan) and cycle (open, SNV and STP): not whichever earlier tests left, in whatever
        // state they left them, so that the same pages are checked alone and in the suite.
        OpenRound round;
        int cycle;
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            round = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
            cycle = (await RoleControlsTests.NewCycleAsync(db, "Kỳ thử truy cập")).Id;
            var opened = await new AssessmentService(db, TimeProvider.System).OpenCycleAsync(cycle, Actor.Cli());
            Assert.True(opened.Ok, opened.Error);
        }
        var pages = await RoleControlsTests.EveryPageAsync(fx, round.Id, cycle);
        var found = new List<string>();
        var seen = new HashSet<string>();
        var admin = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN", StorageState = fx.SignedInState });
        var signedIn = new List<(string Role, IPage Page)> { ("admin", await admin.NewPageAsync()) };
        foreach (var role in new[] { RoleControlsTests.Leader, RoleControlsTests.Editor, RoleControlsTests.Institute })
            signedIn.Add((role.RoleName, await RoleControlsTests.SignedInAsync(fx, role)));
        foreach (var (role, page) in signedIn)
        {
            page.SetDefaultTimeout(60_000);
            foreach (var (path, isStatic) in pages)
            {
                await page.GotoAsync(fx.BaseUrl + path);
                // A refused page sends the role to the one "no permission" page: checked once.
                var refused = page.Url.Contains("/khong-co-quyen", StringComparison.Ordinal) || page.Url.Contains("/dang-nhap", StringComparison.Ordinal);
                if (refused && !seen.Add(new Uri(page.Url).AbsolutePath)) continue;
                if (!isStatic && !refused)
                {
                    try { await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 }); }
                    catch (TimeoutException) { found.Add($"{role} {path}: never became interactive"); continue; }
                    await Assertions.Expect(page.Locator(".mud-progress-indeterminate")).ToHaveCountAsync(0);
                }
                foreach (var v in await ViolationsAsync(page)) found.Add($"{role} {path}: {v}");
            }
            await page.Context.CloseAsync();
        }

        // The public pages, as a citizen: the survey form, the thank-you page, the login page, the published rankings.
        var citizen = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        var visitor = await citizen.NewPageAsync();
        foreach (var path in new[] { $"/khao-sat/{round.Id}/{round.Unit}?g=citizens&d=HS-AXE-0001", "/khao-sat/cam-on", "/dang-nhap", "/xep-hang" })
        {
            await visitor.GotoAsync(fx.BaseUrl + path);
            foreach (var v in await ViolationsAsync(visitor)) found.Add($"citizen {path}: {v}");
        }
        // The form refused with messages beside the questions.
        await visitor.GotoAsync($"{fx.BaseUrl}/khao-sat/{round.Id}/{round.Unit}?g=citizens&d=HS-AXE-0002");
        await visitor.Locator("#survey").EvaluateAsync("f => f.submit()");
        await Assertions.Expect(visitor.Locator("#loi")).ToBeVisibleAsync();
        foreach (var v in await ViolationsAsync(visitor)) found.Add($"citizen form refused: {v}");
        await citizen.CloseAsync();

        Assert.True(found.Count == 0, $"{found.Count} serious or critical violations:\n" + string.Join("\n", found));
    }
}
