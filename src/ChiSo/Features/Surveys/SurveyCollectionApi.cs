using ChiSo.Features.Accounts;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Features.Surveys;

/// <summary>An answer sent by a data-collection tool. Answer values may be strings, numbers or arrays (several choices).</summary>
public sealed record ResponseRequest(string Unit, string Group, Dictionary<string, JsonElement> Answers, string? Token, string? Dossier, int? Seconds);

public sealed record ResponseAccepted(IReadOnlyList<string> Flags);

public sealed record ReviewRequest(bool Accept);

public static class SurveyCollectionApi
{
    public const string FormRateLimit = "survey-form";

    public static IServiceCollection AddSurveyCollection(this IServiceCollection services) =>
        services.AddSingleton<CollectionForms>().AddScoped<CollectionService>()
            .AddSingleton<IntakeWriter>().AddHostedService(sp => sp.GetRequiredService<IntakeWriter>());

    public static RouteGroupBuilder MapSurveyCollectionApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/surveys/rounds/{id:int}").WithTags("Surveys: collection").RequireAuthorization(Policies.SurveysRead);
        var write = g.MapGroup("").RequireAuthorization(Policies.Surveys);
        g.MapPost("/responses", Submit).WithSummary("Nhận một phiếu trả lời (cùng kiểm tra và cách lưu như phiếu trực tuyến)")
            // The collection tools of the public (kiosks, the form's own script) answer without an account, like the form.
            .AllowAnonymous();
        g.MapGet("/progress", Progress).WithSummary("Tiến độ thu phiếu: số phiếu so với chỉ tiêu theo đơn vị × nhóm, tỷ lệ phản hồi, phiếu bị gắn cờ");
        g.MapGet("/flagged", Flagged).WithSummary("Phiếu bị gắn cờ (trả lời quá nhanh, cùng một mức, trùng lặp)");
        write.MapPost("/responses/{responseId:long}/review", Review).WithSummary("Chấp nhận hoặc loại một phiếu bị gắn cờ");
        write.MapPost("/paper", ImportPaper).WithSummary("Nhập phiếu giấy từ CSV/Excel (tất cả hoặc không); kèm tệp nhập lần 2 để đối chiếu").DisableAntiforgery();
        write.MapPost("/paper/reconcile", ReconcilePaper).WithSummary("Đối chiếu hai lần nhập cùng một tập phiếu giấy: các ô khác nhau").DisableAntiforgery();
        return g;
    }

    static async Task<Results<Created<ResponseAccepted>, NotFound, ValidationProblem, ProblemHttpResult>> Submit(int id,
        ResponseRequest request, CollectionService intake, CancellationToken ct)
    {
        var answers = (request.Answers ?? []).ToDictionary(a => a.Key, a => Text(a.Value));
        var result = await intake.SubmitAsync(new Submission(id, request.Unit ?? "", request.Group ?? "", answers, request.Token, request.Dossier,
            request.Seconds, ResponseChannel.Api), ct);
        return result.Outcome switch
        {
            IntakeOutcome.Stored => TypedResults.Created((string?)null, new ResponseAccepted(result.Flags)),
            IntakeOutcome.NotFound => TypedResults.NotFound(),
            IntakeOutcome.Invalid => TypedResults.ValidationProblem(result.Errors.ToDictionary(e => e.Key, e => new[] { e.Value }),
                title: "Phiếu chưa hợp lệ, chưa được lưu."),
            IntakeOutcome.NotOpen or IntakeOutcome.DossierUsed => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: result.Errors.Values.First()),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: result.Errors.Values.First()),
        };
    }

    /// <summary>Answer values from JSON: text as is, numbers as written, arrays joined by ";" (several choices).</summary>
    static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.Array => string.Join(CollectionRules.MultipleSeparator, v.EnumerateArray().Select(Text)),
        JsonValueKind.True => "Có",
        JsonValueKind.False => "Không",
        _ => null,
    };

    static async Task<Results<Ok<RoundProgress>, NotFound>> Progress(int id, ChiSoDb db, CancellationToken ct) =>
        await CollectionProgress.LoadAsync(db, id, ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound();

    static async Task<Ok<List<FlaggedResponse>>> Flagged(int id, bool? pending, ChiSoDb db, CancellationToken ct) =>
        TypedResults.Ok(await CollectionProgress.FlaggedAsync(db, id, pending ?? true, ct: ct));

    static async Task<Results<NoContent, NotFound>> Review(int id, long responseId, ReviewRequest request, ChiSoDb db, CancellationToken ct) =>
        await CollectionProgress.ReviewAsync(db, id, responseId, request.Accept, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    static async Task<Results<Ok<PaperImportReport>, UnprocessableEntity<PaperImportReport>>> ImportPaper(int id, IFormFile file, IFormFile? second,
        ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        await using var stream = file.OpenReadStream();
        await using var other = second?.OpenReadStream();
        var report = await PaperImport.ImportAsync(db, id, file.FileName, stream, Who.Of(http), clock, other, ct);
        return report.Succeeded ? TypedResults.Ok(report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<Ok<List<PaperDifference>>, ValidationProblem>> ReconcilePaper(IFormFile file, IFormFile second)
    {
        await using var a = file.OpenReadStream();
        await using var b = second.OpenReadStream();
        try { return TypedResults.Ok(PaperImport.Reconcile(a, b)); }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or InvalidOperationException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"Không đọc được tệp: {e.Message}"] });
        }
    }
}
