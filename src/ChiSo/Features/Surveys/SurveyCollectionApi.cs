using ChiSo.Features.Accounts;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChiSo.Data;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Features.Surveys;

/// <summary>An answer sent by a data-collection tool. Answer values may be strings, numbers, true/false or arrays (several
/// choices); <see cref="AnswersJson"/> reads them as text.</summary>
public sealed record ResponseRequest(string Unit, string Group, [property: JsonConverter(typeof(AnswersJson))] Dictionary<string, string?> Answers,
    string? Token, string? Dossier, int? Seconds);

/// <summary>Answer values read straight into text: strings as they are, numbers as written, true/false as Có/Không, arrays
/// joined by ";" (several choices), anything else as no answer. A <see cref="JsonElement"/> per answer would build a
/// <see cref="JsonDocument"/> for each of the thirty-odd values of every submission.</summary>
public sealed class AnswersJson : JsonConverter<Dictionary<string, string?>>
{
    public override Dictionary<string, string?> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("answers: một đối tượng JSON mã câu → câu trả lời.");
        var answers = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var code = reader.GetString()!;
            reader.Read();
            answers[code] = Text(ref reader);
        }
        return answers;
    }

    static string? Text(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.Number: return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
            case JsonTokenType.True: return "Có";
            case JsonTokenType.False: return "Không";
            case JsonTokenType.StartArray:
                var parts = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) parts.Add(Text(ref reader) ?? "");
                return string.Join(CollectionRules.MultipleSeparator, parts);
            case JsonTokenType.StartObject:
                reader.Skip();
                return null;
            default: return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, string?> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (code, text) in value) writer.WriteString(code, text);
        writer.WriteEndObject();
    }
}

public sealed record ResponseAccepted(IReadOnlyList<string> Flags);

public sealed record ReviewRequest(bool Accept);

public sealed record WithdrawRequest(string? Reason);

public static class SurveyCollectionApi
{
    public const string FormRateLimit = "survey-form";

    public static IServiceCollection AddSurveyCollection(this IServiceCollection services) =>
        services.AddSingleton<CollectionForms>().AddScoped<CollectionService>().AddSingleton<LiveScores>()
            .AddSingleton<IntakeWriter>().AddHostedService(sp => sp.GetRequiredService<IntakeWriter>());

