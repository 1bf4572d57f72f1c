using System.Reflection;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Surveys;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>
/// The controls a role may not use are not on any page. Every control that changes data carries
/// <c>data-action="…"</c>, the kind of change; the pages show it only to whom the service's rule allows it (the service
/// refuses the others anyway). A leader, a unit editor and the survey institute open every page of the app, and the
/// kinds of change each sees must be among the ones the table below gives that role.
/// </summary>
[Collection("browser")]
public sealed class RoleControlsTests(BrowserFixture fx)
{
    internal sealed record Role(string UserName, string Display, string RoleName, string? Unit, string[] Actions);

    // Anyone signed in may comment on a task they can read, keep their own views of the task pages and mark their own
    // notices read (notice-read changes nothing but the user's own bookkeeping).
    static readonly string[] Everyone = ["task-comment", "filter-save", "notice-read"];
    internal static readonly Role Leader = new("lanh.dao.nut", "Lãnh đạo thử", Roles.Leader, null, Everyone);
    internal static readonly Role Editor = new("can.bo.snv.nut", "Cán bộ Sở Nội vụ", Roles.UnitEditor, "SNV",
        ["task-progress", "report-file", "assessment-self", "assessment-explain", .. Everyone]);
    internal static readonly Role Institute = new("vien.nut", "Viện thử", Roles.SurveyInstitute, null, ["survey-manage", .. Everyone]);

    Task<IPage> SignedInAsync(Role role) => SignedInAsync(fx, role);

    internal static async Task<IPage> SignedInAsync(BrowserFixture fx, Role role)
    {
        int? unit = null;
        if (role.Unit is { } code)
        {
            await using var scope = fx.Services.CreateAsyncScope();
            unit = await scope.ServiceProvider.GetRequiredService<ChiSoDb>().Units.Where(u => u.Code == code).Select(u => (int?)u.Id).FirstAsync();
        }
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        await TestSignIn.SignInAsync(context, fx, role.UserName, role.Display, unit, role.RoleName);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return page;
    }

