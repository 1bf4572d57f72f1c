using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace ChiSo.Features.Accounts;

/// <summary>How the audit log names whoever acts: "display name (user name)" when signed in; the address for the
/// anonymous public endpoints (survey answers), which are the only ones that let anonymous callers write.</summary>
public static class Who
{
    public static string Of(HttpContext http) =>
        Of(http.User) ?? "ẩn danh (" + (http.Connection.RemoteIpAddress?.ToString() ?? "?") + ")";

    public static string? Of(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true, Name: { } login }) return null;
        var name = user.FindFirstValue(ChiSoClaims.DisplayName);
        return name is null || name == login ? login : $"{name} ({login})";
    }
}
