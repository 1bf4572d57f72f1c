using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace ChiSo.Web;

/// <summary>Every error answer of the API in Vietnamese problem+json: the framework's own titles (a status page, a
/// validation problem) translated, and a request the framework cannot bind (malformed JSON, a wrong type, a missing
/// field, a number or date out of range) a 400 that says where, instead of an empty answer.</summary>
public static class Problems
{
    static readonly Dictionary<int, string> Titles = new()
    {
        [400] = "Yêu cầu không hợp lệ", [401] = "Cần đăng nhập", [403] = "Không có quyền", [404] = "Không tìm thấy",
        [405] = "Phương thức không được hỗ trợ", [406] = "Không có định dạng phù hợp", [409] = "Xung đột dữ liệu",
        [413] = "Nội dung quá lớn", [415] = "Kiểu nội dung không được hỗ trợ", [422] = "Dữ liệu không xử lý được",
        [429] = "Quá nhiều yêu cầu", [500] = "Lỗi máy chủ", [503] = "Dịch vụ tạm thời không sẵn sàng",
    };

    public static IServiceCollection AddVietnameseProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            FileRefusedHandler.Customize(c);
            var p = c.ProblemDetails;
            var status = p.Status ?? c.HttpContext.Response.StatusCode;
            // Only the framework's English defaults: a title the app wrote stays.
            if (p.Title == "One or more validation errors occurred.") p.Title = "Dữ liệu không hợp lệ";
            else if (p.Title is null or "An error occurred while processing your request." || p.Title == ReasonPhrases.GetReasonPhrase(status))
                p.Title = Titles.GetValueOrDefault(status, "Lỗi");
        });
        // Binding failures reach the exception handler (below) instead of leaving an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();
        return services;
    }

    sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            if (exception is not BadHttpRequestException bad) return false;
            http.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = Titles.GetValueOrDefault(bad.StatusCode, "Yêu cầu không hợp lệ"), Detail = Detail(bad) },
            });
        }

        static string Detail(BadHttpRequestException bad) => bad.InnerException switch
        {
            JsonException { Path: { Length: > 0 } path } j when j.Message.Contains("không", StringComparison.Ordinal) => $"Giá trị tại {path}: {j.Message}",
            JsonException { Path: { Length: > 0 } path } => $"Nội dung JSON không đọc được tại {path}: thiếu, sai kiểu hoặc vượt giới hạn.",
            JsonException => "Nội dung không phải JSON hợp lệ.",
            InvalidDataException => "Biểu mẫu gửi lên không đọc được: quá nhiều trường, trường quá dài hoặc sai định dạng.",
            _ when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => "Nội dung gửi lên vượt giới hạn cho phép.",
            _ when bad.StatusCode == StatusCodes.Status415UnsupportedMediaType => "Hãy gửi nội dung application/json.",
            _ => "Thiếu tham số hoặc tham số sai kiểu (số, ngày, mã).",
        };
    }
}
