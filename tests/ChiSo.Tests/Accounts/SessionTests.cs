using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ChiSo.Features.Accounts;
using ChiSo.Tests.Infrastructure;
using ChiSo.Web.Components.Accounts;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChiSo.Tests.Accounts;

/// <summary>Server-side sessions (logout, password changes, an admin's changes end them on every instance and in open
/// circuits), the sign-in limits per address and name, and unknown names that cost a hash like known ones.</summary>
public abstract class SessionTests(Provider provider)
{
    const string Wrong = "sai-mat-khau";

    static Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/account/login", new LoginRequest(user, password));

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement;

    /// <summary>Signs in from a client of its own and returns the session cookie.</summary>
    static async Task<string> SignInAsync(ChiSoApp app, string userName, string password = ChiSoApp.TestPassword)
    {
        using var client = app.AnonymousClient();
        var response = await LoginAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return ChiSoApp.SessionCookie(response);
    }

    static async Task<HttpStatusCode> MeAsync(ChiSoApp app, string cookie)
    {
        using var client = app.ClientWithCookie(cookie);
        return (await client.GetAsync("/api/account/me")).StatusCode;
    }

    static async Task<string> IdOfAsync(TestDatabase database, string userName)
    {
        await using var db = database.NewContext();
        return await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
    }

