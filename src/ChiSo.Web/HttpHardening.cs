using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;

namespace ChiSo.Web;

/// <summary>What every response carries (docs/decisions/0017-http-hardening.md): the security headers with a
/// Content-Security-Policy the pages pass, HSTS and Secure cookies when the request came over HTTPS (directly or through
/// a trusted proxy), and the proxy's forwarded address and scheme trusted only from the proxies configured under
/// ForwardedHeaders.</summary>
public static class HttpHardening
{
    const string NonceKey = "chiso.csp-nonce";

    /// <summary>The loopback addresses (nginx on the same host) and those listed under ForwardedHeaders:KnownProxies
    /// (addresses) and ForwardedHeaders:KnownNetworks (CIDR ranges) may tell the client's address and scheme.</summary>
    public static IServiceCollection AddHttpHardening(this IServiceCollection services, IConfiguration config)
    {
        var section = config.GetSection("ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults (127.0.0.0/8 and ::1) stay: a proxy on the same host is the usual set-up.
            foreach (var p in proxies)
                o.KnownProxies.Add(IPAddress.TryParse(p, out var address) ? address
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
            foreach (var n in networks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(n, out var network) ? network
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{n}' is not a CIDR range such as 10.0.0.0/24."));
        });
        return services;
    }

    /// <summary>Goes first in the pipeline: the rate limiter, the cookies and HSTS all need the client's real address and
    /// scheme.</summary>
    public static void UseHttpHardening(this WebApplication app)
    {
        app.UseForwardedHeaders();
        // Every cookie (sign-in, antiforgery, culture, the identity provider's) is Secure when the request is HTTPS and
        // never readable by script; each keeps its own SameSite (Strict for sign-in and antiforgery, Lax for the language).
        app.UseCookiePolicy(new CookiePolicyOptions { Secure = CookieSecurePolicy.SameAsRequest, HttpOnly = HttpOnlyPolicy.Always });
        app.Use((http, next) =>
        {
            // On starting, not now: the exception handler clears the headers of a failed request before it writes its 500.
            http.Response.OnStarting(static state => AddHeaders((HttpContext)state), http);
            return next(http);
        });
    }

    /// <summary>This request's script nonce, for the one inline script Blazor writes (the import map).</summary>
    public static string Nonce(HttpContext http)
    {
        if (http.Items[NonceKey] is string nonce) return nonce;
        // Base64url: '+' would reach the page as an HTML entity.
        nonce = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceKey] = nonce;
        return nonce;
    }

    static Task AddHeaders(HttpContext http)
    {
        var h = http.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        // The public form's address carries a one-time token or a dossier code: not even our own pages get it as Referer.
        h["Referrer-Policy"] = http.Request.Path.StartsWithSegments("/khao-sat") ? "no-referrer" : "strict-origin-when-cross-origin";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        h.ContentSecurityPolicy = http.Items[NonceKey] is string nonce ? Policy($"'self' 'nonce-{nonce}'") : PolicyWithoutNonce;
        if (http.Request.IsHttps) h.StrictTransportSecurity = "max-age=31536000";
        return Task.CompletedTask;
    }

    static readonly string PolicyWithoutNonce = Policy("'self'");

    // Why each source is there: docs/decisions/0017-http-hardening.md.
    static string Policy(string scripts) =>
        $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
}
