using System.Net;
using System.Net.Http.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Builder;
using ChiSo.Features.Surveys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Tests.Infrastructure;

/// <summary>The real web app (Program.cs) in memory, over one test's own database. The database is already
/// migrated (and seeded, if the test asked for it), so the app must not migrate or seed on start.
/// <see cref="WebApplicationFactory{T}.CreateClient()"/> gives a client signed in as an admin through the real
/// POST /api/account/login (the cookie stays in the client); <see cref="ClientAsync"/> signs in with another role,
/// <see cref="AnonymousClient"/> does not sign in.</summary>
public sealed class ChiSoApp(TestDatabase database, Action<IWebHostBuilder>? configure = null) : WebApplicationFactory<Program>
{
    public const string TestPassword = "Thu-nghiem-2024";
    /// <summary>The server secret of every test app (Security:Secret); tests that issue tokens or read markers directly use
    /// <see cref="Markers"/>, made from the same secret.</summary>
    public const string Secret = TestDatabase.ServerSecret;
    public static readonly SurveyMarkers Markers = new(ServerSecret.Parse(Secret, "test"));
    readonly Dictionary<string, string> made = [];
    // Who the next client made by the factory signs in as; null: nobody.
    (string Role, string? Unit)? next = (Roles.Admin, null);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", database.ProviderName);
        builder.UseSetting("ConnectionStrings:ChiSo", database.ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "false");
        builder.UseSetting(ServerSecret.Setting, Secret);
        // One hashing round instead of 100 000: every test signs in, and the hash's strength is not under test here.
        builder.ConfigureServices(s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1));
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, TestClientAddress>());
        configure?.Invoke(builder);
    }

    /// <summary>The request header that gives a test request its client address (the test server has none).</summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>Test only: the client address from <see cref="ClientAddressHeader"/>, so tests can play several machines.
    /// The product never takes an address from a header here (forwarded headers are the proxy's business).</summary>
    sealed class TestClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, go) =>
            {
                if (http.Request.Headers[ClientAddressHeader] is [{ } address]) http.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return go(http);
            });
            next(app);
        };
    }

    /// <summary>A client that is not signed in and whose requests come from <paramref name="address"/>.</summary>
    public HttpClient ClientFrom(string address)
    {
        var client = AnonymousClient();
        client.DefaultRequestHeaders.Add(ClientAddressHeader, address);
        return client;
    }

    /// <summary>The session cookie a response sets ("chiso.auth=..."), to replay it from another client.</summary>
    public static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("chiso.auth=", StringComparison.Ordinal)).Split(';')[0];

    /// <summary>A client with no cookie handling that sends this cookie on every request.</summary>
    public HttpClient ClientWithCookie(string cookie)
    {
        var client = AnonymousClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    string? adminCookie;

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        var signIn = next is not null;
        next = (Roles.Admin, null);
        if (!signIn) return;
        // The client cannot send before the factory sets its address, so the admin signs in once through a client of the
        // test server, and every client made by CreateClient carries that session cookie. Task.Run: off xunit's
        // synchronisation context, since ConfigureClient cannot be async.
        adminCookie ??= Task.Run(async () =>
        {
            using var login = Server.CreateClient();
            return await SignInAsync(login, Roles.Admin, null);
        }).GetAwaiter().GetResult();
        client.DefaultRequestHeaders.Add("Cookie", adminCookie);
    }

    public HttpClient AnonymousClient(WebApplicationFactoryClientOptions? options = null)
    {
        next = null;
        return CreateClient(options ?? new WebApplicationFactoryClientOptions());
    }

    /// <summary>A client signed in as a user with this role (and unit, by code, for the roles that need one).</summary>
    public async Task<HttpClient> ClientAsync(string role, string? unitCode = null, WebApplicationFactoryClientOptions? options = null)
    {
        var client = AnonymousClient(options);
        await SignInAsync(client, role, unitCode);
        return client;
    }

    /// <summary>The user name of the test user with this role and unit, made on first use.</summary>
    public async Task<string> UserAsync(string role, string? unitCode = null)
    {
        var key = role + "@" + unitCode;
        if (made.TryGetValue(key, out var existing)) return existing;
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        await AccountsSetup.EnsureRolesAsync(db);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ChiSoUser>>();
        var userName = $"test-{role}" + (unitCode is null ? "" : "-" + unitCode.ToLowerInvariant());
        var unit = unitCode is null ? null : await db.Units.SingleAsync(u => u.Code == unitCode);
        var user = new ChiSoUser { UserName = userName, DisplayName = $"Thử nghiệm {Roles.Label(role)}", UnitId = unit?.Id, Email = userName + "@chiso.test" };
        var created = await users.CreateAsync(user, TestPassword);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
        made[key] = userName;
        return userName;
    }

    /// <summary>Signs in through the real endpoint; returns the session cookie ("chiso.auth=...").</summary>
    async Task<string> SignInAsync(HttpClient client, string role, string? unitCode)
    {
        var userName = await UserAsync(role, unitCode);
        var response = await client.PostAsJsonAsync("/api/account/login", new LoginRequest(userName, TestPassword));
        if (response.StatusCode != HttpStatusCode.NoContent)
            throw new InvalidOperationException($"Test sign-in as {userName} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return SessionCookie(response);
    }
}
