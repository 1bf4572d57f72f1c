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
    /// <summary>The app's services, for setting up data through the same services the pages use.</summary>
    public IServiceProvider Services => app!.Services;
    public const string AdminUser = "browser-admin", AdminPassword = "Thu-nghiem-2024";
    string? signedIn;
    /// <summary>The admin's signed-in browser state, for a context of a test's own.</summary>
    public string? SignedInState => signedIn;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Provider.Sqlite);
        // A free port of our own: without an address Kestrel takes 5000, which other test runs on the machine may hold.
        var port = FreePort();
        app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Database:Provider", "sqlite");
            b.UseSetting("ConnectionStrings:ChiSo", database.ConnectionString);
            b.UseSetting("Database:MigrateOnStartup", "false");
            b.UseSetting(ChiSo.Data.ServerSecret.Setting, TestDatabase.ServerSecret);
            b.UseUrls($"http://127.0.0.1:{port}");
        });
        app.UseKestrel(port);
        app.StartServer();
        BaseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ChiSoUser>>();
            var admin = new ChiSoUser { UserName = AdminUser, DisplayName = "Quản trị thử nghiệm" };
            await users.CreateAsync(admin, AdminPassword);
            await users.AddToRoleAsync(admin, Roles.Admin);
        }

        // The shared 2-core machine often runs other builds at the same time; 5 s (the default) is too short for a
        // circuit's first render under that load, while a real failure still fails, only later.
        Assertions.SetDefaultExpectTimeout(15_000);
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
        // The first page of a fresh machine waits for Chromium's first start (font caches) and the app's first compile of
        // its pages: once seen past the 30 s default.
        page.SetDefaultTimeout(120_000);
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

    static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A page whose Blazor circuit is up, so clicks are not lost before interactivity.</summary>
    public async Task<IPage> OpenAsync(string path, Func<IBrowserContext, Task>? signIn = null)
    {
        // Signed in as the admin unless the test signs in as someone else.
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN", StorageState = signIn is null ? signedIn : null });
        if (signIn is not null) await signIn(context);
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
