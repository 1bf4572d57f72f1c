using ChiSo.Features.Accounts;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The real app on a real port (Kestrel) over a seeded SQLite database, and Debian's Chromium
/// driven by Playwright. Never downloads a browser. Back-office pages open signed in as an admin: the fixture signs in
/// once through the real login page and every page's context starts from that browser state.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    TestDatabase? database;
    WebApplicationFactory<Program>? app;
    IPlaywright? playwright;
    public IBrowser Browser { get; private set; } = default!;
    public string BaseUrl { get; private set; } = "";
    public const string AdminUser = "browser-admin", AdminPassword = "Thu-nghiem-2024";
    string? signedIn;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Database:Provider", "sqlite");
            b.UseSetting("ConnectionStrings:ChiSo", database.ConnectionString);
            b.UseSetting("Database:MigrateOnStartup", "false");
        });
        app.UseKestrel(0);
        app.StartServer();
        BaseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ChiSoUser>>();
            var admin = new ChiSoUser { UserName = AdminUser, DisplayName = "Quản trị thử nghiệm" };
            await users.CreateAsync(admin, AdminPassword);
            await users.AddToRoleAsync(admin, Roles.Admin);
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--no-first-run"],
        });

        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/dang-nhap");
        await SignInAsync(page, AdminUser, AdminPassword);
        await page.WaitForURLAsync(BaseUrl + "/");
        signedIn = await context.StorageStateAsync();
        await context.DisposeAsync();
    }

    /// <summary>Fills and sends the login form of the page shown.</summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.Locator("#userName").FillAsync(user);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("[data-testid=login-submit]").ClickAsync();
    }

    /// <summary>A page whose Blazor circuit is up, so clicks are not lost before interactivity.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN", StorageState = signedIn });
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + path);
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (app is not null) await app.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }
}

[CollectionDefinition("browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
