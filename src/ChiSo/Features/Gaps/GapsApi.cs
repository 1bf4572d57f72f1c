using ChiSo.Features.Accounts;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChiSo.Features.Gaps;

public static class GapsApi
{
    public static RouteGroupBuilder MapGapsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/gaps").WithTags("Gaps").RequireAuthorization(Policies.Staff);
        g.MapGet("/{key}/{year:int}", Get).WithSummary("Điểm bị mất theo tiêu chí, đơn vị chủ trì, lĩnh vực; dự kiến nếu đạt mục tiêu");
        g.MapGet("/{key}/{year:int}/export.xlsx", Export).WithSummary("Xuất phân tích điểm bị mất ra Excel");
        return g;
    }

    static async Task<Results<Ok<GapReport>, NotFound>> Get(string key, int year, string? unit, ChiSoDb db, CancellationToken ct) =>
        await IndexSnapshot.LoadAsync(db, key, year, unit, ct) is { } s ? TypedResults.Ok(GapReport.From(s)) : TypedResults.NotFound();

    static async Task<Results<FileContentHttpResult, NotFound>> Export(string key, int year, string? unit, ChiSoDb db, CancellationToken ct)
    {
        if (await IndexSnapshot.LoadAsync(db, key, year, unit, ct) is not { } s) return TypedResults.NotFound();
        var stream = new MemoryStream();
        FrameworkExcel.WriteGaps(GapReport.From(s), stream);
        return TypedResults.File(stream.ToArray(), ChiSo.Features.Files.ContentTypes.Xlsx, $"diem-bi-mat-{key}-{year}.xlsx");
    }
}