    [Fact]
    public async Task Logout_ends_the_session_on_the_server_so_the_old_cookie_gets_401()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Leader);
        var cookie = await SignInAsync(app, userName);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, cookie));
        await using (var db = database.NewContext())
        {
            // The cookie holds a key; the table holds its hash and the ticket, which names nobody readably.
            var session = await db.AuthSessions.SingleAsync();
            Assert.Equal(await IdOfAsync(database, userName), session.UserId);
            Assert.DoesNotContain(userName, Encoding.UTF8.GetString(session.Ticket));
            Assert.DoesNotContain(session.Id, cookie);
        }

        using (var client = app.ClientWithCookie(cookie))
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/account/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, cookie));

        var second = await SignInAsync(app, userName);
        using (var client = app.ClientWithCookie(second))
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/dang-xuat")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, second));
        await using (var db = database.NewContext())
            Assert.Equal(0, await db.AuthSessions.CountAsync());
    }

    [Fact]
    public async Task A_sign_in_always_gets_a_new_session_even_from_a_client_that_carries_one()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var leader = await app.UserAsync(Roles.Leader);
        var appraiser = await app.UserAsync(Roles.Appraiser);
        var first = await SignInAsync(app, leader);

        using var client = app.ClientWithCookie(first);
        var again = await LoginAsync(client, appraiser, ChiSoApp.TestPassword);

        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var second = ChiSoApp.SessionCookie(again);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, first));
        using var me = app.ClientWithCookie(second);
        Assert.Equal(appraiser, (await JsonAsync(await me.GetAsync("/api/account/me"))).GetProperty("userName").GetString());

        // Merely opening the login page signs nobody out; signing in there does (the form's POST, as the API's above).
        var third = await SignInAsync(app, leader);
        using (var page = app.ClientWithCookie(third))
            Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/dang-nhap")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, third));
    }

    [Fact]
    public async Task An_admin_ending_access_signs_out_every_client_of_the_user_while_a_name_change_does_not()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var admin = app.CreateClient();
        var userName = await app.UserAsync(Roles.UnitEditor, "SNV");
        var id = await IdOfAsync(database, userName);

        var kept = await SignInAsync(app, userName);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{id}", new UserEdit("Tên mới", null, null, null, null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, kept));

        async Task EndsBothAsync(Func<Task<HttpResponseMessage>> change, string password, string what)
        {
            var first = await SignInAsync(app, userName, password);
            var second = await SignInAsync(app, userName, password);
            Assert.Equal(HttpStatusCode.OK, (await change()).StatusCode);
            Assert.True(await MeAsync(app, first) == HttpStatusCode.Unauthorized, what + ": the first client is still signed in");
            Assert.True(await MeAsync(app, second) == HttpStatusCode.Unauthorized, what + ": the second client is still signed in");
        }

        await EndsBothAsync(() => admin.PutAsJsonAsync($"/api/users/{id}", new UserEdit(null, null, [Roles.UnitHead], null, null)), ChiSoApp.TestPassword, "roles");
        await EndsBothAsync(() => admin.PutAsJsonAsync($"/api/users/{id}", new UserEdit(null, null, null, "Q-TAYHO", null)), ChiSoApp.TestPassword, "unit");
        await EndsBothAsync(() => admin.PostAsJsonAsync($"/api/users/{id}/password", new PasswordReset("Mat-khau-moi-1")), ChiSoApp.TestPassword, "reset");
        await EndsBothAsync(() => admin.PutAsJsonAsync($"/api/users/{id}", new UserEdit(null, null, null, null, false)), "Mat-khau-moi-1", "deactivation");

        using var client = app.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, userName, "Mat-khau-moi-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{id}", new UserEdit(null, null, null, null, true))).StatusCode);
        var back = await SignInAsync(app, userName, "Mat-khau-moi-1");
        using var me = app.ClientWithCookie(back);
        var body = await JsonAsync(await me.GetAsync("/api/account/me"));
        Assert.Equal([Roles.UnitHead], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Q-TAYHO", body.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Users_change_their_own_password_which_ends_their_other_sessions_and_keeps_this_one()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Appraiser);
        var other = await SignInAsync(app, userName);
        using var me = app.ClientFrom("203.0.113.50");
        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(me, userName, ChiSoApp.TestPassword)).StatusCode);

        var wrong = await me.PostAsJsonAsync("/api/account/password", new PasswordChange(Wrong, "Mat-khau-moi-2"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("Mật khẩu hiện tại không đúng.", (await JsonAsync(wrong)).GetProperty("errors").GetProperty("currentPassword")[0].GetString());
        var weak = await me.PostAsJsonAsync("/api/account/password", new PasswordChange(ChiSoApp.TestPassword, "abc"));
        Assert.Contains("Mật khẩu phải có ít nhất 8 ký tự.",
            (await JsonAsync(weak)).GetProperty("errors").GetProperty("newPassword").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(app, other));

        var changed = await me.PostAsJsonAsync("/api/account/password", new PasswordChange(ChiSoApp.TestPassword, "Mat-khau-moi-2"));

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await me.GetAsync("/api/account/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, other));
        using (var client = app.AnonymousClient())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, userName, ChiSoApp.TestPassword)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(client, userName, "Mat-khau-moi-2")).StatusCode);
        }
        await using (var db = database.NewContext())
        {
            var audit = await db.Audit.Where(a => a.Subject == "user:" + userName).ToListAsync();
            var entry = Assert.Single(audit);
            Assert.Equal(("password", "tự đổi"), (entry.Field, entry.NewValue));
            Assert.Contains($"({userName})", entry.User);
            Assert.DoesNotContain(audit, a => $"{a.OldValue} {a.NewValue}".Contains("Mat-khau", StringComparison.Ordinal));
        }

        // Guessing the current password from a stolen session meets the sign-in limits.
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await me.PostAsJsonAsync("/api/account/password", new PasswordChange(Wrong + i, "Mat-khau-moi-3"))).StatusCode);
        var limited = await me.PostAsJsonAsync("/api/account/password", new PasswordChange("Mat-khau-moi-2", "Mat-khau-moi-3"));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_logout_or_a_lock_on_one_instance_ends_the_session_on_another()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var one = new ChiSoApp(database);
        await using var two = new ChiSoApp(database);
        var userName = await one.UserAsync(Roles.Leader);
        var cookie = await SignInAsync(one, userName);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(two, cookie));

        using (var client = two.ClientWithCookie(cookie))
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/account/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(one, cookie));

        var again = await SignInAsync(one, userName);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(one, again));
        using var admin = two.CreateClient();
        var off = await admin.PutAsJsonAsync($"/api/users/{await IdOfAsync(database, userName)}", new UserEdit(null, null, null, null, false));
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(one, again));
    }

    [Fact]
    public async Task The_circuit_check_sees_a_session_ended_while_the_page_is_open()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Leader);
        var cookie = await SignInAsync(app, userName);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.IsType<SessionRevalidator>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());

        // The principal a circuit gets: the cookie holds only the session's key, the store gives the rest.
        var cookieTicket = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme)
            .TicketDataFormat.Unprotect(cookie["chiso.auth=".Length..])!;
        var key = Assert.Single(cookieTicket.Principal.Claims).Value;
        var sessions = app.Services.GetRequiredService<AuthSessions>();
        var principal = (await sessions.RetrieveAsync(key))!.Principal;
        Assert.Equal(userName, principal.Identity!.Name);
        Assert.True(await sessions.IsActiveAsync(principal));
        Assert.False(await sessions.IsActiveAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, userName)], "test"))));

        using var admin = app.CreateClient();
        await admin.PutAsJsonAsync($"/api/users/{await IdOfAsync(database, userName)}", new UserEdit(null, null, [Roles.Appraiser], null, null));

        Assert.False(await sessions.IsActiveAsync(principal));
    }

    [Fact]
    public async Task Expired_sessions_are_removed_when_used_and_in_bulk_at_a_sign_in()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Leader);
        var first = await SignInAsync(app, userName);
        var second = await SignInAsync(app, userName);
        await using (var db = database.NewContext())
            await db.AuthSessions.ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, first));
        await using (var db = database.NewContext())
            Assert.Equal(1, await db.AuthSessions.CountAsync());

        var third = await SignInAsync(app, await app.UserAsync(Roles.Appraiser));
        await using (var db = database.NewContext())
        {
            var left = await db.AuthSessions.SingleAsync();
            Assert.Equal(await IdOfAsync(database, "test-appraiser"), left.UserId);
            // However active, a session ends after a working day.
            await db.AuthSessions.ExecuteUpdateAsync(s => s.SetProperty(x => x.CreatedAt, DateTime.UtcNow - AuthSessions.MaxAge - TimeSpan.FromMinutes(1)));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, second));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(app, third));
    }

    [Fact]
    public async Task Five_wrong_passwords_from_one_address_hold_that_address_and_name_while_another_address_signs_in_at_once()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Leader);
        using var guesser = app.ClientFrom("203.0.113.7");
        using var sameNetwork = app.ClientFrom("2001:db8:7:7::1");
        using var sameNetworkToo = app.ClientFrom("2001:db8:7:7::2");
        using var user = app.ClientFrom("198.51.100.20");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(guesser, userName, Wrong + i)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(sameNetwork, userName, Wrong + i)).StatusCode);
        }
        var refused = await LoginAsync(guesser, userName, ChiSoApp.TestPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(refused);
        Assert.Equal(AccountsApi.TooManyTitle, problem.GetProperty("title").GetString());
        Assert.Contains("Hãy thử lại sau 15 phút", problem.GetProperty("detail").GetString());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        // An IPv6 client is held by its /64.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(sameNetworkToo, userName, ChiSoApp.TestPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(guesser, "ten-khac", Wrong)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(user, userName, ChiSoApp.TestPassword)).StatusCode);
        await using var db = database.NewContext();
        Assert.Null((await db.Users.SingleAsync(u => u.UserName == userName)).LockoutEnd);
    }

    [Fact]
    public async Task Thirty_failures_from_one_address_across_names_hold_the_address()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Leader);
        using var guesser = app.ClientFrom("203.0.113.8");
        using var user = app.ClientFrom("198.51.100.21");

        for (var name = 0; name < 6; name++)
            for (var i = 0; i < 5; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(guesser, $"ten-{name}", Wrong)).StatusCode);
        var refused = await LoginAsync(guesser, userName, ChiSoApp.TestPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("địa chỉ mạng", (await JsonAsync(refused)).GetProperty("detail").GetString());
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(user, userName, ChiSoApp.TestPassword)).StatusCode);
    }

    [Fact]
    public async Task Many_failures_on_one_name_from_many_addresses_slow_it_down_but_never_lock_it()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Admin);
        for (var address = 1; address <= 5; address++)
        {
            using var guesser = app.ClientFrom($"192.0.2.{address}");
            for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(guesser, userName, Wrong + i)).StatusCode);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var limits = scope.ServiceProvider.GetRequiredService<LoginLimits>();
            var attempt = await limits.BeginAsync(IPAddress.Parse("192.0.2.99"), userName);
            Assert.Null(attempt.Refused);
            Assert.Equal(new LoginLimitOptions().SlowDelay, attempt.Delay);
            await limits.EndAsync(attempt, passwordMatched: false);
        }
        using var other = app.ClientFrom("192.0.2.100");
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(other, userName, Wrong)).StatusCode);
        using var user = app.ClientFrom("192.0.2.101");
        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(user, userName, ChiSoApp.TestPassword)).StatusCode);
    }

    sealed class Counter
    {
        public int Verifications;
    }

    sealed class CountingHasher(IOptions<PasswordHasherOptions> options, Counter counter) : IPasswordHasher<ChiSoUser>
    {
        readonly PasswordHasher<ChiSoUser> inner = new(options);
        public string HashPassword(ChiSoUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ChiSoUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref counter.Verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Fact]
    public async Task Unknown_and_deactivated_names_get_the_same_answer_as_a_wrong_password_after_the_same_hash_check()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var counter = new Counter();
        await using var app = new ChiSoApp(database, b => b.ConfigureServices(s =>
            s.AddScoped<IPasswordHasher<ChiSoUser>>(sp => new CountingHasher(sp.GetRequiredService<IOptions<PasswordHasherOptions>>(), counter))));
        var known = await app.UserAsync(Roles.Leader);
        var off = await app.UserAsync(Roles.Appraiser);
        using (var admin = app.CreateClient())
            await admin.PutAsJsonAsync($"/api/users/{await IdOfAsync(database, off)}", new UserEdit(null, null, null, null, false));
        using var client = app.AnonymousClient();

        var answers = new List<string>();
        foreach (var (name, password) in new[] { (known, Wrong), ("khong-co-ai", Wrong), (off, Wrong), (off, ChiSoApp.TestPassword) })
        {
            var before = Volatile.Read(ref counter.Verifications);
            var response = await LoginAsync(client, name, password);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var problem = await JsonAsync(response);
            answers.Add($"{problem.GetProperty("title").GetString()} | {problem.GetProperty("detail").GetString()}");
            Assert.True(Volatile.Read(ref counter.Verifications) - before == 1, $"not one password hash checked for {name}");
        }
        Assert.Equal(AccountsApi.WrongPassword, Assert.Single(answers.Distinct()).Split(" | ")[0]);
    }
}

public sealed class SessionSqliteTests() : SessionTests(Provider.Sqlite);

public sealed class SessionPostgresTests() : SessionTests(Provider.Postgres);

public sealed class LoginAddressTests
{
    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    public void IPv4_addresses_count_alone_and_IPv6_ones_by_their_64_bit_network(string address, string counted) =>
        Assert.Equal(counted, LoginLimits.AddressOf(IPAddress.Parse(address)));
}
