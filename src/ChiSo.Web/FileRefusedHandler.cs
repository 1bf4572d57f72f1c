using ChiSo.Features.Files;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ChiSo.Web;

/// <summary>A refused file (<see cref="FileRefused"/>: 413 too large, 422 unreadable) and a body past the endpoint's limit
/// (Kestrel's <see cref="BadHttpRequestException"/> 413, Kestrel's 30 MB default included) as problem+json in Vietnamese:
/// the one place the API maps them, so no upload ends in a 500.</summary>
public sealed class FileRefusedHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            FileRefused f => (f.Status, f.Title, f.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, TooLargeTitle, Uploads.TooLarge(http)),
            BadHttpRequestException b => (b.StatusCode, "Yêu cầu không hợp lệ", "Không đọc được nội dung gửi lên."),
            _ => (0, "", ""),
        };
        if (status == 0 || http.Response.HasStarted) return false;
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    const string TooLargeTitle = "Tệp quá lớn";

    /// <summary>The 413 that the endpoint's parameter binding answers by itself (a form or JSON body past the limit), in
    /// Vietnamese like the others.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status != StatusCodes.Status413PayloadTooLarge || context.Exception is FileRefused) return;
        context.ProblemDetails.Title = TooLargeTitle;
        context.ProblemDetails.Detail ??= Uploads.TooLarge(context.HttpContext);
    }
}
