using System.Net;
using System.Net.Http.Json;
using ChiSo.Features.Accounts;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Tests.Api;

/// <summary>The headers of every response, HSTS and Secure cookies over HTTPS behind a trusted proxy only, and the
/// redirects that a request names (docs/decisions/0017-http-hardening.md).</summary>
public abstract class HttpHardeningTests(Provider provider)
{
    const string Peer = "X-Test-Peer";
    static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    /// <summary>The in-memory server has no client address; this sets the one a test names, before the app's pipeline,
    /// as Kestrel would for a real connection.</summary>
    sealed class PeerAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, go) =>
            {
                if (http.Request.Headers[Peer] is [{ } peer]) http.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                return go(http);
            });
            next(app);
        };
    }

    async Task<(TestDatabase, ChiSoApp)> StartAsync()
    {
        var database = await TestDatabase.CreateAsync(provider);
        return (database, new ChiSoApp(database, b =>
        {
            b.ConfigureServices(s => s.AddSingleton<IStartupFilter, PeerAddress>());
            b.UseSetting("ForwardedHeaders:KnownProxies:0", "10.0.0.5");
            b.UseSetting("ForwardedHeaders:KnownNetworks:0", "10.1.0.0/16");
        }));
    }

    static HttpRequestMessage Request(HttpMethod method, string url, string peer, bool https)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add(Peer, peer);
        if (https) request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string peer, bool https)
    {
        var request = Request(HttpMethod.Post, "/api/account/login", peer, https);
        request.Content = JsonContent.Create(new LoginRequest(user, ChiSoApp.TestPassword));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return response;
    }

    static string Cookie(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name, StringComparison.OrdinalIgnoreCase)).ToLowerInvariant();

    [Theory]
    [InlineData("127.0.0.1")]   // nginx on the same host
    [InlineData("::1")]
    [InlineData("10.0.0.5")]    // ForwardedHeaders:KnownProxies
    [InlineData("10.1.2.3")]    // ForwardedHeaders:KnownNetworks
    public async Task HTTPS_through_a_trusted_proxy_gets_HSTS_and_secure_http_only_cookies(string proxy)
    {
        var (database, app) = await StartAsync();
        await using var _ = database;
        await using var __ = app;
        var user = await app.UserAsync(Roles.Admin);
        using var client = app.AnonymousClient(NoRedirects);

        var login = await LoginAsync(client, user, proxy, https: true);
        Assert.Equal("max-age=31536000", login.Headers.GetValues("Strict-Transport-Security").Single());
        var auth = Cookie(login, "chiso.auth=");
        Assert.Contains("; secure", auth);
        Assert.Contains("; httponly", auth);
        Assert.Contains("; samesite=strict", auth);

        // The login page's antiforgery cookie and the language cookie too.
        var page = await client.SendAsync(Request(HttpMethod.Get, "/dang-nhap", proxy, https: true));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var antiforgery = Cookie(page, ".aspnetcore.antiforgery.");
        Assert.Contains("; secure", antiforgery);
        Assert.Contains("; httponly", antiforgery);
        Assert.Contains("; samesite=strict", antiforgery);
        var culture = Cookie(await client.SendAsync(Request(HttpMethod.Get, "/culture?culture=en&redirect=/", proxy, https: true)), ".aspnetcore.culture=");
        Assert.Contains("; secure", culture);
        Assert.Contains("; httponly", culture);
        Assert.Contains("; samesite=lax", culture);
    }

    [Theory]
    [InlineData("203.0.113.9", true)]   // an untrusted address claiming HTTPS
    [InlineData("127.0.0.1", false)]    // plain HTTP on the development address (./chiso serve)
    public async Task Without_HTTPS_from_a_trusted_proxy_there_is_no_HSTS_and_no_secure_cookie(string peer, bool claimsHttps)
    {
        var (database, app) = await StartAsync();
        await using var _ = database;
        await using var __ = app;
        var user = await app.UserAsync(Roles.Admin);
        using var client = app.AnonymousClient(NoRedirects);

        var login = await LoginAsync(client, user, peer, claimsHttps);
        Assert.False(login.Headers.Contains("Strict-Transport-Security"));
        var auth = Cookie(login, "chiso.auth=");
        Assert.DoesNotContain("secure", auth);
        Assert.Contains("; httponly", auth);
        Assert.Contains("; samesite=strict", auth);
    }

    [Fact]
    public async Task Pages_API_static_files_and_errors_carry_the_security_headers()
    {
        var (database, app) = await StartAsync();
        await using var _ = database;
        await using var __ = app;
        using var admin = app.CreateClient();
        using var anonymous = app.AnonymousClient(NoRedirects);

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await anonymous.GetAsync("/dang-nhap"),
            ["api"] = await admin.GetAsync("/api/account/me"),
            ["api 401"] = await anonymous.GetAsync("/api/account/me"),
            ["api 404"] = await admin.GetAsync("/api/plans/999999"),
            ["static"] = await anonymous.GetAsync("/app.css"),
            ["framework"] = await anonymous.GetAsync("/_framework/blazor.web.js"),
            ["public ranking"] = await anonymous.GetAsync("/xep-hang"),
        };
        foreach (var (what, r) in responses)
        {
            Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{what}: {r.StatusCode}");
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", r.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("strict-origin-when-cross-origin", r.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("camera=()", r.Headers.GetValues("Permissions-Policy").Single());
            var csp = r.Headers.GetValues("Content-Security-Policy").Single();
            foreach (var directive in new[] { "default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'" })
                Assert.Contains(directive, csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
        }
        // The page's one inline script (the import map) carries the nonce its policy names, fresh for every request.
        var html = await responses["page"].Content.ReadAsStringAsync();
        var nonce = System.Text.RegularExpressions.Regex.Match(responses["page"].Headers.GetValues("Content-Security-Policy").Single(), "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\">", html);
        var again = (await anonymous.GetAsync("/dang-nhap")).Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain(nonce, again);
    }

    [Theory]
    [InlineData("//x")]
    [InlineData("/\\x")]
    [InlineData("https://evil.example")]
    [InlineData("%2F%2Fx")]
    [InlineData("/%5Cx")]
    [InlineData("/%0D%0ASet-Cookie:x=1")]
    [InlineData("")]
    public async Task The_language_switch_sends_a_foreign_or_broken_address_home(string redirect)
    {
        var (database, app) = await StartAsync();
        await using var _ = database;
        await using var __ = app;
        using var client = app.AnonymousClient(NoRedirects);

        var response = await client.GetAsync("/culture?culture=en&redirect=" + redirect);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        // The switch still works for an address of this site, query included.
        var local = await client.GetAsync("/culture?culture=vi&redirect=" + Uri.EscapeDataString("/plans?y=2024"));
        Assert.Equal("/plans?y=2024", local.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("/plans?y=2024", "/plans?y=2024")]
    public async Task Signing_in_on_the_login_page_returns_only_to_an_address_of_this_site(string returnUrl, string expected)
    {
        var (database, app) = await StartAsync();
        await using var _ = database;
        await using var __ = app;
        var user = await app.UserAsync(Roles.Admin);
        using var client = app.AnonymousClient(NoRedirects);
        var url = "/dang-nhap?returnUrl=" + Uri.EscapeDataString(returnUrl);

        var form = await (await client.GetAsync(url)).Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.UserName"] = user, ["Input.Password"] = ChiSoApp.TestPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // Blazor's navigation writes the address whole, on this site's own host.
        Assert.Equal("http://localhost" + expected, response.Headers.Location?.OriginalString);
    }
}

public sealed class HttpHardeningSqliteTests() : HttpHardeningTests(Provider.Sqlite);

public sealed class HttpHardeningPostgresTests() : HttpHardeningTests(Provider.Postgres);
