using ChiSo.Features.Accounts;
using ChiSo.Data;
using ChiSo.Features.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChiSo.Features.Units;

public static class UnitsApi
{
    public static RouteGroupBuilder MapUnitsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/units").WithTags("Units").RequireAuthorization(Policies.Staff);
        g.MapGet("/", List).WithSummary("Danh mục tổ chức; asOf lọc đơn vị còn tồn tại vào ngày đó");
        g.MapGet("/{code}", Get).WithSummary("Một đơn vị với lịch sử sáp nhập, chia tách, đổi tên");
        g.MapPost("/import", Import).WithSummary("Thêm hoặc cập nhật đơn vị và sự kiện (tất cả hoặc không)").RequireAuthorization(Policies.Admin)
            .AcceptsUpTo(UnitImporter.Limits.MaxBytes);
        return g;
    }

    static Task<List<UnitListing>> List(DateOnly? asOf, string? kind, ChiSoDb db, CancellationToken ct) =>
        UnitQueries.ListAsync(db, asOf, kind is null ? null : UnitKinds.Parse(kind), ct);

    static async Task<Results<Ok<UnitListing>, NotFound>> Get(string code, ChiSoDb db, CancellationToken ct) =>
        (await UnitQueries.ListAsync(db, null, null, ct)).FirstOrDefault(u => u.Code.Equals(code, StringComparison.OrdinalIgnoreCase)) is { } u
            ? TypedResults.Ok(u) : TypedResults.NotFound();

    static async Task<Results<NoContent, ValidationProblem>> Import(UnitsDocument doc, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var problems = await new UnitImporter(db).ImportAsync(doc, Actor.From(http.User), ct);
        return problems.Count == 0 ? TypedResults.NoContent() : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["units"] = [.. problems] });
    }
}
