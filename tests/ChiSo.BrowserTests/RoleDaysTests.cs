using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static ChiSo.BrowserTests.AssessmentTests;
using static Microsoft.Playwright.Assertions;

namespace ChiSo.BrowserTests;

/// <summary>Issue 12's walk: each role's working day through the real pages, on a laptop (1366 px) and on a phone
/// (390 px), on the shared seeded app. At each step something a user would check (a heading, a number, a row); on the
/// phone the page is never wider than the screen and the controls used are on screen and take a tap (not covered by the
/// menu). Key pages are compared with the pictures stored under Screenshots/ (see <see cref="StoredScreenshots"/>).
/// Pictures are taken before the walk changes anything they show, of units no other test writes to (Sở Y tế, Sở Công
/// Thương, Sở Thông tin và Truyền thông), on dates fixed by ?asOf where the page has one.</summary>
[Collection("browser")]
public sealed class RoleDaysTests(BrowserFixture fx, ITestOutputHelper output)
{
    readonly AssessmentSetup setup = new(fx);

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task A_leaders_day_dashboard_drill_downs_gaps_history_and_a_units_tasks(int width)
    {
        await using var day = await Day.StartAsync(fx, width, RoleControlsTests.Leader);
        var page = day.Page;
        await day.GoAsync("/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Tổng hợp cho lãnh đạo");
        await Expect(page.GetByTestId("tile-par-province").GetByTestId("tile-result")).ToHaveTextAsync(new Regex(@"^\d+(,\d+)?"));
        await day.MenuIsClosedAsync();
        // The city indices have figures once a test publishes a cycle: left out of the picture, as the tiles of the moment.
        await StoredScreenshots.MatchAsync(page, $"dashboard-{width}", output, "[data-testid^=tile-city] { display: none !important; }",
            page.Locator(".dash-asof"), page.GetByTestId("bell"), page.GetByTestId("tile-overdue"), page.GetByTestId("tile-surveys"), page.GetByTestId("tile-cycle"));

        // A bar of points at stake: the criteria that agency leads.
        var bar = page.GetByTestId("tile-at-stake").Locator(".bar-label a").First;
        var agency = (await bar.InnerTextAsync()).Trim();
        await day.FollowAsync(bar);
        await Expect(page.GetByTestId("lead-filter")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("gap-criteria")).ToContainTextAsync(agency);

        // A bar of overdue tasks: that agency's overdue tasks.
        await day.GoAsync("/");
        var overdue = page.GetByTestId("tile-overdue").Locator(".bar-label a[href^='/tasks?unit=']").First;
        var unit = Regex.Match((await overdue.GetAttributeAsync("href"))!, "unit=([^&]+)").Groups[1].Value;
        await day.FollowAsync(overdue);
        await Expect(page).ToHaveURLAsync(new Regex($"/tasks\\?unit={Regex.Escape(unit)}&overdue=true$"));
        await Expect(page.Locator("[data-testid=board] tr[data-task-id]").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("count-overdue")).ToBeVisibleAsync();

        await day.MenuAsync("Điểm bị mất", "/gaps");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Điểm bị mất và đơn vị chủ trì");
        await Expect(page.GetByTestId("points-lost")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("by-lead")).ToBeVisibleAsync();

        await day.MenuAsync("Kết quả qua các năm", "/history");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Kết quả chung và xếp hạng qua các năm");
        await Expect(page.Locator("[data-testid=history-par-province] tbody tr").First).ToBeVisibleAsync();
        await day.ChartsReadableAsync();

        // The tasks of a unit the leader chooses, found by its name typed without diacritics; a leader files nothing.
        await day.MenuAsync("Nhiệm vụ của đơn vị", "/my-tasks");
        var pick = page.Locator("[data-testid=pick-unit] input, input[data-testid=pick-unit]").First;
        await day.UsableAsync(pick);
        await pick.FillAsync("so noi vu");
        await page.GetByRole(AriaRole.Option, new() { Name = "Sở Nội vụ", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/my-tasks\\?unit=SNV$"));
        await Expect(page.Locator("h1")).ToContainTextAsync("Sở Nội vụ");
        await Expect(page.Locator("[data-testid=my-tasks] tr[data-task-id]").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("file-progress")).ToHaveCountAsync(0);
        await day.FitsAsync();
    }

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task The_standing_agencys_day_task_list_board_task_page_timeline_accountability_notices_and_audit(int width)
    {
        var (plan, task) = await Scoped(async db => await db.PlanTasks
            .Where(t => t.Plan!.Number == "164/KH-UBND" && t.Plan.Year == 2024 && t.Agencies.Any(a => a.Unit!.Code == "STTTT" && a.Role == ChiSo.Features.Plans.AgencyRole.Lead))
            .OrderBy(t => t.Id).Select(t => ValueTuple.Create(t.PlanId, t.Id)).FirstAsync());
        await using var day = await Day.StartAsync(fx, width);
        var page = day.Page;

        await day.GoAsync("/tasks?unit=STTTT&asOf=2024-07-01&size=1000");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Danh sách nhiệm vụ");
        await Expect(page.GetByTestId("count")).ToContainTextAsync(new Regex(@"\d+"));
        await Expect(page.Locator($"[data-testid=board] tr[data-task-id='{task}']")).ToBeVisibleAsync();

        await day.MenuAsync("Bảng theo tình trạng", "/tasks/board");
        await day.GoAsync($"/tasks/board?plan={plan}&unit=STTTT&asOf=2024-07-01");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Bảng nhiệm vụ theo tình trạng");
        var card = page.Locator($"[data-testid=kanban] article[data-task-id='{task}']");
        await Expect(card).ToBeVisibleAsync();
        await StoredScreenshots.MatchAsync(page, $"board-{width}", output, page.GetByTestId("bell"));

        var link = card.GetByTestId("task-link");
        await day.FollowAsync(link);
        await Expect(page).ToHaveURLAsync(new Regex($"/tasks/{task}\\?asOf=2024-07-01$"));
        await Expect(page.GetByTestId("task-title")).ToContainTextAsync("Nhiệm vụ ");
        await Expect(page.GetByTestId("agencies")).ToContainTextAsync("Sở Thông tin và Truyền thông");
        await Expect(page.GetByTestId("deadline-text")).Not.ToBeEmptyAsync();
        await day.UsableAsync(page.GetByTestId("comment-text"));
        await StoredScreenshots.MatchAsync(page, $"task-{width}", output, page.GetByTestId("bell"));

        await day.MenuAsync("Tiến độ (Gantt)", "/tasks/timeline");
        await day.GoAsync($"/tasks/timeline?plan={plan}&asOf=2024-07-01");
        await Expect(page.Locator($"[data-testid=timeline] [data-task-id='{task}'] a")).ToBeVisibleAsync();

        await day.MenuAsync("Trách nhiệm thực hiện", "/accountability");
        await day.GoAsync("/accountability?asOf=2024-07-01");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Trách nhiệm thực hiện nhiệm vụ");
        await Expect(page.GetByTestId("heads")).ToContainTextAsync("Thủ trưởng Sở Thông tin và Truyền thông");
        await day.UsableAsync(page.GetByTestId("xlsx").First);

        // The bell leads to the notices; the admin has none of a unit's, or some: either way the page says which.
        await day.FollowAsync(page.GetByTestId("bell"));
        await Expect(page).ToHaveURLAsync(new Regex("/thong-bao$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Thông báo");
        await Expect(page.Locator("[data-testid=notices], [data-testid=notices-none]").First).ToBeVisibleAsync();

        await day.MenuAsync("Nhật ký thay đổi", "/audit");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Nhật ký thay đổi điểm");
        await Expect(page.Locator("[data-testid=audit] tbody tr").First).ToBeVisibleAsync();
        await day.UsableAsync(page.GetByTestId("audit-verify"));
    }

    [Theory]
    [InlineData(1366, "SYT")]
    [InlineData(390, "SCT")]
    public async Task A_unit_editor_reports_progress_with_a_file_and_answers_the_assessment_then_the_head_sends_it(int width, string unit)
    {
        var key = await setup.FrameworkAsync();
        var cycle = await setup.CycleAsync(key, unit);
        var name = await Scoped(db => db.Units.Where(u => u.Code == unit).Select(u => u.Name).SingleAsync());

        await using (var day = await Day.StartAsync(fx, width, new($"bientap-ngay-{unit.ToLowerInvariant()}", "Hoàng Thị Biên Tập", Roles.UnitEditor, unit, [])))
        {
            var page = day.Page;
            await day.MenuAsync("Nhiệm vụ của đơn vị", "/my-tasks");
            await Expect(page.Locator("h1")).ToHaveTextAsync($"Nhiệm vụ của đơn vị: {name}");
            await Expect(page.GetByTestId("pick-unit")).ToHaveCountAsync(0);
            var row = page.Locator("[data-testid=my-tasks] tr[data-task-id]").First;
            await Expect(row).ToBeVisibleAsync();
            // Days late and due dates move with the calendar.
            await StoredScreenshots.MatchAsync(page, $"my-tasks-{width}", output,
                page.GetByTestId("bell"), page.Locator("[data-testid=notice] > span:first-child"), page.Locator("[data-testid=my-tasks] [data-testid=due]"));

            var id = await row.GetAttributeAsync("data-task-id");
            await day.UsableAsync(row.GetByTestId("file-progress"));
            await row.GetByTestId("file-progress").ClickAsync();
            var form = page.GetByTestId("progress-form");
            await Expect(form).ToBeVisibleAsync();
            var percent = Input(form, "form-percent");
            await day.UsableAsync(percent);
            await Type(percent, "50");
            await Input(form, "form-text").FillAsync($"Đã trình dự thảo kế hoạch ({width} px)");
            await FileChoice.ChooseAsync(form.GetByTestId("form-files").Locator("input[type=file]"),
                new FilePayload { Name = $"du-thao-{unit}.pdf", MimeType = "application/pdf", Buffer = [.. TinyPdf(), .. System.Text.Encoding.ASCII.GetBytes($"% {unit}\n")] });
            await Expect(form.GetByTestId("picked-file")).ToContainTextAsync($"du-thao-{unit}.pdf");
            await day.UsableAsync(form.GetByTestId("form-submit"));
            await form.GetByTestId("form-submit").ClickAsync();
            await Expect(page.GetByTestId("filing-result")).ToContainTextAsync("50 %, 1 tệp minh chứng");
            await day.FitsAsync();

            // The report and its file on the task's page.
            await day.GoAsync($"/tasks/{id}");
            await Expect(page.GetByTestId("reports")).ToContainTextAsync($"Đã trình dự thảo kế hoạch ({width} px)");
            await Expect(page.GetByTestId("reports")).ToContainTextAsync($"du-thao-{unit}.pdf");

            // The unit's assessment: one answer typed and saved.
            await day.GoAsync($"/danh-gia/{cycle}/don-vi/{unit}");
            await Expect(page.Locator("h1")).ToHaveTextAsync(name);
            await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("0/4");
            var c12 = Card(page, "1.2");
            await day.UsableAsync(c12.GetByText("Có (1 điểm)"));
            await c12.GetByText("Có (1 điểm)").ClickAsync();
            await day.UsableAsync(page.GetByTestId("save-all"));
            await page.GetByTestId("save-all").ClickAsync();
            await Expect(c12.GetByTestId("item-saved")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("1/4");
            await Expect(page.GetByTestId("submit")).ToHaveCountAsync(0);
            await day.FitsAsync();
        }

        // The rest answered through the service the page calls; the head sends after confirming.
        await setup.AnswerAllAsync(cycle, unit);
        await using (var day = await Day.StartAsync(fx, width, new($"truong-ngay-{unit.ToLowerInvariant()}", "Vũ Văn Trưởng", Roles.UnitHead, unit, [])))
        {
            var page = day.Page;
            await day.GoAsync($"/danh-gia/{cycle}/don-vi/{unit}");
            await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("4/4");
            await day.UsableAsync(page.GetByTestId("submit"));
            await page.GetByTestId("submit").ClickAsync();
            await day.UsableAsync(page.GetByTestId("confirm-yes"));
            await page.GetByTestId("confirm-yes").ClickAsync();
            await Expect(page.GetByTestId("unit-done")).ToContainTextAsync("Đã gửi bản tự đánh giá");
            await Expect(page.GetByTestId("stage").First).ToHaveTextAsync("Đã gửi, chờ thẩm định");
            await day.FitsAsync();
        }
    }

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task An_appraisers_day_the_queue_one_criterion_accepted_one_adjusted_and_the_ranking(int width)
    {
        // A key of a set width: the cycle's name is in the ranking's heading, which wraps at 390 px.
        var key = await setup.FrameworkAsync($"dg-ngay-{width}");
        var cycle = await setup.CycleAsync(key, "SNV", "STP", "STC");
        foreach (var unit in new[] { "SNV", "STP", "STC" })
        {
            await setup.AnswerAllAsync(cycle, unit, points11: unit == "STC" ? "0,5" : "1,5");
            AssessmentSetup.Ok(await setup.Service(s => s.SubmitAsync(cycle, unit, AssessmentSetup.Admin)));
        }
        var appraiser = new RoleControlsTests.Role("thamdinh-ngay-" + width, "Phạm Thẩm Định", Roles.Appraiser, null, []);
        await TestSignIn.EnsureUserAsync(fx.Services, appraiser.UserName, appraiser.Display, null, appraiser.RoleName);
        AssessmentSetup.Ok(await setup.Service(s => s.AssignAppraisersAsync(cycle, [new AssignmentSpec(appraiser.UserName, null, null)], AssessmentSetup.Admin)));

        await using (var day = await Day.StartAsync(fx, width, appraiser))
        {
            var page = day.Page;
            await day.MenuAsync("Việc thẩm định", "/tham-dinh");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Việc thẩm định của tôi");
            var row = page.Locator($"[data-testid=queue] tr[data-unit=STP]", new() { HasText = $"Kỳ thử {key}" });
            await Expect(row).ToContainTextAsync("Đã gửi, chờ thẩm định");
            await day.FollowAsync(row.GetByTestId("queue-unit"));
            await Expect(page).ToHaveURLAsync(new Regex($"/danh-gia/{cycle}/don-vi/STP$"));
            await Expect(page.GetByTestId("appraiser-mode")).ToBeVisibleAsync();

            var c12 = Card(page, "1.2");
            await day.UsableAsync(c12.GetByTestId("accept"));
            await c12.GetByTestId("accept").ClickAsync();
            await Expect(c12.GetByTestId("verdict")).ToContainTextAsync("công nhận");
            var c11 = Card(page, "1.1");
            await day.UsableAsync(c11.GetByTestId("adjust"));
            await c11.GetByTestId("adjust").ClickAsync();
            await Type(Input(c11, "adjust-points"), "1");
            await Type(Input(c11, "adjust-reason"), "Kế hoạch ban hành chậm so với hướng dẫn");
            await day.UsableAsync(c11.GetByTestId("adjust-save"));
            await c11.GetByTestId("adjust-save").ClickAsync();
            await Expect(c11.GetByTestId("verdict")).ToContainTextAsync("điều chỉnh còn 1 điểm");
            await day.FitsAsync();
        }

        // The ranking those appraisals make, as the leader reads it before publication.
        foreach (var unit in new[] { "SNV", "STP", "STC" })
        {
            await setup.AcceptAllAsync(cycle, unit);
            AssessmentSetup.Ok(await setup.Service(s => s.SendAppraisalAsync(cycle, unit, AssessmentSetup.Admin)));
        }
        var ranking = await setup.Service(s => s.RankingAsync(cycle, AssessmentSetup.Admin));
        var rows = AssessmentSetup.Ok(ranking).Groups.SelectMany(g => g.Rows).ToList();
        await using (var day = await Day.StartAsync(fx, width, RoleControlsTests.Leader))
        {
            var page = day.Page;
            await day.GoAsync($"/danh-gia/{cycle}/xep-hang");
            await Expect(page.GetByTestId("provisional")).ToHaveTextAsync("TẠM TÍNH");
            foreach (var r in rows)
                await Expect(page.Locator($"tr[data-unit='{r.UnitCode}']")).ToContainTextAsync($"{ViText.Num(r.Totals.Total)} / {ViText.Num(r.Totals.Max)}");
            await StoredScreenshots.MatchAsync(page, $"ranking-{width}", output,
                page.GetByTestId("bell"), page.Locator("h1"), page.Locator(".mud-breadcrumbs"), page.Locator("h2 .lead"), page.GetByTestId("audit-head"));
        }
    }

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task A_citizen_answers_the_public_form_section_by_section_and_sends_it(int width)
    {
        OpenRound round;
        await using (var scope = fx.Services.CreateAsyncScope())
            round = await CollectionBuilder.OpenRoundAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), "sipas", ["citizens"]);
        await using var day = await Day.StartAsync(fx, width, signedIn: false);
        var page = day.Page;
        await page.GotoAsync($"{fx.BaseUrl}/khao-sat/{round.Id}/{round.Unit}?g=citizens&d=HS-NGAY-{width}");
        await Expect(page.Locator("h1")).ToContainTextAsync("SIPAS");
        await Expect(SurveyFormTests.Progress(page)).ToHaveTextAsync($"Phần 1/{SurveyFormTests.Sections}: A. Thông tin chung");
        await day.FitsAsync();
        await StoredScreenshots.MatchAsync(page, $"public-form-{width}", output);

        for (var s = 1; s <= SurveyFormTests.Sections; s++)
        {
            await SurveyFormTests.AnswerShownSectionAsync(page);
            await day.FitsAsync();
            if (s < SurveyFormTests.Sections)
            {
                await day.UsableAsync(page.Locator("section.sec:not([hidden])").GetByRole(AriaRole.Button, new() { Name = "Tiếp theo" }));
                await SurveyFormTests.NextAsync(page, s + 1);
            }
        }
        await Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("value", SurveyFormTests.Sections.ToString());
        var send = page.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" });
        await day.UsableAsync(send);
        await send.ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Cảm ơn");
        await day.FitsAsync();
    }

    async Task<T> Scoped<T>(Func<ChiSoDb, Task<T>> work)
    {
        await using var scope = fx.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ChiSoDb>());
    }
}

/// <summary>One person's browser at one width for a walk: pages opened and waited for as the person waits (the circuit
/// up, nothing loading), and on a phone the checks that the page fits and the controls take a tap.</summary>
sealed class Day(BrowserFixture fx, IPage page, int width) : IAsyncDisposable
{
    public IPage Page => page;
    public bool Phone => width < 600;

