using System.Net;
using System.Text;
using ChiSo.Features.Accounts;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Tests.Accounts;

/// <summary>
/// Every endpoint of the app × anonymous and each role. The table below says who may call what; the test sends each
/// endpoint's method (dummy route values, body <c>{}</c>) as anonymous and as a user of each role, and checks:
/// anonymous gets 401 unless the row is public; a role outside the row gets 403; a role inside gets anything but
/// 401/403 (a row marked <c>UnitChecked</c> may answer 403 to unit users: the handler refuses other units).
///
/// ADDING AN ENDPOINT: add a row <c>new("METHODS", "/route/prefix", who)</c>. The longest prefix of the route
/// pattern that lists the method decides, so one row can cover a whole group and a longer one can carve out an
/// exception. The test fails and names any endpoint no row covers. For example the assessment endpoints:
/// <c>new("GET", "/api/cycles", Assessment), new("POST PUT DELETE", "/api/cycles", Assessment, UnitChecked: true)</c>.
/// </summary>
public abstract class AuthorizationMatrixTests(Provider provider)
{
    static readonly string[] Public = ["*"];
    static readonly string[] Staff = [.. Roles.All];
    static readonly string[] Admin = [Roles.Admin];
    static readonly string[] Oversight = [Roles.Admin, Roles.Leader];
    static readonly string[] Filing = [Roles.Admin, Roles.UnitEditor, Roles.UnitHead];
    static readonly string[] Surveys = [Roles.Admin, Roles.SurveyInstitute];
    static readonly string[] SurveysRead = [Roles.Admin, Roles.SurveyInstitute, Roles.Leader];
    static readonly string[] Assessment = [Roles.Admin, Roles.UnitEditor, Roles.UnitHead, Roles.Appraiser, Roles.Leader, Roles.SurveyInstitute];

    /// <summary>Who may call what. <paramref name="Methods"/> is space-separated.</summary>
    sealed record Rule(string Methods, string Prefix, string[] Who, bool UnitChecked = false, bool AnswersUnauthorized = false, bool SignsOut = false);

    static readonly Rule[] Table =
    [
        // Accounts
        // A sign-in ends the session the request carries (a new key for every sign-in), as a logout does.
        new("POST", "/api/account/login", Public, AnswersUnauthorized: true, SignsOut: true),
        new("POST", "/api/account/logout", Public, SignsOut: true),
        new("GET", "/api/account/me", Staff),
        new("POST", "/api/account/password", Staff),
        new("GET POST PUT", "/api/users", Admin),
        new("GET", "/dang-xuat", Public, SignsOut: true),
        new("GET", "/dang-nhap/mot-cua", Public),
        // Index workspace
        new("GET", "/api/frameworks", Staff), new("POST PUT DELETE", "/api/frameworks", Admin),
        new("GET", "/api/results", Staff), new("PUT", "/api/results", Admin),
        new("GET", "/api/gaps", Staff),
        new("GET", "/api/units", Staff), new("POST", "/api/units", Admin),
        new("GET", "/api/audit", Oversight), new("GET", "/api/audit/verify", Oversight), new("GET", "/api/audit/head", Oversight),
        // Plans, tasks, reports, inspections
        new("GET", "/api/plans", Staff), new("POST PUT DELETE", "/api/plans", Admin),
        new("GET", "/api/tasks", Staff), new("POST", "/api/tasks", Filing, UnitChecked: true),
        new("POST", "/api/tasks/{id:int}/comments", Staff),
        new("GET", "/api/handovers", Staff), new("POST", "/api/handovers", Admin), new("POST", "/api/handovers/batch", Admin), new("POST", "/api/handovers/all", Admin),
        new("GET", "/api/accountability", Staff), new("GET", "/api/notifications", Staff), new("GET", "/api/agencies", Staff),
        new("GET", "/api/reports", Staff), new("PUT POST", "/api/reports", Filing, UnitChecked: true),
        new("GET", "/api/inspections", Staff), new("POST PUT", "/api/inspections", Admin),
        // Surveys: the back office, and the public answering
        new("GET", "/api/surveys", SurveysRead), new("POST PUT DELETE", "/api/surveys", Surveys),
        new("POST", "/api/surveys/rounds/{id:int}/responses", Public),
        new("POST", "/api/surveys/rounds/{id:int}/responses/", Surveys),
        new("GET POST", "/khao-sat", Public),
        new("GET", "/culture", Public),
        new("GET HEAD", "/healthz", Public), new("GET HEAD", "/readyz", Public),
        // The unit assessment: the routes admit everyone with a part in it; the service decides per unit and criterion
        // (tested in Assessments/AssessmentRulesTests). Setting up, reopening, the council and publication: admin only.
        new("POST PUT", "/api/cycles", Admin),
        new("GET", "/api/cycles", Assessment),
        new("POST PUT", "/api/cycles/{id:int}/units", Assessment, UnitChecked: true),
        new("POST", "/api/cycles/{id:int}/units/{unit}/reopen", Admin),
        new("PUT POST", "/api/cycles/{id:int}/survey-points", Surveys),
        new("GET", "/api/appraisal", Assessment),
        new("GET", "/api/public/rankings", Public),
        new("GET", "/xep-hang", Public),
        // Static web assets' fallback for files not in the build manifest (mapped by MapStaticAssets, public with it).
        new("GET HEAD", "{**path:file}", Public),
    ];

