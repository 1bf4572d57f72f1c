using ChiSo.Features.Accounts;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Results;

/// <summary>A headline result of one year, for the history chart.</summary>
public sealed record HeadlinePoint(int Year, decimal? Total, int? Rank, int? RankOf, string? Band, string? Source, HeadlineTarget? Target);

/// <summary>A change to one published score: the value, why, and the version of the result it was read from.</summary>
public sealed record ScoreChange(decimal? Value, string? Reason, Guid Concurrency);

public static class ResultsApi
{
    public static RouteGroupBuilder MapResultsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/results").WithTags("Results").RequireAuthorization(Policies.Staff);
        g.MapGet("/{key}/{year:int}", Get).WithSummary("Cây tiêu chí với kết quả, mục tiêu năm sau, kết quả năm trước và các chỗ tổng không khớp");
        g.MapGet("/{key}/history", History).WithSummary("Kết quả chung và xếp hạng qua các năm");
        g.MapPut("/{key}/{year:int}/scores/{code}", SetScore).WithSummary("Sửa điểm một tiêu chí (có lý do, ghi nhật ký, chống ghi đè)").RequireAuthorization(Policies.Admin);
        return g;
    }

    static async Task<Results<Ok<IndexReport>, NotFound>> Get(string key, int year, string? unit, ChiSoDb db, CancellationToken ct) =>
        await IndexSnapshot.LoadAsync(db, key, year, unit, ct) is { } s ? TypedResults.Ok(IndexReport.From(s)) : TypedResults.NotFound();

    public static async Task<List<HeadlinePoint>?> HistoryAsync(ChiSoDb db, string key, string? unit, CancellationToken ct = default)
    {
        var u = await IndexSnapshot.FindUnitAsync(db, unit, ct);
        var framework = await db.Frameworks.AsNoTracking().FirstOrDefaultAsync(f => f.Key == key, ct);
        if (u is null || framework is null) return null;
        var results = await db.Results.AsNoTracking().Where(r => r.Version!.FrameworkId == framework.Id && r.UnitId == u.Id).ToListAsync(ct);
        var targets = await db.Targets.AsNoTracking().Where(t => t.Version!.FrameworkId == framework.Id && t.UnitId == u.Id).ToListAsync(ct);
        return results.Select(r => r.Year).Union(targets.Select(t => t.Year)).Order().Select(year =>
        {
            var r = results.FirstOrDefault(x => x.Year == year);
            return new HeadlinePoint(year, r?.Total, r?.Rank, r?.RankOf, r?.Band, r?.Source,
                HeadlineTarget.From(targets.FirstOrDefault(t => t.Year == year), year, r?.Total));
        }).ToList();
    }

    static async Task<Results<Ok<List<HeadlinePoint>>, NotFound>> History(string key, string? unit, ChiSoDb db, CancellationToken ct) =>
        await HistoryAsync(db, key, unit, ct) is { } h ? TypedResults.Ok(h) : TypedResults.NotFound();

    static async Task<Results<Ok<IndexReport>, NotFound, ValidationProblem, ProblemHttpResult>> SetScore(
        string key, int year, string code, string? unit, ScoreChange change, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var outcome = await ScoreEditor.SetAsync(db, clock, key, year, unit, code, change, Actor.From(http.User), ct);
        return outcome switch
        {
            ScoreEdit.NotFound => TypedResults.NotFound(),
            ScoreEdit.Invalid(var errors) => TypedResults.ValidationProblem(errors),
            // TypedResults.Problem, not Conflict(body): the body must go out as application/problem+json.
            ScoreEdit.Conflict => TypedResults.Problem("Hãy tải lại để xem giá trị mới rồi sửa lại.", statusCode: 409, title: "Kết quả đã được người khác sửa"),
            ScoreEdit.Saved(var report) => TypedResults.Ok(report),
            _ => throw new InvalidOperationException(outcome.ToString()),
        };
    }
}