    /// <summary>Signed in as <paramref name="role"/>, as the fixture's admin when none is given, or as nobody.</summary>
    public static async Task<Day> StartAsync(BrowserFixture fx, int width, RoleControlsTests.Role? role = null, bool signedIn = true)
    {
        IPage page;
        var size = new ViewportSize { Width = width, Height = width < 600 ? 844 : 900 };
        if (role is not null)
        {
            page = await RoleControlsTests.SignedInAsync(fx, role);
            await page.SetViewportSizeAsync(size.Width, size.Height);
        }
        else
        {
            var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                Locale = "vi-VN", ViewportSize = size, StorageState = signedIn ? fx.SignedInState : null, IsMobile = width < 600, HasTouch = width < 600,
            });
            page = await context.NewPageAsync();
            page.SetDefaultTimeout(60_000);
        }
        return new Day(fx, page, width);
    }

    public async Task GoAsync(string path)
    {
        await page.GotoAsync(fx.BaseUrl + path);
        await SettledAsync();
    }

    /// <summary>The circuit is up and nothing is loading any more; then the page must fit.</summary>
    public async Task SettledAsync()
    {
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await Expect(page.Locator(".mud-progress-indeterminate")).ToHaveCountAsync(0);
        await FitsAsync();
    }

    /// <summary>On a phone the page does not scroll sideways.</summary>
    public async Task FitsAsync()
    {
        if (!Phone) return;
        var over = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth - window.innerWidth");
        if (over <= 1) return;
        // The outermost elements that stick out, for the reader of the failure.
        var culprits = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > innerWidth + 1))
                .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} → ${Math.round(e.getBoundingClientRect().right)} px`)
            """);
        Assert.Fail($"{page.Url}: trang rộng hơn màn hình {width} px là {over} px: {string.Join("; ", culprits)}");
    }

    /// <summary>Visible, within the screen's width, and a tap there reaches it (no menu or dialog over it).</summary>
    public async Task UsableAsync(ILocator control)
    {
        await Expect(control).ToBeVisibleAsync();
        // A trial click scrolls it into view, waits until it stands still and fails if something else would take the tap.
        await control.ClickAsync(new LocatorClickOptions { Trial = true, Timeout = 15_000 });
        var box = await control.BoundingBoxAsync() ?? throw new InvalidOperationException($"{control} không có trên trang.");
        Assert.True(box.X >= -1 && box.X + box.Width <= width + 1, $"{page.Url}: {control} nằm ở {box.X:0}–{box.X + box.Width:0} px, màn hình rộng {width} px");
    }

    /// <summary>Taps a link to another page and waits for that page as a person does: its heading, then its content.</summary>
    public async Task FollowAsync(ILocator link, bool samePage = false)
    {
        // A role whose "/" is its own page (a unit's tasks, an appraiser's queue) may follow a link to where it is.
        var heading = !samePage && await page.Locator("h1").CountAsync() > 0 ? await page.Locator("h1").First.InnerTextAsync() : null;
        await UsableAsync(link);
        await link.ClickAsync();
        if (heading is null) await Expect(page.Locator("h1").First).ToBeVisibleAsync();
        else await Expect(page.Locator("h1").First).Not.ToHaveTextAsync(heading);
        await SettledAsync();
    }

    ILocator MenuLink(string entry) => page.Locator("#side-menu").GetByRole(AriaRole.Link, new() { Name = entry, Exact = true });

    /// <summary>On a phone the side menu is out of the way until asked for.</summary>
    public async Task MenuIsClosedAsync()
    {
        if (!Phone) return;
        await Expect(page.Locator("#side-menu")).Not.ToBeInViewportAsync();
        await UsableAsync(page.Locator("h1").First);
    }

    /// <summary>Follows an entry of the side menu: on a phone opened with the menu button first, and closed after.</summary>
    public async Task MenuAsync(string entry, string path)
    {
        if (!page.Url.StartsWith(fx.BaseUrl, StringComparison.Ordinal)) await GoAsync("/");
        await MenuIsClosedAsync();
        if (Phone)
        {
            await UsableAsync(page.GetByTestId("menu-toggle"));
            await page.GetByTestId("menu-toggle").ClickAsync();
            await Expect(page.Locator("#side-menu")).ToBeInViewportAsync();
        }
        await FollowAsync(MenuLink(entry), samePage: new Uri(page.Url).AbsolutePath == path);
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(fx.BaseUrl + path) + "([?#].*)?$"));
        await MenuIsClosedAsync();
    }

    /// <summary>Every chart shown has text at least 8 px high and no two value labels of one chart over each other.</summary>
    public async Task ChartsReadableAsync()
    {
        var found = await page.EvaluateAsync<string[]>("""
            () => {
                const out = [];
                for (const svg of document.querySelectorAll('svg.chart')) {
                    if (!svg.getClientRects().length) continue;
                    const texts = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect()).filter(r => r.height > 0);
                    const small = texts.filter(r => r.height < 8);
                    if (small.length) out.push(`${svg.getAttribute('aria-label')}: ${small.length} nhãn cao dưới 8 px`);
                    const values = [...svg.querySelectorAll('text.value')].map(t => t.getBoundingClientRect());
                    for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) {
                        const a = values[i], b = values[j];
                        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
                            out.push(`${svg.getAttribute('aria-label')}: nhãn ${i + 1} và ${j + 1} chồng lên nhau`);
                    }
                    const box = svg.getBoundingClientRect();
                    if (box.right > window.innerWidth + 1) out.push(`${svg.getAttribute('aria-label')}: tràn ra ngoài màn hình`);
                }
                return out;
            }
            """);
        Assert.True(found.Length == 0, $"{page.Url} ở {width} px:\n" + string.Join("\n", found));
    }

    public async ValueTask DisposeAsync() => await page.Context.CloseAsync();
}
