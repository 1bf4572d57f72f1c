using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Tests.Api;

/// <summary>
/// The API as an attacker (or a careless client) would try it: every POST, PUT and DELETE of the route table, as an admin,
/// with malformed JSON, the wrong root, and for each field of the endpoint's request type a missing value, null, the wrong
/// type, numbers too big or negative, unknown enum names, impossible or far dates and over-long text; route ids negative.
/// None may answer 500; a 400 is problem+json with a Vietnamese title (a 422 is that too, or an import's report). The request types are
/// read from the endpoints' metadata, so a new endpoint is tried without touching this test.
/// </summary>
public abstract class BadInputTests(Provider provider)
{
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    sealed record Probe(string Method, string Url, string What, HttpContent? Body);

    /// <summary>A plausible value of a type (depth-limited), to which one field at a time is then spoilt.</summary>
    static JsonNode? Sample(Type t, int depth = 0)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(string)) return "x";
        if (t == typeof(bool)) return true;
        if (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(decimal) || t == typeof(double) || t == typeof(float)) return 1;
        if (t == typeof(Guid)) return Guid.Empty.ToString();
        if (t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset)) return "2026-12-22";
        if (t == typeof(TimeOnly)) return "10:00";
        if (t.IsEnum) return Enum.GetNames(t)[0];
        if (depth > 3 || t == typeof(object) || typeof(IFormFile).IsAssignableFrom(t) || typeof(Stream).IsAssignableFrom(t)) return null;
        if (t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)) is { } map)
            return new JsonObject { ["x"] = Sample(map.GetGenericArguments()[1], depth + 1) };
        if (Element(t) is { } element) return new JsonArray(Sample(element, depth + 1));
        var o = new JsonObject();
        foreach (var (name, type) in Fields(t)) o[name] = Sample(type, depth + 1);
        return o;
    }

    static Type? Element(Type t) =>
        t.IsArray ? t.GetElementType()
        : t != typeof(string) && t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } e ? e.GetGenericArguments()[0]
        : null;

    static IEnumerable<(string Name, Type Type)> Fields(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.PropertyType));

    /// <summary>What a field gets instead of a sensible value.</summary>
    static IEnumerable<(string What, JsonNode? Value)> Spoilt(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        yield return ("null", null);
        if (t == typeof(string))
        {
            yield return ("number", 12);
            yield return ("object", new JsonObject());
            yield return ("20 000 characters", new string('á', 20_000));
            yield return ("control characters", "a\u0000b\r\n\u001b");
        }
        else if (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(decimal) || t == typeof(double) || t == typeof(float))
        {
            yield return ("text", "mười");
            yield return ("negative", -1);
            yield return ("past int", 2_147_483_648L);
            yield return ("1e40", JsonNode.Parse("1e40"));
            yield return ("fraction", 0.5);
        }
        else if (t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset))
        {
            foreach (var d in new[] { "0001-01-01", "0001-01-01T03:00:00", "9999-12-31", "9999-12-31T23:59:59-05:00", "2026-02-30", "31/12/2026", "x" })
                yield return (d, d);
            yield return ("number", 20261222);
        }
        else if (t.IsEnum)
        {
            yield return ("unknown name", "Không có");
            yield return ("number", 999);
        }
        else if (t == typeof(bool) || t == typeof(Guid))
            yield return ("text", "x");
        else if (Element(t) is { } element)
        {
            yield return ("text", "x");
            yield return ("[null]", new JsonArray((JsonNode?)null));
            yield return ("1 000 items", new JsonArray([.. Enumerable.Range(0, 1000).Select(_ => Sample(element, 1))]));
        }
        else
        {
            yield return ("text", "x");
            yield return ("array", new JsonArray());
        }
    }

    static IEnumerable<Probe> Probes(string method, RoutePattern pattern, Type? body, bool form)
    {
        var urls = new[] { ("", Url(pattern, "1")), (" (id -1)", Url(pattern, "-1")) }.DistinctBy(u => u.Item2).ToList();
        foreach (var (idWhat, url) in urls)
        {
            HttpContent Json(string text) => new StringContent(text, Encoding.UTF8, "application/json");
            yield return new(method, url, "{ (malformed)" + idWhat, Json("{"));
            if (form)
            {
                yield return new(method, url, "no file" + idWhat, new MultipartFormDataContent { { new StringContent("x"), "x" } });
                continue;
            }
            yield return new(method, url, "empty body" + idWhat, Json(""));
            yield return new(method, url, "text/plain" + idWhat, new StringContent("x", Encoding.UTF8, "text/plain"));
            foreach (var root in new[] { "[]", "null", "\"x\"", "1", new string('[', 200) + new string(']', 200) })
                yield return new(method, url, $"root {root[..Math.Min(root.Length, 8)]}" + idWhat, Json(root));
            if (body is null || idWhat != "") continue;
            var sample = Sample(body);
            yield return new(method, url, "sample", Json(sample?.ToJsonString(Web) ?? "null"));
            if (sample is not JsonObject) continue;
            foreach (var (name, type) in Fields(body))
            {
                var missing = sample.DeepClone().AsObject();
                missing.Remove(name);
                yield return new(method, url, $"{name} missing", Json(missing.ToJsonString(Web)));
                foreach (var (what, value) in Spoilt(type))
                {
                    var spoilt = sample.DeepClone().AsObject();
                    spoilt[name] = value?.DeepClone();
                    yield return new(method, url, $"{name} {what}", Json(spoilt.ToJsonString(Web)));
                }
            }
        }
    }

    static string Url(RoutePattern pattern, string id)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
                path.Append(part switch
                {
                    RoutePatternLiteralPart l => l.Content,
                    RoutePatternSeparatorPart s => s.Content,
                    RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content is "int" or "long") => id,
                    _ => "x",
                });
        }
        return path.ToString();
    }

    [Fact]
    public async Task No_bad_request_to_any_write_endpoint_answers_500()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api", StringComparison.Ordinal)
                // Signing out would end the admin session the rest of the test uses.
                && !raw.EndsWith("/logout", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m is "POST" or "PUT" or "DELETE")
                .Select(m => (Method: m, e.RoutePattern,
                    Body: e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType,
                    Form: e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is { } types && types.Contains("multipart/form-data"))))
            .DistinctBy(e => (e.Method, e.RoutePattern.RawText)).OrderBy(e => e.RoutePattern.RawText).ToList();
        Assert.True(endpoints.Count > 40, $"only {endpoints.Count} write endpoints found");

        var failures = new List<string>();
        var sent = 0;
        foreach (var (method, pattern, body, form) in endpoints)
            foreach (var probe in Probes(method, pattern, body, form))
            {
                using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url) { Content = probe.Body };
                using var response = await client.SendAsync(request);
                sent++;
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                if (status >= 500)
                    failures.Add($"{probe.Method} {pattern.RawText} [{probe.What}]: {status} {text[..Math.Min(text.Length, 300)]}");
                else if (status is 400 or 422 && response.Content.Headers.ContentType?.MediaType is var type
                         // An import's 422 is its row-by-row report (application/json), not a problem.
                         && (status == 400 || type == "application/problem+json"))
                {
                    var title = type == "application/problem+json" ? JsonNode.Parse(text)?["title"]?.GetValue<string>() : null;
                    if (title is null || !title.Any(c => c > 127))
                        failures.Add($"{probe.Method} {pattern.RawText} [{probe.What}]: {status} {type} title \"{title}\"");
                }
            }
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests to {endpoints.Count} endpoints:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task No_junk_query_or_route_value_on_any_read_endpoint_answers_500()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var services = app.Services.GetRequiredService<IServiceProviderIsService>();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => (e.RoutePattern, Query: e.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
                .Where(p => !services.IsService(p.ParameterType) && p.ParameterType != typeof(HttpContext) && p.ParameterType != typeof(CancellationToken)
                    && e.RoutePattern.GetParameter(p.Name!) is null)
                .Select(p => p.Name!).ToList() ?? []))
            .DistinctBy(e => e.RoutePattern.RawText).OrderBy(e => e.RoutePattern.RawText).ToList();
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} read endpoints found");

        var failures = new List<string>();
        var sent = 0;
        foreach (var (pattern, query) in endpoints)
            foreach (var junk in new[] { "x", "-1", "99999999999", "0001-01-01", "9999-12-31", "a\0b", "e\u0302\u0301" })
            {
                // A NUL in the path never reaches the app (Kestrel answers 400 itself): in the query only.
                var url = Url(pattern, junk is "-1" or "99999999999" ? junk : "1").Replace("/x", "/" + Uri.EscapeDataString(junk.Replace("\0", "")), StringComparison.Ordinal)
                    + "?" + string.Join("&", query.Select(q => q + "=" + Uri.EscapeDataString(junk)));
                using var response = await client.GetAsync(url);
                sent++;
                if ((int)response.StatusCode >= 500)
                {
                    var text = await response.Content.ReadAsStringAsync();
                    failures.Add($"GET {url}: {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
                }
            }
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests to {endpoints.Count} endpoints:\n" + string.Join("\n", failures));
    }
}

public sealed class BadInputSqliteTests() : BadInputTests(Provider.Sqlite);

public sealed class BadInputPostgresTests() : BadInputTests(Provider.Postgres);
