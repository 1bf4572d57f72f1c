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
        g.MapPost("/import.xlsx", ImportXlsx)
            .WithSummary("Nhập danh mục từ Excel: trang 'Đơn vị' và trang 'Kế thừa' (tất cả hoặc không, báo lỗi theo dòng)")
            .DisableAntiforgery().RequireAuthorization(Policies.Admin).AcceptsUpTo(UnitWorkbook.Limits.MaxBytes);
        g.MapPost("/", Add).WithSummary("Thêm một đơn vị (cơ quan thường trực)").RequireAuthorization(Policies.Admin);
        g.MapPost("/{code}/rename", Rename).WithSummary("Đổi tên một đơn vị; tên cũ giữ làm tên gọi khác").RequireAuthorization(Policies.Admin);
        g.MapPost("/{code}/end", End)
            .WithSummary("Kết thúc một đơn vị: một đơn vị kế thừa là hợp nhất, nhiều là chia tách, không có là giải thể; mỗi kế thừa kèm văn bản")
            .RequireAuthorization(Policies.Admin);
        g.MapPost("/successions", Succession).WithSummary("Ghi một quan hệ kế thừa (đơn vị trước → đơn vị sau) với văn bản quyết định")
            .RequireAuthorization(Policies.Admin);
        return g;
    }

    static Task<List<UnitListing>> List(DateOnly? asOf, string? kind, string? q, ChiSoDb db, CancellationToken ct) =>
        UnitQueries.ListAsync(db, asOf, kind is null ? null : UnitKinds.Parse(kind), ct, q);

    static async Task<Results<Ok<UnitListing>, NotFound>> Get(string code, ChiSoDb db, CancellationToken ct) =>
        (await UnitQueries.ListAsync(db, null, null, ct)).FirstOrDefault(u => u.Code.Equals(code, StringComparison.OrdinalIgnoreCase)) is { } u
            ? TypedResults.Ok(u) : TypedResults.NotFound();

    static Results<NoContent, ValidationProblem> Outcome(IReadOnlyList<string> problems) =>
        problems.Count == 0 ? TypedResults.NoContent() : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["units"] = [.. problems] });

    static async Task<Results<NoContent, ValidationProblem>> Add(NewUnit body, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct) =>
        Outcome(await new UnitRegistry(db, clock).AddAsync(body, Actor.From(http.User), ct));

    public sealed record Renaming(string Name, DateOnly Date, string? Reference);

    static async Task<Results<NoContent, ValidationProblem>> Rename(string code, Renaming body, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct) =>
        Outcome(await new UnitRegistry(db, clock).RenameAsync(code, body.Name ?? "", body.Date, body.Reference, Actor.From(http.User), ct));

    static async Task<Results<NoContent, ValidationProblem>> End(string code, UnitEnd body, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct) =>
        Outcome(await new UnitRegistry(db, clock).EndAsync(code, body with { Successors = body.Successors ?? [] }, Actor.From(http.User), ct));

    static async Task<Results<NoContent, ValidationProblem>> Succession(NewSuccession body, ChiSoDb db, HttpContext http, TimeProvider clock, CancellationToken ct) =>
        Outcome(await new UnitRegistry(db, clock).RecordSuccessionAsync(body, Actor.From(http.User), ct));

    static async Task<Results<NoContent, ValidationProblem>> ImportXlsx(IFormFile file, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        await using var stream = file.Within(UnitWorkbook.Limits).OpenReadStream();
        return Outcome(await new UnitWorkbook(new UnitImporter(db)).ImportAsync(stream, Actor.From(http.User), ct));
    }

    static async Task<Results<NoContent, ValidationProblem>> Import(UnitsDocument doc, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var problems = await new UnitImporter(db).ImportAsync(doc, Actor.From(http.User), ct);
        return problems.Count == 0 ? TypedResults.NoContent() : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["units"] = [.. problems] });
    }
}
