using ChiSo.Features.Accounts;
using ChiSo.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Frameworks;

public sealed record FrameworkSummary(string Key, string Name, string? NameEn, string Scale, string? Publisher,
    IReadOnlyList<VersionSummary> Versions, IReadOnlyList<int> ResultYears);

public sealed record VersionSummary(string Label, string? Name, int ValidFromYear, int? ValidToYear, decimal Max, int Criteria);

public static class FrameworksApi
{
    const string Xlsx = ChiSo.Features.Files.ContentTypes.Xlsx;

    public static RouteGroupBuilder MapFrameworksApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/frameworks").WithTags("Frameworks").RequireAuthorization(Policies.Staff);
        g.MapGet("/", List).WithSummary("Bộ chỉ số, phiên bản và các năm có kết quả");
        g.MapGet("/{key}/export.json", ExportJson).WithSummary("Xuất bộ chỉ số (mọi năm, hoặc một năm) dạng JSON");
        g.MapGet("/{key}/export.xlsx", ExportXlsx).WithSummary("Xuất một năm theo mẫu phụ lục Excel");
        g.MapPost("/import", ImportJson).WithSummary("Nhập bộ chỉ số dạng JSON (tất cả hoặc không)").RequireAuthorization(Policies.Admin);
        g.MapPost("/import.xlsx", ImportXlsx).WithSummary("Nhập tệp Excel mẫu phụ lục (tất cả hoặc không)").DisableAntiforgery().RequireAuthorization(Policies.Admin);
        return g;
    }

    public static async Task<List<FrameworkSummary>> ListAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var frameworks = await db.Frameworks.AsNoTracking().Include(f => f.Versions).OrderBy(f => f.Id).ToListAsync(ct);
        var counts = await db.Criteria.GroupBy(c => c.VersionId).Select(x => new { x.Key, Count = x.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var years = await db.Results.Select(r => new { r.Version!.FrameworkId, r.Year }).Distinct().ToListAsync(ct);
        return frameworks.Select(f => new FrameworkSummary(f.Key, f.Name, f.NameEn, f.Scale.ToString().ToLowerInvariant(), f.Publisher,
            f.Versions.OrderBy(v => v.ValidFromYear).Select(v => new VersionSummary(v.Label, v.Name, v.ValidFromYear, v.ValidToYear, v.Max, counts.GetValueOrDefault(v.Id))).ToList(),
            years.Where(y => y.FrameworkId == f.Id).Select(y => y.Year).Order().ToList())).ToList();
    }

    static Task<List<FrameworkSummary>> List(ChiSoDb db, CancellationToken ct) => ListAsync(db, ct);

    static async Task<Results<Ok<FrameworkDocument>, NotFound>> ExportJson(string key, int? year, ChiSoDb db, CancellationToken ct) =>
        await FrameworkExport.DocumentAsync(db, key, year, ct) is { } doc ? TypedResults.Ok(doc) : TypedResults.NotFound();

    static async Task<Results<FileContentHttpResult, NotFound>> ExportXlsx(string key, int year, ChiSoDb db, FrameworkExcel excel, CancellationToken ct)
    {
        var doc = await FrameworkExport.DocumentAsync(db, key, year, ct);
        if (doc is null || doc.Versions.Count == 0) return TypedResults.NotFound();
        var stream = new MemoryStream();
        excel.Write(doc, year, stream);
        return TypedResults.File(stream.ToArray(), Xlsx, $"{key}-{year}.xlsx");
    }

    static async Task<Results<Ok<ImportReport>, UnprocessableEntity<ImportReport>>> ImportJson(FrameworkDocument doc, string? reason,
        FrameworkImporter importer, HttpContext http, CancellationToken ct)
    {
        var report = await importer.ImportAsync(doc, Who.Of(http), reason ?? "Nhập JSON qua API", ct);
        return report.Succeeded ? TypedResults.Ok(report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<Ok<ImportReport>, UnprocessableEntity<ImportReport>, BadRequest<string>>> ImportXlsx(IFormFile file, string? reason,
        FrameworkExcel excel, HttpContext http, CancellationToken ct)
    {
        if (file.Length == 0) return TypedResults.BadRequest("Tệp rỗng.");
        await using var stream = file.OpenReadStream();
        var report = await excel.ImportAsync(stream, Who.Of(http), reason ?? $"Nhập tệp {file.FileName}", ct);
        return report.Succeeded ? TypedResults.Ok(report) : TypedResults.UnprocessableEntity(report);
    }
}
