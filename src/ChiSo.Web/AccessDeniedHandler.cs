using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ChiSo.Web;

/// <summary>A service's refusal (<see cref="AccessDenied"/>) as 403 problem+json: the one place the API maps it.</summary>
public sealed class AccessDeniedHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not AccessDenied denied) return false;
        var signedIn = http.User.Identity?.IsAuthenticated == true;
        http.Response.StatusCode = signedIn ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = http.Response.StatusCode,
                Title = signedIn ? "Không có quyền" : "Cần đăng nhập",
                Detail = denied.Message,
            },
        });
    }
}
