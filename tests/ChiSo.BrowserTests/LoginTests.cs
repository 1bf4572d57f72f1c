using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

[Collection("browser")]
public sealed class LoginTests(BrowserFixture fx)
{
    [Fact]
    public async Task An_anonymous_visit_to_the_back_office_goes_to_the_login_page_and_comes_back_after_signing_in()
    {
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(fx.BaseUrl + "/plans");
        Assert.Equal(fx.BaseUrl + "/dang-nhap?returnUrl=%2Fplans", page.Url);

        await BrowserFixture.SignInAsync(page, BrowserFixture.AdminUser, "mat-khau-sai");
        await Assertions.Expect(page.Locator("[data-testid=login-error]")).ToHaveTextAsync("Sai tên đăng nhập hoặc mật khẩu.");

        await BrowserFixture.SignInAsync(page, BrowserFixture.AdminUser, BrowserFixture.AdminPassword);
        await page.WaitForURLAsync(fx.BaseUrl + "/plans");
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("[data-testid=user-box]")).ToContainTextAsync("Quản trị thử nghiệm");
        await Assertions.Expect(page.Locator("[data-testid=user-box]")).ToContainTextAsync("Cơ quan thường trực");
        await context.DisposeAsync();
    }
}
