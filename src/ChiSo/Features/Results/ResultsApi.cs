using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Audit;
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
public sealed record ScoreChange(decimal? Value, string Reason, Guid Concurrency);

public static class ResultsApi
{
    public static RouteGroupBuilder MapResultsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/results").WithTags("Results");
        g.MapGet("/{key}/{year:int}", Get).WithSummary("Cây tiêu chí với kết quả, mục tiêu năm sau, kết quả năm trước và các chỗ tổng không khớp");
        g.MapGet("/{key}/history", History).WithSummary("Kết quả chung và xếp hạng qua các năm");
        g.MapPut("/{key}/{year:int}/scores/{code}", SetScore).WithSummary("Sửa điểm một tiêu chí (có lý do, ghi nhật ký, chống ghi đè)");
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

    static async Task<Results<Ok<IndexReport>, NotFound, ValidationProblem, Conflict<ProblemDetailsBody>>> SetScore(
        string key, int year, string code, string? unit, ScoreChange change, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var s = await IndexSnapshot.LoadAsync(db, key, year, unit, ct);
        if (s?.Result is null) return TypedResults.NotFound();
        var criterion = s.Criteria.FirstOrDefault(c => c.Code == code);
        if (criterion is null) return TypedResults.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(change.Reason)) errors["reason"] = ["Cần ghi lý do thay đổi điểm."];
        if (change.Value is < 0) errors["value"] = ["Điểm không được âm."];
        if (change.Value is { } v && criterion.Max is { } max && v > max)
            errors["value"] = [$"Điểm {ViText.Num(v)} vượt điểm tối đa {ViText.Num(max)}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var result = await db.Results.Include(r => r.Scores).FirstAsync(r => r.Id == s.Result.Id, ct);
        if (result.Concurrency != change.Concurrency)
            return TypedResults.Conflict(new ProblemDetailsBody("Kết quả đã được người khác sửa", "Hãy tải lại để xem giá trị mới rồi sửa lại.", 409));
        var score = result.Scores.FirstOrDefault(x => x.CriterionId == criterion.Id);
        if (score is null) result.Scores.Add(score = new CriterionScore { CriterionId = criterion.Id });
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = FrameworksApi.UserName(http), Subject = $"result:{key}:{year}:{s.Unit.Code}", Field = code,
            OldValue = score.Value?.ToString(CultureInfo.InvariantCulture), NewValue = change.Value?.ToString(CultureInfo.InvariantCulture), Reason = change.Reason,
        });
        score.Value = change.Value;
        score.Note = null;
        result.Concurrency = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Conflict(new ProblemDetailsBody("Kết quả đã được người khác sửa", "Hãy tải lại để xem giá trị mới rồi sửa lại.", 409));
        }
        return TypedResults.Ok(IndexReport.From((await IndexSnapshot.LoadAsync(db, key, year, unit, ct))!));
    }
}

/// <summary>A problem+json body for expected conflicts.</summary>
public sealed record ProblemDetailsBody(string Title, string Detail, int Status)
{
    public string Type => "https://tools.ietf.org/html/rfc9110#section-15.5.10";
}
