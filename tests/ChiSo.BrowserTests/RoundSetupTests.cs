using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>Designing a round in the back office: create it, plan a quota from N, issue tokens, open it.</summary>
[Collection("browser")]
public sealed class RoundSetupTests(BrowserFixture fx)
{
    // MudBlazor puts a text field's attributes on its input.
    static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]").First;

    [Fact]
    public async Task A_round_is_created_planned_from_N_given_tokens_and_opened()
    {
        var page = await fx.OpenAsync("/surveys/rounds");
        var name = $"ĐT XHH thử {Guid.NewGuid():N}"[..20];
        await Input(page, "round-name").FillAsync(name);
        await Input(page, "round-name").PressAsync("Tab");
        await page.GetByTestId("round-questionnaire").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex("^par-sociological 2024") }).ClickAsync();
        await page.GetByTestId("round-create").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/surveys/rounds/\d+$"));
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        // The list's chips stay until the round's page has rendered: wait for the one chip of the round.
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveTextAsync("Nháp");

        // Opening without a sample plan is refused.
        await page.GetByTestId("round-open").ClickAsync();
        await Assertions.Expect(page.GetByTestId("round-error")).ToContainTextAsync("Chưa có kế hoạch mẫu");

        await page.GetByTestId("quota-unit").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Sở Nội vụ (SNV)" }).ClickAsync();
        await page.GetByTestId("quota-group").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Cán bộ, công chức, viên chức thuộc sở" }).ClickAsync();
        await Input(page, "quota-population").FillAsync("400");
        await Input(page, "quota-population").PressAsync("Tab");
        await page.GetByTestId("quota-save").ClickAsync();
        var row = page.Locator("tr[data-unit='SNV'][data-group='dept-civil-servants']");
        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("200");

        await row.GetByTestId("tokens-for").ClickAsync();
        await Input(page, "token-count").FillAsync("3");
        await Input(page, "token-count").PressAsync("Tab");
        await page.GetByTestId("token-issue").ClickAsync();
        await Assertions.Expect(page.GetByTestId("token-result")).ToContainTextAsync("Đã cấp 3 mã");
        await Assertions.Expect(page.GetByTestId("tokens").Locator("tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("token-download")).ToHaveAttributeAsync("href", new Regex("^data:text/csv"));
        await Assertions.Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("3 / 0");

        // Opening asks first, saying what happens; cancelling leaves the round a draft.
        await page.GetByTestId("round-open").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("Phiếu đã nhận được giữ lại kể cả khi đóng đợt");
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveTextAsync("Nháp");
        await page.GetByTestId("round-open").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveTextAsync("Đang mở");
    }

    [Fact]
    public async Task Closing_a_round_asks_first_saying_what_it_stops_and_Cancel_changes_nothing()
    {
        OpenRound round;
        await using (var scope = fx.Services.CreateAsyncScope())
            round = await CollectionBuilder.OpenRoundAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), "sipas", ["citizens"]);
        var page = await fx.OpenAsync($"/surveys/rounds/{round.Id}");
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveTextAsync("Đang mở");

        await page.GetByTestId("round-close").ClickAsync();
        var dialog = page.GetByTestId("confirm-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("không nhận thêm phiếu nào");
        await Assertions.Expect(dialog).ToContainTextAsync("các mã khảo sát chưa dùng hết hiệu lực");
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveTextAsync("Đang mở");
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            Assert.Equal(RoundStatus.Open, await db.SurveyRounds.Where(r => r.Id == round.Id).Select(r => r.Status).SingleAsync());
            Assert.False(await db.Audit.AnyAsync(a => a.Subject == $"survey-round:{round.Id}" && a.Field == "status"));
        }

        await page.GetByTestId("round-close").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveTextAsync("Đã đóng");
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            var audit = await db.Audit.SingleAsync(a => a.Subject == $"survey-round:{round.Id}" && a.Field == "status");
            Assert.Equal(("Đang mở", "Đã đóng"), (audit.OldValue, audit.NewValue));
        }
    }

    [Fact]
    public async Task A_leader_reads_a_round_and_its_paper_batches_without_the_controls_that_change_them()
    {
        OpenRound round;
        await using (var scope = fx.Services.CreateAsyncScope())
            round = await CollectionBuilder.OpenRoundAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), "sipas", ["citizens"]);
        Task Leader(IBrowserContext c) => TestSignIn.SignInAsync(c, fx, "lanh-dao-khao-sat", "Lãnh đạo thử nghiệm", null, Roles.Leader);

        var page = await fx.OpenAsync($"/surveys/rounds/{round.Id}", Leader);
        await Assertions.Expect(page.Locator($"tr[data-unit='{round.Unit}'][data-group='citizens']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("round-status")).ToHaveTextAsync("Đang mở");
        await Assertions.Expect(page.GetByTestId("round-close")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("quota-form")).ToHaveCountAsync(0);

        await page.GetByTestId("paper-link").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Nhập phiếu giấy");
        await Assertions.Expect(page.GetByText("Chưa nhập lô phiếu giấy nào.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("paper-form")).ToHaveCountAsync(0);

        var list = await fx.OpenAsync("/surveys/rounds", Leader);
        await Assertions.Expect(list.GetByTestId("rounds")).ToBeVisibleAsync();
        await Assertions.Expect(list.GetByTestId("round-create")).ToHaveCountAsync(0);
    }
}
