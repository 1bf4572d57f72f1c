// TEMPORARY: a test-only sign-in that stands in for the real login (ASP.NET Core Identity, cookie, /dang-nhap),
// which is being built separately. When it is merged, replace SignInAsync below with filling in the login page and
// drop AddTestSignIn from BrowserFixture; nothing else in the browser tests knows how a user is signed in.
using System.Security.Claims;
using System.Text.Encodings.Web;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

public static class TestSignIn
{
    public const string Scheme = "Test";
    /// <summary>"userName|role1,role2|unitId", URL-escaped.</summary>
    public const string CookieName = "test-user";

    /// <summary>The "Test" scheme as the default, the authorization policies the pages name (unless the app already
    /// registers them) and the cascading authentication state.</summary>
    public static void AddTestSignIn(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
        {
            o.DefaultScheme = Scheme;
            o.DefaultAuthenticateScheme = Scheme;
            o.DefaultChallengeScheme = Scheme;
        }).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(Scheme, null);
        services.AddAuthorization();
        services.PostConfigure<AuthorizationOptions>(o =>
        {
            void Add(string name, Action<AuthorizationPolicyBuilder> policy)
            {
                if (o.GetPolicy(name) is null) o.AddPolicy(name, policy);
            }
            Add(Policies.Staff, p => p.RequireAuthenticatedUser());
            Add(Policies.Admin, p => p.RequireRole(Roles.Admin));
            Add(Policies.Surveys, p => p.RequireRole(Roles.Admin, Roles.SurveyInstitute));
            Add(Policies.Assessment, p => p.RequireRole(Roles.Admin, Roles.UnitEditor, Roles.UnitHead, Roles.Appraiser, Roles.Leader));
            Add(Policies.SurveyPoints, p => p.RequireRole(Roles.Admin, Roles.SurveyInstitute));
        });
        services.AddCascadingAuthenticationState();
    }

    /// <summary>Makes sure the user exists (a real Identity row with its roles, as appraiser assignment needs) and
    /// signs the browser context in as that user. Returns the user's id.</summary>
    public static async Task<string> SignInAsync(IBrowserContext context, BrowserFixture fx, string userName, string displayName, int? unitId, params string[] roles)
    {
        var id = await EnsureUserAsync(fx.Services, userName, displayName, unitId, roles);
        var value = Uri.EscapeDataString($"{userName}|{string.Join(',', roles)}|{unitId}");
        await context.AddCookiesAsync([new Cookie { Name = CookieName, Value = value, Url = fx.BaseUrl }]);
        return id;
    }

    public static async Task<string> EnsureUserAsync(IServiceProvider services, string userName, string displayName, int? unitId, params string[] roles)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName);
        if (user is null)
        {
            user = new ChiSoUser
            {
                UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = displayName, UnitId = unitId,
                SecurityStamp = Guid.NewGuid().ToString("N"),
            };
            db.Users.Add(user);
        }
        foreach (var name in roles)
        {
            var role = await db.Roles.FirstOrDefaultAsync(r => r.Name == name);
            if (role is null)
            {
                role = new IdentityRole(name) { NormalizedName = name.ToUpperInvariant() };
                db.Roles.Add(role);
            }
            if (!await db.UserRoles.AnyAsync(ur => ur.UserId == user.Id && ur.RoleId == role.Id))
                db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
        }
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>Reads the test-user cookie and builds the claims <see cref="Actor.From"/> expects.</summary>
    sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Cookies.TryGetValue(CookieName, out var raw) || raw.Length == 0) return AuthenticateResult.NoResult();
            var parts = Uri.UnescapeDataString(raw).Split('|');
            var db = Context.RequestServices.GetRequiredService<ChiSoDb>();
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == parts[0]);
            if (user is null) return AuthenticateResult.Fail($"No test user '{parts[0]}'.");
            var claims = new List<Claim>
            {
                new(ClaimTypes.NameIdentifier, user.Id),
                new(ClaimTypes.Name, user.UserName!),
                new(ChiSoClaims.DisplayName, user.DisplayName),
            };
            if (parts.Length > 1)
                claims.AddRange(parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
            if (parts.Length > 2 && parts[2].Length > 0) claims.Add(new Claim(ChiSoClaims.UnitId, parts[2]));
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, TestSignIn.Scheme)), TestSignIn.Scheme));
        }
    }
}