    static Rule? RuleFor(string method, string pattern) =>
        Table.Where(r => r.Methods.Split(' ').Contains(method) && pattern.StartsWith(r.Prefix, StringComparison.Ordinal))
            .MaxBy(r => r.Prefix.Length);

    /// <summary>Endpoints under test: everything but Blazor pages and framework files, static assets and the OpenAPI document.</summary>
    static bool Skipped(RouteEndpoint e) =>
        e.Metadata.Any(m => m.GetType().Name is "ComponentTypeMetadata" or "StaticAssetDescriptor")
        || e.RoutePattern.RawText is null || e.RoutePattern.RawText.StartsWith("/_", StringComparison.Ordinal)
        || e.RoutePattern.RawText.StartsWith("/openapi", StringComparison.Ordinal)
        || e.Metadata.GetMetadata<IHttpMethodMetadata>() is null;

    static string Url(RoutePattern pattern)
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
                    RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content is "int" or "long") => "999999",
                    _ => "x",
                });
        }
        return path.ToString();
    }

    [Fact]
    public async Task Every_endpoint_admits_exactly_the_roles_of_the_table()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(e => !Skipped(e))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Pattern: e.RoutePattern,
                // Upload endpoints get a (empty) form: with JSON, routing would answer 415 before authorization is asked.
                Form: e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is { } types && types.Contains("multipart/form-data") && !types.Contains("application/json"))))
            .Distinct().OrderBy(e => e.Pattern.RawText).ThenBy(e => e.Method).ToList();

        var uncovered = endpoints.Where(e => RuleFor(e.Method, e.Pattern.RawText!) is null).Select(e => $"{e.Method} {e.Pattern.RawText}").ToList();
        Assert.True(uncovered.Count == 0, "No row in the table for: " + string.Join(", ", uncovered));
        Assert.Contains(endpoints, e => e.Pattern.RawText!.StartsWith("/api/reports", StringComparison.Ordinal));

        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false };
        var clients = new Dictionary<string, HttpClient> { ["anonymous"] = app.AnonymousClient(options) };
        foreach (var role in Roles.All)
            clients[role] = await app.ClientAsync(role, role is Roles.UnitEditor or Roles.UnitHead ? "SNV" : null, options);

        var wrong = new List<string>();
        foreach (var (who, client) in clients)
            foreach (var (method, pattern, form) in endpoints)
            {
                var rule = RuleFor(method, pattern.RawText!)!;
                if (rule.SignsOut && who != "anonymous") continue;
                var request = new HttpRequestMessage(new HttpMethod(method), Url(pattern));
                if (method is "POST" or "PUT")
                    request.Content = form ? new MultipartFormDataContent { { new StringContent("x"), "x" } } : new StringContent("{}", Encoding.UTF8, "application/json");
                var status = (int)(await client.SendAsync(request)).StatusCode;
                var publicRow = rule.Who == Public;
                string? expected =
                    who == "anonymous" ? (publicRow ? (status is 401 && !rule.AnswersUnauthorized) || status == 403 ? "not 401/403" : null : status != 401 ? "401" : null)
                    : publicRow || rule.Who.Contains(who)
                        ? status == 401 && !rule.AnswersUnauthorized ? "not 401" : status == 403 && !(rule.UnitChecked && who is Roles.UnitEditor or Roles.UnitHead) ? "not 403" : null
                        : status != 403 ? "403" : null;
                if (expected is not null) wrong.Add($"{who} {method} {pattern.RawText}: {status}, expected {expected}");
            }
        foreach (var c in clients.Values) c.Dispose();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}

public sealed class AuthorizationMatrixSqliteTests() : AuthorizationMatrixTests(Provider.Sqlite);

public sealed class AuthorizationMatrixPostgresTests() : AuthorizationMatrixTests(Provider.Postgres);
