using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace ChiSo.Web.Components.Accounts;

/// <summary>Sign-in for the web host: Identity's cookie (HttpOnly, SameSite=Strict, sliding 8 hours), the policies of
/// <see cref="Policies"/>, and, when Authentication:OpenIdConnect:Authority is set, the one-stop-shop (một cửa) sign-in.</summary>
public static class AccountsWeb
{
    public const string LoginPath = "/dang-nhap";
    public const string LogoutPath = "/dang-xuat";
    public const string DeniedPath = "/khong-co-quyen";
    public const string OneDoorPath = "/dang-nhap/mot-cua";
    public const string PasswordPath = "/tai-khoan/mat-khau";
    public const string OneDoorScheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration config)
    {
        services.AddChiSoIdentity().AddSignInManager();
        services.AddScoped<UserAccounts>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<LoginLimits>();
        services.AddSingleton<DummyPassword>();
        services.AddOptions<LoginLimitOptions>().BindConfiguration("Accounts:LoginLimits");
        // Sessions live in the database (AuthSessions): the cookie holds only their key, and ending one there ends it on
        // every instance. Open Blazor circuits re-check theirs every few seconds.
        services.AddSingleton<AuthSessions>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<AuthSessions>((o, store) => o.SessionStore = store);
        services.AddScoped<AuthenticationStateProvider, SessionRevalidator>();
        // Role, unit and activity changes end the user's sessions at once (UserAccounts); the stamp check still refreshes
        // what else the cookie's principal says (the display name) every five minutes, keeping the session's id in it.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(5);
            o.OnRefreshingPrincipal = c =>
            {
                if (c.CurrentPrincipal?.FindFirst(AuthSessions.SessionClaim) is { } session && c.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                    identity.AddClaim(new System.Security.Claims.Claim(AuthSessions.SessionClaim, session.Value));
                return Task.CompletedTask;
            };
        });
        var auth = services.AddAuthentication(o =>
        {
            o.DefaultScheme = IdentityConstants.ApplicationScheme;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        auth.AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "chiso.auth";
            o.Cookie.HttpOnly = true;
            // Strict: the browser never sends the cookie with a request started by another site, which is what makes the
            // JSON API safe from CSRF without tokens (docs/decisions/0007).
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = LoginPath;
            o.LogoutPath = LogoutPath;
            o.AccessDeniedPath = DeniedPath;
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnRedirectToLogin = c => ProblemOrRedirect(c, StatusCodes.Status401Unauthorized, "Cần đăng nhập",
                "Hãy đăng nhập (POST /api/account/login) rồi gửi lại yêu cầu.");
            o.Events.OnRedirectToAccessDenied = c => ProblemOrRedirect(c, StatusCodes.Status403Forbidden, "Không có quyền",
                "Vai trò của tài khoản không được làm việc này.");
        });

        var oidc = config.GetSection("Authentication:OpenIdConnect");
        if (!string.IsNullOrEmpty(oidc["Authority"]))
            auth.AddOpenIdConnect(OneDoorScheme, "Tài khoản một cửa", o =>
            {
                o.Authority = oidc["Authority"];
                o.ClientId = oidc["ClientId"];
                o.ClientSecret = oidc["ClientSecret"];
                o.ResponseType = "code";
                o.Scope.Add("email");
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = oidc.GetValue("RequireHttpsMetadata", true);
                // The identity provider only vouches for the email; the local account decides the roles.
                o.SignInScheme = IdentityConstants.ExternalScheme;
            });

        services.AddAuthorization(o =>
        {
            o.AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser());
            foreach (var (policy, roles) in Policies.RolesOf) o.AddPolicy(policy, p => p.RequireRole(roles));
            // Anything mapped without a policy needs a signed-in user; public endpoints say AllowAnonymous.
            o.FallbackPolicy = o.GetPolicy(Policies.Staff);
        });
        return services;
    }

    /// <summary>Pages go to the login (or "not allowed") page; the API answers 401 or 403 as problem+json, never a redirect.</summary>
    static async Task ProblemOrRedirect(RedirectContext<CookieAuthenticationOptions> c, int status, string title, string detail)
    {
        if (!c.Request.Path.StartsWithSegments("/api"))
        {
            c.Response.Redirect(c.RedirectUri);
            return;
        }
        c.Response.StatusCode = status;
        await c.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = c.HttpContext,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    public static void MapAccountPages(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        g.MapGet(LogoutPath, async (SignInManager<ChiSoUser> signIn) =>
        {
            // A GET is enough: with SameSite=Strict another site cannot sign a user out through this link.
            await signIn.SignOutAsync();
            return Microsoft.AspNetCore.Http.Results.LocalRedirect(LoginPath);
        });
        g.MapGet(OneDoorPath, async (string? returnUrl, IAuthenticationSchemeProvider schemes) =>
            await schemes.GetSchemeAsync(OneDoorScheme) is null
                ? Microsoft.AspNetCore.Http.Results.NotFound()
                : Microsoft.AspNetCore.Http.Results.Challenge(new AuthenticationProperties { RedirectUri = $"{OneDoorPath}/xong?returnUrl={Uri.EscapeDataString(LocalUrl(returnUrl))}" }, [OneDoorScheme]));
        g.MapGet(OneDoorPath + "/xong", FinishOneDoor);
    }

    /// <summary>After the identity provider: signs in the local account whose email the provider vouched for.</summary>
    static async Task<IResult> FinishOneDoor(string? returnUrl, HttpContext http, SignInManager<ChiSoUser> signIn, UserManager<ChiSoUser> users)
    {
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        var email = external.Principal?.FindFirst("email")?.Value ?? external.Principal?.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value;
        var user = email is null ? null : await users.FindByEmailAsync(email);
        if (user is null) return Microsoft.AspNetCore.Http.Results.LocalRedirect($"{LoginPath}?error=mot-cua");
        if (await users.IsLockedOutAsync(user)) return Microsoft.AspNetCore.Http.Results.LocalRedirect($"{LoginPath}?error=khoa");
        await signIn.SignInAsync(user, isPersistent: false);
        // A page that moves on by itself, not a redirect: this request belongs to the redirect chain that the identity
        // provider started, so the browser would not send the new SameSite=Strict cookie with a redirect's next request.
        var target = System.Net.WebUtility.HtmlEncode(LocalUrl(returnUrl));
        return Microsoft.AspNetCore.Http.Results.Content($"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={target}\"><title>ChiSo</title></head>"
            + $"<body><p>Đã đăng nhập. <a href=\"{target}\">Tiếp tục</a></p></body></html>", "text/html; charset=utf-8");
    }

    /// <summary>Only a path of this site, else "/": an open redirect would let a crafted link send users elsewhere after
    /// signing in or switching language. The one check for every address a request names (returnUrl, redirect): "//x",
    /// "/\x", "https://x" and control characters (which LocalRedirect refuses with an exception) all become "/".</summary>
    public static string LocalUrl(string? url) =>
        url is { Length: > 0 } u && u[0] == '/' && (u.Length == 1 || (u[1] != '/' && u[1] != '\\')) && !u.Any(char.IsControl) ? u : "/";
}
