using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The Content-Security-Policy (docs/decisions/0017) against the real pages in Chromium: every page of the route
/// table opened as an admin (the public ones as a visitor), the public survey form and the published rankings, none reporting a violation, and the
/// pages still working under the policy (the circuit comes up, MudBlazor's popovers open, the public form's script
/// runs).</summary>
[Collection("browser")]
public sealed class SecurityPolicyTests(BrowserFixture fx)
{
    readonly AssessmentSetup setup = new(fx);

    /// <summary>Collects what Chromium reports about the policy: the console's "Refused to …" lines and the
    /// securitypolicyviolation events of the document.</summary>
    sealed class Violations
    {
        public readonly List<string> Seen = [];

        public async Task WatchAsync(IBrowserContext context)
        {
            // Added through the DevTools protocol, so the policy under test does not apply to this script itself.
            await context.AddInitScriptAsync("""
                window.__csp = [];
                document.addEventListener('securitypolicyviolation', e =>
                    window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
                """);
            context.Console += (_, m) =>
            {
                if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal) || m.Text.StartsWith("Refused to", StringComparison.Ordinal))
                    lock (Seen) Seen.Add(m.Text);
            };
        }

        public async Task CollectAsync(IPage page, string path)
        {
            foreach (var v in await page.EvaluateAsync<string[]>("window.__csp || []")) lock (Seen) Seen.Add($"{path}: {v}");
        }
    }

    [Fact]
    public async Task Every_page_of_the_route_table_passes_the_policy_and_still_works()
    {
        var key = await setup.FrameworkAsync();
        var cycle = await setup.CycleAsync(key, "SNV");
        OpenRound round;
        int plan, questionnaire, task;
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            round = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
            plan = await db.Plans.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
            task = await db.PlanTasks.OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            questionnaire = await db.Questionnaires.Where(q => q.Key == "sipas").Select(q => q.Id).FirstAsync();
        }
        // A page with route values opens at the address given here; a new one fails the test until it is added.
        var addresses = new Dictionary<string, string>
        {
            ["/danh-gia/{Id:int}"] = $"/danh-gia/{cycle}",
            ["/danh-gia/{Id:int}/ban-do-nhiet"] = $"/danh-gia/{cycle}/ban-do-nhiet",
            ["/danh-gia/{Id:int}/don-vi/{UnitCode}"] = $"/danh-gia/{cycle}/don-vi/SNV",
            ["/danh-gia/{Id:int}/xep-hang"] = $"/danh-gia/{cycle}/xep-hang",
            ["/khung-chi-so/{Key}/{Label}/sua"] = $"/khung-chi-so/{key}/V1/sua",
            ["/plans/{Id:int}"] = $"/plans/{plan}",
            ["/tasks/{Id:int}"] = $"/tasks/{task}",
            ["/reports/{Unit}/{Year:int}/{Period}"] = "/reports/SNV/2024/Q1",
            ["/surveys/questionnaires/{Id:int}"] = $"/surveys/questionnaires/{questionnaire}",
            ["/surveys/rounds/{Id:int}"] = $"/surveys/rounds/{round.Id}",
            ["/surveys/rounds/{Id:int}/paper"] = $"/surveys/rounds/{round.Id}/paper",
            ["/surveys/rounds/{Id:int}/progress"] = $"/surveys/rounds/{round.Id}/progress",
            ["/surveys/rounds/{Id:int}/qr"] = $"/surveys/rounds/{round.Id}/qr",
            ["/surveys/rounds/{Id:int}/scores"] = $"/surveys/rounds/{round.Id}/scores",
        };
        var pages = fx.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: e.RoutePattern.RawText!, Component: e.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type))
            .Where(e => e.Component is not null).DistinctBy(e => e.Pattern).OrderBy(e => e.Pattern).ToList();
        var missing = pages.Where(p => p.Pattern.Contains('{') && !addresses.ContainsKey(p.Pattern)).Select(p => p.Pattern).ToList();
        Assert.True(missing.Count == 0, "No address for: " + string.Join(", ", missing));
        Assert.True(pages.Count >= 30, $"Only {pages.Count} pages in the route table");

        var violations = new Violations();
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN", StorageState = fx.SignedInState });
        await violations.WatchAsync(context);
        // Public pages (the login page, not found, error) as a visitor: opening the login page starts a new session.
        var visitor = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        await violations.WatchAsync(visitor);
        var failed = new List<string>();
        foreach (var (pattern, component) in pages)
        {
            var path = addresses.GetValueOrDefault(pattern, pattern);
            var anonymous = component!.IsDefined(typeof(AllowAnonymousAttribute), inherit: true);
            var page = await (anonymous ? visitor : context).NewPageAsync();
            var response = await page.GotoAsync(fx.BaseUrl + path);
            if (response is null || response.Status >= 500) failed.Add($"{path}: {response?.Status}");
            // Static pages (login, not allowed, not found, the QR sheet) have no circuit, nor has a visitor (the circuit's hub
            // needs a signed-in user); every other page must get one.
            var interactive = !anonymous && !component.IsDefined(typeof(ExcludeFromInteractiveRoutingAttribute), inherit: true);
            if (interactive)
                try { await page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached }); }
                catch (TimeoutException) { failed.Add($"{path}: never became interactive"); }
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await violations.CollectAsync(page, path);
            await page.CloseAsync();
        }

        // Under the policy a click still works: MudBlazor's select opens its popover and picking changes the page, and the
        // score link (once a javascript: address, which the policy refuses) opens the editor.
        var overview = await context.NewPageAsync();
        await overview.GotoAsync(fx.BaseUrl + "/overview?f=par-province&y=2023");
        await overview.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await overview.GetByTestId("pick-framework").ClickAsync();
        await overview.GetByRole(AriaRole.Option, new() { Name = "Chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)" }).ClickAsync();
        await Assertions.Expect(overview).ToHaveURLAsync(new Regex("f=papi"));
        await overview.GotoAsync(fx.BaseUrl + "/overview?f=par-province&y=2023");
        await overview.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await overview.Locator("tr[data-code='1.6'] a.edit-score").ClickAsync();
        await Assertions.Expect(overview.GetByTestId("score-editor")).ToBeVisibleAsync();
        await Assertions.Expect(overview).ToHaveURLAsync(new Regex("f=par-province"));
        await violations.CollectAsync(overview, "/ (clicks)");
        await context.DisposeAsync();
        await visitor.DisposeAsync();

        // The public pages, as a citizen: the form (its script, a static file, runs under the policy: sections and skip
        // rules) and the rankings.
        var citizen = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        await violations.WatchAsync(citizen);
        var form = await citizen.NewPageAsync();
        var formResponse = await form.GotoAsync($"{fx.BaseUrl}/khao-sat/{round.Id}/{round.Unit}?g=citizens&d=HS-CSP-0001");
        Assert.Equal("no-referrer", await formResponse!.HeaderValueAsync("referrer-policy"));
        await Assertions.Expect(form.Locator("#progress-text")).ToContainTextAsync("Phần 1/");
        await form.Locator("#q-A8").GetByLabel("Không").CheckAsync();
        Assert.True(await form.Locator("#q-2\\.1\\.4").EvaluateAsync<bool>("q => q.hidden"), "the skip rule did not hide 2.1.4");
        await violations.CollectAsync(form, "/khao-sat");
        foreach (var path in new[] { "/xep-hang", $"/xep-hang/{cycle}" })
        {
            var page = await citizen.NewPageAsync();
            await page.GotoAsync(fx.BaseUrl + path);
            await violations.CollectAsync(page, path);
        }
        await citizen.DisposeAsync();

        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.True(violations.Seen.Count == 0, $"{violations.Seen.Count} violations on {pages.Count} pages:\n" + string.Join("\n", violations.Seen.Distinct()));
    }
}