    public static RouteGroupBuilder MapSurveyCollectionApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/surveys/rounds/{id:int}").WithTags("Surveys: collection").RequireAuthorization(Policies.SurveysRead);
        var write = g.MapGroup("").RequireAuthorization(Policies.Surveys);
        g.MapPost("/responses", Submit).WithSummary("Nhận một phiếu trả lời (cùng kiểm tra và cách lưu như phiếu trực tuyến)")
            // The collection tools of the public (kiosks, the form's own script) answer without an account, like the form,
            // and under the same per-address limit.
            .AllowAnonymous().RequireRateLimiting(FormRateLimit);
        g.MapGet("/progress", Progress).WithSummary("Tiến độ thu phiếu: số phiếu so với chỉ tiêu theo đơn vị × nhóm, tỷ lệ phản hồi, phiếu bị gắn cờ");
        g.MapGet("/flagged", Flagged).WithSummary("Phiếu bị gắn cờ (trả lời quá nhanh, cùng một mức, trùng lặp)");
        write.MapPost("/responses/{responseId:long}/review", Review).WithSummary("Chấp nhận hoặc loại một phiếu bị gắn cờ");
        write.MapPost("/paper", ImportPaper).WithSummary("Nhập phiếu giấy từ CSV/Excel (tất cả hoặc không); kèm tệp nhập lần 2 để đối chiếu").DisableAntiforgery()
            .AcceptsUpTo(2 * PaperImport.Limits.MaxBytes);
        g.MapGet("/paper/template.xlsx", PaperTemplate).WithSummary("Tệp Excel mẫu để nhập phiếu giấy: các cột cần có, hướng dẫn từng câu, mã đơn vị và nhóm");
        g.MapGet("/paper/batches", PaperBatches).WithSummary("Các lô phiếu giấy đã nhập của đợt: tệp, người nhập, số phiếu, số phiếu bị gắn cờ hoặc loại");
        write.MapPost("/paper/batches/{batchId:int}/withdraw", WithdrawBatch)
            .WithSummary("Rút một lô phiếu giấy nhập nhầm: mọi phiếu của lô bị loại khỏi kết quả (giữ lại, có nhật ký và lý do)");
        write.MapPost("/paper/reconcile", ReconcilePaper).WithSummary("Đối chiếu hai lần nhập cùng một tập phiếu giấy: các ô khác nhau").DisableAntiforgery()
            .AcceptsUpTo(2 * PaperImport.Limits.MaxBytes);
        return g;
    }

    static async Task<Results<Created<ResponseAccepted>, NotFound, ValidationProblem, ProblemHttpResult>> Submit(int id,
        ResponseRequest request, CollectionService intake, CancellationToken ct)
    {
        var result = await intake.SubmitAsync(new Submission(id, request.Unit ?? "", request.Group ?? "", request.Answers ?? [], request.Token, request.Dossier,
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

    static async Task<Results<Ok<RoundProgress>, NotFound>> Progress(int id, [FromKeyedServices(DatabaseSetup.Read)] ChiSoDb db, HttpContext http, CancellationToken ct) =>
        await CollectionProgress.LoadAsync(db, id, Actor.From(http.User), ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound();

    static async Task<Ok<List<FlaggedResponse>>> Flagged(int id, bool? pending, ChiSoDb db, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await CollectionProgress.FlaggedAsync(db, id, pending ?? true, Actor.From(http.User), ct: ct));

    static async Task<Results<NoContent, NotFound>> Review(int id, long responseId, ReviewRequest request, ChiSoDb db, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        await CollectionProgress.ReviewAsync(db, id, responseId, request.Accept, Actor.From(http.User), clock, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    static async Task<Results<Ok<PaperWithdrawal>, NotFound, ValidationProblem>> WithdrawBatch(int id, int batchId, WithdrawRequest request,
        ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var change = await PaperImport.WithdrawAsync(db, id, batchId, request.Reason, Actor.From(http.User), clock, ct);
        if (change.NotFound) return TypedResults.NotFound();
        if (change.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "Không rút được lô phiếu.");
        return TypedResults.Ok(change.Value!);
    }

    static async Task<Results<Ok<PaperImportReport>, UnprocessableEntity<PaperImportReport>>> ImportPaper(int id, IFormFile file, IFormFile? second,
        ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        await using var stream = file.Within(PaperImport.Limits).OpenReadStream();
        await using var other = second?.Within(PaperImport.Limits).OpenReadStream();
        var report = await PaperImport.ImportAsync(db, id, file.FileName, stream, Actor.From(http.User), clock, other, ct: ct);
        return report.Succeeded ? TypedResults.Ok(report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<FileContentHttpResult, NotFound>> PaperTemplate(int id, ChiSoDb db, CancellationToken ct)
    {
        if (await CollectionForms.LoadAsync(db, id, ct) is not { } form) return TypedResults.NotFound();
        using var xlsx = new MemoryStream();
        PaperImport.WriteTemplate(form, xlsx);
        return TypedResults.File(xlsx.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"mau-nhap-phieu-giay-dot-{id}.xlsx");
    }

    static async Task<Results<Ok<List<PaperBatchLine>>, NotFound>> PaperBatches(int id, ChiSoDb db, HttpContext http, CancellationToken ct) =>
        await db.SurveyRounds.AnyAsync(r => r.Id == id, ct) ? TypedResults.Ok(await PaperImport.BatchesAsync(db, id, Actor.From(http.User), ct)) : TypedResults.NotFound();

    static async Task<Ok<PaperReconciliation>> ReconcilePaper(IFormFile file, IFormFile second)
    {
        await using var a = file.Within(PaperImport.Limits).OpenReadStream();
        await using var b = second.Within(PaperImport.Limits).OpenReadStream();
        return TypedResults.Ok(PaperImport.Reconcile(a, b));
    }
}
