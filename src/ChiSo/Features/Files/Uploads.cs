using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace ChiSo.Features.Files;

/// <summary>How an endpoint that takes files bounds its request: the body cap (Kestrel refuses a larger body as it
/// arrives, before the handler runs; the host answers 413 in Vietnamese) and the form reader's multipart limit with it.
/// Every other endpoint keeps Kestrel's 30 MB default.</summary>
public static class Uploads
{
    /// <summary>Room for the form's other fields and the multipart headers around the files.</summary>
    public const long FormOverhead = 1024 * 1024;

    /// <summary>Bounds the request of an endpoint that takes <paramref name="files"/> bytes of files (or of JSON).</summary>
    public static RouteHandlerBuilder AcceptsUpTo(this RouteHandlerBuilder endpoint, long files) =>
        endpoint.WithMetadata(new UploadLimit(files))
            .WithFormOptions(multipartBodyLengthLimit: files + FormOverhead)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>The endpoint's limit as Kestrel reads it, and the files' share of it that a refusal names.</summary>
    public sealed record UploadLimit(long Files) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => Files + FormOverhead;
    }

    /// <summary>The form of a request that carries files. A body past the endpoint's limits is refused as too large; a
    /// form the reader cannot take apart as unreadable (both <see cref="FileRefused"/>, answered once by the host).</summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        try { return await request.ReadFormAsync(ct); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw FileRefused.TooLarge(TooLarge(request.HttpContext));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw FileRefused.TooLarge(TooLarge(request.HttpContext));
        }
        catch (InvalidDataException e)
        {
            throw FileRefused.Unreadable("Nội dung multipart/form-data không hợp lệ: " + e.Message, e);
        }
    }

    /// <summary>Why a body past the limit is refused, naming the limit: the files' share of it where the endpoint declares one
    /// (<see cref="AcceptsUpTo"/>), else the body's (Kestrel's 30 MB default).</summary>
    public static string TooLarge(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<UploadLimit>() is { } limit
            ? $"Tệp gửi lên lớn hơn {ImportLimits.Megabytes(limit.Files)}, giới hạn của địa chỉ này."
            : http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
                ? $"Nội dung gửi lên lớn hơn {ImportLimits.Megabytes(max)}, giới hạn của địa chỉ này."
                : "Nội dung gửi lên vượt giới hạn của địa chỉ này.";

    /// <summary>A file of a form refused before it is read when its size (known from the multipart headers) is past the limit.</summary>
    public static IFormFile Within(this IFormFile file, ImportLimits limits) =>
        file.Length > limits.MaxBytes ? throw limits.TooManyBytes(ImportedFiles.FileName(file.FileName)) : file;
}
