using System.Diagnostics;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ChiSo.BrowserTests;

[Collection("browser")]
public sealed class SessionTests(BrowserFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task An_open_page_goes_to_the_login_within_seconds_once_its_session_is_ended_elsewhere()
    {
        string? id = null;
        var page = await fx.OpenAsync("/plans", async c => id = await TestSignIn.SignInAsync(c, fx, "browser-session-leader", "Lãnh đạo thử nghiệm", null, Roles.Leader));
        await Assertions.Expect(page.GetByTestId("user-box")).ToContainTextAsync("Lãnh đạo thử nghiệm");

        // What a logout on another instance, a password reset or a lock does to the table.
        var watch = Stopwatch.StartNew();
        await using (var scope = fx.Services.CreateAsyncScope())
            Assert.Equal(1, await AuthSessions.EndAllAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), id!));

        await page.WaitForURLAsync(url => url.Contains("/dang-nhap?returnUrl=%2Fplans", StringComparison.Ordinal),
            new PageWaitForURLOptions { Timeout = 30_000 });
        output.WriteLine($"The open page reached the login {watch.ElapsedMilliseconds} ms after its session ended (re-check every {Web.Components.Accounts.SessionRevalidator.Interval.TotalSeconds} s).");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_user_changes_their_password_from_the_user_menu_and_stays_signed_in()
    {
        var page = await fx.OpenAsync("/plans", c => TestSignIn.SignInAsync(c, fx, "browser-session-editor", "Cán bộ thử nghiệm", null, Roles.Appraiser));

        await page.GetByTestId("change-password").ClickAsync();
        await page.WaitForURLAsync(fx.BaseUrl + "/tai-khoan/mat-khau");
        await page.Locator("#currentPassword").FillAsync("sai-mat-khau");
        await page.Locator("#newPassword").FillAsync("Mat-khau-moi-9");
        await page.Locator("#repeatPassword").FillAsync("Mat-khau-moi-9");
        await page.GetByTestId("password-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("password-error")).ToHaveTextAsync("Mật khẩu hiện tại không đúng.");

        await page.Locator("#currentPassword").FillAsync("Thu-nghiem-2024");
        await page.Locator("#newPassword").FillAsync("Mat-khau-moi-9");
        await page.Locator("#repeatPassword").FillAsync("Mat-khau-moi-9");
        await page.GetByTestId("password-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("password-changed")).ToHaveTextAsync("Đã đổi mật khẩu.");

        await page.GotoAsync(fx.BaseUrl + "/plans");
        await Assertions.Expect(page.GetByTestId("user-box")).ToContainTextAsync("Cán bộ thử nghiệm");
        await page.Context.DisposeAsync();
    }
}
