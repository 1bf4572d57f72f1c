using ChiSo.Data;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The public SIPAS form in Chromium (a round of its own per test on the shared app): one section at a time with
/// a progress bar when script runs, the whole form posted as one page when it does not, answers kept in the browser
/// until the form is sent, and the keyboard alone enough to answer it.</summary>
[Collection("browser")]
public sealed class SurveyFormTests(BrowserFixture fx)
{
    internal const int Sections = 11;

    async Task<(IPage Page, string Url)> OpenAsync(int width, string dossier, bool script = true)
    {
        OpenRound round;
        await using (var scope = fx.Services.CreateAsyncScope())
            round = await CollectionBuilder.OpenRoundAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), "sipas", ["citizens"]);
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "vi-VN", JavaScriptEnabled = script,
            ViewportSize = new ViewportSize { Width = width, Height = width < 500 ? 800 : 900 },
            IsMobile = width < 500, HasTouch = width < 500,
        });
        var page = await context.NewPageAsync();
        var url = $"{fx.BaseUrl}/khao-sat/{round.Id}/{round.Unit}?g=citizens&d={dossier}";
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("SIPAS");
        return (page, url);
    }

    internal static ILocator Progress(IPage page) => page.Locator("#progress-text");

    /// <summary>Answers every required question of the section shown as a person tapping would (the first choice, a
    /// line of text), so skip rules and the kept draft see the same events.</summary>
    internal static Task AnswerShownSectionAsync(IPage page) => page.Locator("section.sec:not([hidden])").EvaluateAsync("""
        sec => {
            for (const q of sec.querySelectorAll('[data-required]')) {
                if (q.hidden) continue;
                const text = q.querySelector('textarea, input[type=text]');
                if (text) { if (!text.value) { text.value = 'Bộ phận một cửa'; text.dispatchEvent(new Event('input', { bubbles: true })); text.dispatchEvent(new Event('change', { bubbles: true })); } }
                else if (!q.querySelector('input:checked')) q.querySelector('input').click();
            }
        }
        """);

    internal static async Task NextAsync(IPage page, int to)
    {
        await page.Locator("section.sec:not([hidden])").GetByRole(AriaRole.Button, new() { Name = "Tiếp theo" }).ClickAsync();
        await Assertions.Expect(Progress(page)).ToContainTextAsync($"Phần {to}/{Sections}");
    }

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task The_form_goes_section_by_section_with_a_progress_bar(int width)
    {
        var (page, url) = await OpenAsync(width, $"HS-{width}-0001");
        await Assertions.Expect(Progress(page)).ToHaveTextAsync($"Phần 1/{Sections}: A. Thông tin chung");
        await Assertions.Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("value", "1");
        await Assertions.Expect(page.Locator("#p-1")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" })).ToBeHiddenAsync();
        // Nothing wider than the phone.
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= width);

        // Moving on with a required answer missing: the message is beside the question and the cursor is in it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Tiếp theo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#e-A7")).ToHaveTextAsync("Xin trả lời câu này.");
        await Assertions.Expect(page.Locator("#i-A7")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#i-A7")).ToHaveAttributeAsync("aria-describedby", "e-A7");
        await Assertions.Expect(Progress(page)).ToContainTextAsync($"Phần 1/{Sections}");

        await page.Locator("#i-A7").FillAsync("Bộ phận một cửa phường");
        await page.Locator("#q-A8").GetByLabel("Không").CheckAsync();
        await Assertions.Expect(page.Locator("#e-A7")).ToHaveCountAsync(0);
        await NextAsync(page, 2);
        await Assertions.Expect(page.Locator("#h-1")).ToBeFocusedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Quay lại" }).ClickAsync();
        await Assertions.Expect(Progress(page)).ToContainTextAsync($"Phần 1/{Sections}");
        await Assertions.Expect(page.Locator("#i-A7")).ToHaveValueAsync("Bộ phận một cửa phường");

        // Sent past the script (as an old browser would): the server's messages come back beside the questions, the section
        // of the first one opens and its first choice has the focus; the answers given stay.
        await page.Locator("#survey").EvaluateAsync("f => f.submit()");
        await Assertions.Expect(page.Locator("#loi")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#e-1\\.1\\.1")).ToHaveTextAsync("Xin trả lời câu này.");
        await Assertions.Expect(Progress(page)).ToContainTextAsync($"Phần 2/{Sections}");
        await Assertions.Expect(page.Locator("#q-1\\.1\\.1 input").First).ToBeFocusedAsync();

        // The skip rule: A8 "Không" hides 2.1.4 (section 6), which is then not required.
        for (var s = 2; s <= Sections; s++)
        {
            await AnswerShownSectionAsync(page);
            if (s == 6) await Assertions.Expect(page.Locator("#q-2\\.1\\.4")).ToBeHiddenAsync();
            if (s < Sections) await NextAsync(page, s + 1);
        }
        await Assertions.Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("value", Sections.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Cảm ơn");

        // The same dossier again: refused.
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Hồ sơ đã được đánh giá");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task Answers_survive_closing_the_page_and_are_forgotten_once_sent(int width)
    {
        var (page, url) = await OpenAsync(width, $"HS-{width}-0002");
        await page.Locator("#i-A7").FillAsync("Trung tâm phục vụ hành chính công");
        await page.Locator("#q-A8").GetByLabel("Có").CheckAsync();
        await NextAsync(page, 2);
        await page.Locator("#q-1\\.1\\.1").GetByLabel("Đồng ý", new() { Exact = true }).CheckAsync();

        // Closed and opened again: the same section, the same answers, and a word that they were kept.
        var again = await page.Context.NewPageAsync();
        await page.CloseAsync();
        await again.GotoAsync(url);
        await Assertions.Expect(again.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã khôi phục");
        await Assertions.Expect(Progress(again)).ToContainTextAsync($"Phần 2/{Sections}");
        await Assertions.Expect(again.Locator("#q-1\\.1\\.1").GetByLabel("Đồng ý", new() { Exact = true })).ToBeCheckedAsync();
        await again.GetByRole(AriaRole.Button, new() { Name = "Quay lại" }).ClickAsync();
        await Assertions.Expect(again.Locator("#i-A7")).ToHaveValueAsync("Trung tâm phục vụ hành chính công");
        await Assertions.Expect(again.Locator("#q-A8").GetByLabel("Có")).ToBeCheckedAsync();

        // Sent: the draft is gone from the browser.
        await NextAsync(again, 2);
        for (var s = 2; s <= Sections; s++)
        {
            await AnswerShownSectionAsync(again);
            if (s < Sections) await NextAsync(again, s + 1);
        }
        Assert.Equal(1, await again.EvaluateAsync<int>("Object.keys(localStorage).filter(k => k.startsWith('chiso-phieu:')).length"));
        await again.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" }).ClickAsync();
        await Assertions.Expect(again.Locator("h1")).ToContainTextAsync("Cảm ơn");
        Assert.Equal(0, await again.EvaluateAsync<int>("Object.keys(localStorage).filter(k => k.startsWith('chiso-phieu:')).length"));
        await again.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1366)]
    [InlineData(390)]
    public async Task Without_javascript_the_whole_form_is_one_page_posted_normally(int width)
    {
        var (page, _) = await OpenAsync(width, $"HS-{width}-0003", script: false);
        await Assertions.Expect(page.Locator("#progress")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator($"#p-{Sections - 1}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Tiếp theo" })).ToHaveCountAsync(0);

        await page.Locator("#i-A7").FillAsync("Bộ phận một cửa");
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" }).ClickAsync();
        await Assertions.Expect(page.Locator("#e-1\\.1\\.1")).ToHaveTextAsync("Xin trả lời câu này.");
        await Assertions.Expect(page.Locator("#i-A7")).ToHaveValueAsync("Bộ phận một cửa");
        // The summary links to each question.
        await Assertions.Expect(page.Locator("#loi a[href='#q-1.1.1']")).ToBeVisibleAsync();

        foreach (var q in await page.Locator("[data-required]").AllAsync())
        {
            if (await q.Locator("textarea").CountAsync() > 0) continue;
            await q.Locator("input").First.CheckAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Cảm ơn");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_respondent_fills_and_sends_the_form_with_the_keyboard_alone()
    {
        var (page, _) = await OpenAsync(390, "HS-PHIM-0001");
        // Tab through the page; on an unanswered required question pick its first choice (Space) or type; Enter on
        // "Tiếp theo" and finally on "Gửi phiếu". No mouse, no script of the test's own in the page.
        for (var i = 0; i < 800; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focus = await page.EvaluateAsync<string>("""
                () => {
                    const e = document.activeElement, q = e && e.closest('[data-q]');
                    if (e.tagName === 'BUTTON') return 'button:' + e.textContent.trim();
                    if (!q || !q.hasAttribute('data-required')) return 'other';
                    if (e.tagName === 'TEXTAREA' || e.type === 'text') return e.value ? 'answered' : 'text';
                    return q.querySelector('input:checked') ? 'answered' : 'choice';
                }
                """);
            if (focus == "choice") await page.Keyboard.PressAsync("Space");
            else if (focus == "text") await page.Keyboard.TypeAsync("Bộ phận một cửa");
            else if (focus == "button:Tiếp theo") await page.Keyboard.PressAsync("Enter");
            else if (focus == "button:Gửi phiếu")
            {
                await page.Keyboard.PressAsync("Enter");
                break;
            }
        }
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Cảm ơn");
        await page.Context.CloseAsync();
    }
}
