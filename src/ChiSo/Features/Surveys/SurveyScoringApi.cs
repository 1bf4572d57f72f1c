using ChiSo.Features.Accounts;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Features.Surveys;

/// <summary>One response in the list; answers as the JSON object they are stored as.</summary>
public sealed record ResponseItem(long Id, string Unit, string Group, ResponseChannel Channel, DateOnly SubmittedOn,
    ResponseReview Review, string? Flags, int? Seconds, JsonElement Answers);

/// <summary>A page of responses; <see cref="Next"/> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record ResponsePage(IReadOnlyList<ResponseItem> Items, long? Next);

public static class SurveyScoringApi
{
    public const int MaxTake = 500;

    public static RouteGroupBuilder MapSurveyScoringApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/surveys/rounds").WithTags("Surveys").RequireAuthorization(Policies.SurveysRead);
        g.MapGet("/{id:int}/scores", Scores).WithSummary("Kết quả chấm điểm của đợt khảo sát: theo đơn vị, nhóm đối tượng, câu hỏi, tiêu chí; SIPAS theo thành phần, lĩnh vực, chung");
        g.MapGet("/{id:int}/scores.xlsx", ScoresXlsx).WithSummary("Tải kết quả chấm điểm (Excel)");
        g.MapPost("/{id:int}/publish", Publish).WithSummary("Đưa kết quả khảo sát vào kết quả chỉ số (có nhật ký); khảo sát xã hội học cần ghi rõ framework").RequireAuthorization(Policies.Surveys);
        g.MapGet("/{id:int}/responses", Responses).WithSummary("Danh sách phiếu trả lời, phân trang theo mã phiếu (after, take)");
        g.MapGet("/{id:int}/responses.xlsx", ResponsesXlsx).WithSummary("Tải toàn bộ phiếu trả lời (Excel, một dòng một phiếu, một cột một câu hỏi)");
        return g;
    }

    /// <summary>Live: a new answer counts at the next read (<see cref="LiveScores"/>).</summary>
    static async Task<Results<Ok<RoundScores>, NotFound>> Scores(int id, [FromKeyedServices(DatabaseSetup.Read)] ChiSoDb db, LiveScores live, HttpContext http, CancellationToken ct) =>
        await live.ScoreAsync(db, id, Actor.From(http.User), ct) is { } s ? TypedResults.Ok(s) : TypedResults.NotFound();

    static async Task<Results<FileStreamHttpResult, NotFound>> ScoresXlsx(int id, [FromKeyedServices(DatabaseSetup.Read)] ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        if (await RoundScoring.ScoreAsync(db, id, Actor.From(http.User), ct) is not { } s) return TypedResults.NotFound();
        var stream = new MemoryStream();
        ScoringExcel.Write(s, stream);
        stream.Position = 0;
        return TypedResults.File(stream, Xlsx, $"ket-qua-khao-sat-{id}.xlsx");
    }

    static async Task<Results<Ok<ImportReport>, NotFound, UnprocessableEntity<ImportReport>>> Publish(int id, string? framework,
        ChiSoDb db, FrameworkImporter importer, HttpContext http, CancellationToken ct)
    {
        var report = await ScoringPublish.PublishAsync(db, importer, id, framework, Actor.From(http.User), ct);
        if (report is null) return TypedResults.NotFound();
        return report.Succeeded ? TypedResults.Ok(report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<Ok<ResponsePage>, NotFound, ValidationProblem>> Responses(int id, string? unit, string? group, long? after, int? take,
        [FromKeyedServices(DatabaseSetup.Read)] ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var size = take ?? 50;
        if (size is < 1 or > MaxTake)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["take"] = [$"Số phiếu mỗi trang phải từ 1 đến {MaxTake}."] });
        if (!await db.SurveyRounds.AnyAsync(r => r.Id == id, ct)) return TypedResults.NotFound();
        var page = await PageAsync(db, id, unit, group, after, size, Actor.From(http.User), ct);
        return page is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["unit"] = [$"Không có đơn vị '{unit}'."] })
            : TypedResults.Ok(page);
    }

    /// <summary>Keyset paging on Id: every page is a range read from the (RoundId, UnitId, Group) index or the key, so the
    /// thousandth page costs what the first does. Null when the unit code is unknown.</summary>
    public static async Task<ResponsePage?> PageAsync(ChiSoDb db, int roundId, string? unit, string? group, long? after, int take, Actor actor,
        CancellationToken ct = default)
    {
        Rounds.RequireRead(actor);
        var q = db.SurveyResponses.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(unit))
        {
            var code = unit.Trim().ToUpperInvariant();
            var unitId = await db.Units.Where(u => u.Code == code).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct);
            if (unitId is null) return null;
            q = q.Where(r => r.RoundId == roundId && r.UnitId == unitId);
        }
        else
            // "+ 0" keeps the planner off the (RoundId, UnitId, Group) index, which would sort every response of the round
            // (270 ms at 10^6); walking the key from `after` stops at the 51st match. It assumes a round's responses are
            // not a tiny share of the Ids that follow `after`, which holds while rounds are collected one after another.
            q = q.Where(r => r.RoundId + 0 == roundId);
        if (!string.IsNullOrWhiteSpace(group)) q = q.Where(r => r.Group == group);
        if (after is { } a) q = q.Where(r => r.Id > a);
        var rows = await q.OrderBy(r => r.Id).Take(take + 1)
            .Select(r => new { r.Id, r.UnitId, r.Group, r.Channel, r.SubmittedOn, r.Review, r.Flags, r.Seconds, r.Answers })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.UnitId).Distinct().ToList();
        var codes = await db.Units.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Code, ct);
        var items = rows.Take(take).Select(r => new ResponseItem(r.Id, codes.GetValueOrDefault(r.UnitId, ""), r.Group, r.Channel,
            r.SubmittedOn, r.Review, r.Flags, r.Seconds, ParseAnswers(r.Answers))).ToList();
        return new ResponsePage(items, rows.Count > take ? items[^1].Id : null);
    }

    static JsonElement ParseAnswers(string json)
    {
        try { return JsonDocument.Parse(json).RootElement.Clone(); }
        catch (JsonException) { return JsonDocument.Parse("{}").RootElement.Clone(); }
    }

    static async Task<Results<FileStreamHttpResult, NotFound>> ResponsesXlsx(int id, [FromKeyedServices(DatabaseSetup.Read)] ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        // A temporary file, not memory: the workbook of a large round is tens of megabytes; it is deleted once sent, and while it
        // exists only the service account can read it (the temporary folder is shared by every local user).
        var path = Path.Combine(Path.GetTempPath(), $"chiso-responses-{Guid.NewGuid():N}.xlsx");
        var file = ChiSo.Data.OwnerOnlyFiles.Create(path, FileOptions.DeleteOnClose);
        try
        {
            if (!await ResponseExport.WriteAsync(db, id, file, actor, ct))
            {
                await file.DisposeAsync();
                return TypedResults.NotFound();
            }
            file.Position = 0;
            return TypedResults.File(file, Xlsx, $"phieu-tra-loi-{id}.xlsx");
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    const string Xlsx = ChiSo.Features.Files.ContentTypes.Xlsx;
}
