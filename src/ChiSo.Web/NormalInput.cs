using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ChiSo.Web;

/// <summary>The query, route and plain form values of every request as <see cref="ViText.Normal"/> keeps text (NFC, no
/// NUL; docs/decisions/0017), so a unit name or a search typed decomposed finds what it names and a NUL never reaches
/// PostgreSQL. JSON bodies are normalised by their reader (<see cref="NfcJson"/>), stored text by the database's
/// interceptor; uploads (multipart) are the importers' to read.</summary>
public static class NormalInput
{
    /// <summary>After routing has matched (route values exist) and before any endpoint binds its parameters.</summary>
    public static void UseNormalInput(this WebApplication app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (request.QueryString.HasValue && !AllNormal(request.Query))
            request.Query = new QueryCollection(Normal(request.Query));
        foreach (var (key, value) in request.RouteValues.Where(r => r.Value is string s && !ViText.IsNormal(s)).ToList())
            request.RouteValues[key] = ViText.Normal((string)value!);
        if (request.HasFormContentType && request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            IFormCollection form;
            // Too many fields or one too long: a 400 like any other request the framework cannot bind (an oversized
            // body is already a BadHttpRequestException, 413).
            try { form = await request.ReadFormAsync(http.RequestAborted); }
            catch (InvalidDataException e) { throw new BadHttpRequestException("Biểu mẫu không đọc được.", StatusCodes.Status400BadRequest, e); }
            if (!AllNormal(form))
                http.Features.Set<IFormFeature>(new FormFeature(new FormCollection(Normal(form))));
        }
        await next(http);
    });

    static bool AllNormal(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        foreach (var (_, v) in values)
            foreach (var s in v)
                if (s is not null && !ViText.IsNormal(s)) return false;
        return true;
    }

    static Dictionary<string, StringValues> Normal(IEnumerable<KeyValuePair<string, StringValues>> values) =>
        values.ToDictionary(v => v.Key, v => new StringValues([.. v.Value.Select(ViText.Normal)]));
}