    static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]").First;

    [Theory]
    [InlineData("leader")]
    [InlineData("editor")]
    public async Task The_framework_editor_lets_a_leader_or_a_unit_editor_read_but_change_nothing(string who)
    {
        var page = await SignedInAsync(who == "leader" ? Leader : Editor);
        await page.GotoAsync(fx.BaseUrl + "/khung-chi-so/city-par-communes/2025/sua");
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var tree = page.GetByTestId("editor-tree");
        await Assertions.Expect(tree.Locator("tr[data-code='8.3']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("editor-read-only")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("add-root")).ToHaveCountAsync(0);

        // Choosing a criterion opens no form: there is nothing to save, add or delete.
        await tree.Locator("tr[data-code='8.3']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("criterion-editor")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-action]")).ToHaveCountAsync(0);
        await Assertions.Expect(Input(page, "field-max")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    /// <summary>Every page of the app with values for its parameters: a plan, a round, a cycle with SNV and STP, a questionnaire.</summary>
    /// <param name="round">The round whose pages are visited; by default the first there is (or a new one).</param>
    /// <param name="cycle">The cycle whose pages are visited, with SNV and STP; by default the first there is (or a new one).</param>
    internal static async Task<List<(string Path, bool Static)>> EveryPageAsync(BrowserFixture fx, int? round = null, int? cycle = null)
    {
        await using var scope = fx.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        var plan = await db.Plans.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        var questionnaire = await db.Questionnaires.Where(q => q.Key == "sipas").Select(q => q.Id).FirstAsync();
        round ??= await db.SurveyRounds.Select(r => (int?)r.Id).FirstOrDefaultAsync()
            ?? (await Rounds.CreateAsync(db, new RoundRequest(2026, "Đợt thử nút", questionnaire, new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 30)), Actor.Cli())).Value;
        // Another test may have made a cycle with SNV alone: the refusal check needs STP, another unit, in the same cycle.
        cycle ??= await db.Cycles.Where(c => c.Units.Any(u => u.Unit!.Code == "SNV") && c.Units.Any(u => u.Unit!.Code == "STP")).Select(c => (int?)c.Id).FirstOrDefaultAsync()
            ?? (await NewCycleAsync(db, "Kỳ thử nút")).Id;

        var values = new Dictionary<string, string>
        {
            ["/plans/{Id:int}"] = $"/plans/{plan}",
            ["/surveys/questionnaires/{Id:int}"] = $"/surveys/questionnaires/{questionnaire}",
            ["/danh-gia/{Id:int}/don-vi/{UnitCode}"] = $"/danh-gia/{cycle}/don-vi/SNV",
            ["/khung-chi-so/{Key}/{Label}/sua"] = "/khung-chi-so/city-par-communes/2025/sua",
            ["/reports/{Unit}/{Year:int}/{Period}"] = "/reports/SNV/2026/Q1",
            ["/tasks/{Id:int}"] = $"/tasks/{await db.PlanTasks.OrderBy(t => t.Id).Select(t => t.Id).FirstAsync()}",
        };
        // Static pages (no circuit: login, errors, the QR sheet) have no interactive marker to wait for.
        var templates = typeof(ChiSo.Web.Components.App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (r.Template, Static: t.GetCustomAttribute<ExcludeFromInteractiveRoutingAttribute>() is not null)))
            .Distinct().OrderBy(t => t.Template, StringComparer.Ordinal).ToList();
        var pages = new List<(string, bool)>();
        foreach (var (t, isStatic) in templates)
        {
            if (values.TryGetValue(t, out var path)) pages.Add((path, isStatic));
            else if (t.StartsWith("/surveys/rounds/{Id:int}", StringComparison.Ordinal)) pages.Add((t.Replace("{Id:int}", round.ToString()), isStatic));
            else if (t.StartsWith("/danh-gia/{Id:int}", StringComparison.Ordinal)) pages.Add((t.Replace("{Id:int}", cycle.ToString()), isStatic));
            else if (!t.Contains('{')) pages.Add((t, isStatic || t is "/Error"));
            else Assert.Fail($"No sample address for the page {t}: add one to this test.");
        }
        // A unit's own day and another unit's report: the editor files for SNV only.
        pages.Add(("/my-tasks?unit=SNV", false));
        pages.Add(("/my-tasks?unit=STP", false));
        pages.Add(("/reports/STP/2026/Q1", false));
        pages.Add(($"/danh-gia/{cycle}/don-vi/STP", false));
        return pages;
    }

    /// <summary>A draft cycle of 2026 for SNV and STP, the departments' index of 2025.</summary>
    internal static async Task<CycleSummary> NewCycleAsync(ChiSoDb db, string name) =>
        (await new AssessmentService(db, TimeProvider.System).CreateCycleAsync(new CycleSpec(2026, name, new DateTime(2026, 12, 22, 16, 59, 59, DateTimeKind.Utc),
            new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7, [new GroupSpec("Sở", "city-par-departments", "2025", ["SNV", "STP"])]), Actor.Cli())).Value;

    [Fact]
    public async Task Each_role_sees_only_the_changes_it_may_make_on_every_page()
    {
        var pages = await EveryPageAsync(fx);
        // And the controls a role may use are there: the check is not passed by pages that show nothing.
        var expected = new HashSet<(string, string, string)>
        {
            (Roles.UnitEditor, "/my-tasks?unit=SNV", "task-progress"), (Roles.UnitEditor, "/reports/SNV/2026/Q1", "report-file"),
            (Roles.SurveyInstitute, "/surveys/rounds", "survey-manage"),
            (Roles.Leader, "/tasks", "filter-save"), (Roles.UnitEditor, "/tasks/board", "filter-save"),
        };
        var wrong = new List<string>();
        foreach (var role in new[] { Leader, Editor, Institute })
        {
            var page = await SignedInAsync(role);
            foreach (var (path, isStatic) in pages)
            {
                await page.GotoAsync(fx.BaseUrl + path);
                // Pages the role may not open send it to the "no permission" page, which is static.
                if (!isStatic && !page.Url.Contains("/khong-co-quyen", StringComparison.Ordinal) && !page.Url.Contains("/dang-nhap", StringComparison.Ordinal))
                {
                    try { await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 }); }
                    catch (TimeoutException) { wrong.Add($"{role.RoleName}: {path} ({page.Url}) never became interactive"); continue; }
                    // Let the page's data arrive (its loading bar goes) before looking at its controls.
                    await Assertions.Expect(page.Locator(".mud-progress-indeterminate")).ToHaveCountAsync(0);
                }
                var shown = await page.Locator("[data-action]").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('data-action'))");
                // "/" and "/my-tasks" send a unit editor to its own unit's tasks.
                var own = path is "/" or "/my-tasks?unit=SNV" or "/my-tasks" or "/reports/SNV/2026/Q1" or "/thong-bao" || path.EndsWith("/don-vi/SNV", StringComparison.Ordinal);
                foreach (var (_, _, action) in expected.Where(e => e.Item1 == role.RoleName && e.Item2 == path))
                    if (!shown.Contains(action)) wrong.Add($"{role.RoleName} does not see '{action}' on {path}");
                // Another unit's assessment, opened by its address, is refused with the service's reason on the page.
                if (role == Editor && path.EndsWith("/don-vi/STP", StringComparison.Ordinal))
                {
                    // The refusal comes with the page's data (after the circuit starts): wait for it, not just look.
                    try { await page.GetByTestId("access-denied").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 }); }
                    catch (TimeoutException)
                    {
                        var text = await page.Locator("main").InnerTextAsync();
                        wrong.Add($"{role.RoleName} opens {path} ({page.Url}) without the refusal; it shows: {text[..Math.Min(400, text.Length)]}");
                    }
                }
                foreach (var action in shown.Distinct())
                {
                    var allowed = role.Actions.Contains(action) && (role != Editor || own || Everyone.Contains(action));
                    if (!allowed) wrong.Add($"{role.RoleName} sees '{action}' on {path}");
                }
            }
            await page.Context.CloseAsync();
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
