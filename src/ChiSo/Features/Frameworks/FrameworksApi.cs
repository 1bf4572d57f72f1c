using ChiSo.Features.Accounts;
using ChiSo.Data;
using ChiSo.Features.Files;
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
        g.MapPost("/import", ImportJson).WithSummary("Nhập bộ chỉ số dạng JSON (tất cả hoặc không)").RequireAuthorization(Policies.Admin)
            .AcceptsUpTo(FrameworkExcel.Limits.MaxBytes);
        g.MapPost("/import.xlsx", ImportXlsx).WithSummary("Nhập tệp Excel mẫu phụ lục (tất cả hoặc không)").DisableAntiforgery().RequireAuthorization(Policies.Admin)
            .AcceptsUpTo(FrameworkExcel.Limits.MaxBytes);

        // The framework editor: anyone signed in reads, the standing agency edits.
        g.MapGet("/{key}/versions/{label}", GetVersion).WithSummary("Cây tiêu chí của một phiên bản để sửa, kèm cảnh báo tổng điểm");
        g.MapPost("/", CreateFramework).WithSummary("Tạo bộ chỉ số").RequireAuthorization(Policies.Admin);
        g.MapPost("/{key}/versions", CreateVersion).WithSummary("Tạo phiên bản (trống hoặc sao chép cây tiêu chí của phiên bản khác)").RequireAuthorization(Policies.Admin);
        g.MapPost("/{key}/versions/{label}/criteria", AddCriterion).WithSummary("Thêm tiêu chí").RequireAuthorization(Policies.Admin);
        g.MapPut("/{key}/versions/{label}/criteria/{code}", UpdateCriterion).WithSummary("Sửa tiêu chí").RequireAuthorization(Policies.Admin);
        g.MapGet("/{key}/versions/{label}/year-leads", ListYearLeads).WithSummary("Đơn vị chủ trì theo năm của các tiêu chí (thay đơn vị chủ trì của khung trong năm đó)");
        g.MapPut("/{key}/versions/{label}/criteria/{code}/year-leads/{year:int}", SetYearLeads)
            .WithSummary("Đặt đơn vị chủ trì của một tiêu chí cho một năm (danh sách rỗng: bỏ, dùng lại đơn vị chủ trì của khung)").RequireAuthorization(Policies.Admin);
        g.MapDelete("/{key}/versions/{label}/criteria/{code}", DeleteCriterion).WithSummary("Xóa tiêu chí cùng các tiêu chí con").RequireAuthorization(Policies.Admin);
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
        var report = await importer.ImportAsync(doc, Actor.From(http.User), reason ?? "Nhập JSON qua API", ct);
        return report.Succeeded ? TypedResults.Ok(report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<Ok<ImportReport>, UnprocessableEntity<ImportReport>, BadRequest<string>>> ImportXlsx(IFormFile file, string? reason,
        FrameworkExcel excel, HttpContext http, CancellationToken ct)
    {
        if (file.Length == 0) return TypedResults.BadRequest("Tệp rỗng.");
        await using var stream = file.Within(FrameworkExcel.Limits).OpenReadStream();
        var report = await excel.ImportAsync(stream, Actor.From(http.User), reason ?? $"Nhập tệp {ImportedFiles.FileName(file.FileName)}", ct);
        return report.Succeeded ? TypedResults.Ok(report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<Ok<EditableVersion>, NotFound>> GetVersion(string key, string label, ChiSoDb db, CancellationToken ct) =>
        await FrameworkEditor.LoadAsync(db, key, Uri.UnescapeDataString(label), ct) is { } v ? TypedResults.Ok(v) : TypedResults.NotFound();

    static async Task<Results<Created<FrameworkSummary>, Created<EditableVersion>, Ok<EditableVersion>, NotFound, ValidationProblem, ProblemHttpResult>> CreateFramework(
        NewFramework input, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        Http(await FrameworkEditor.CreateFrameworkAsync(db, clock, input, Actor.From(http.User), ct), created: true);

    static async Task<Results<Created<FrameworkSummary>, Created<EditableVersion>, Ok<EditableVersion>, NotFound, ValidationProblem, ProblemHttpResult>> CreateVersion(
        string key, NewVersion input, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        Http(await FrameworkEditor.CreateVersionAsync(db, clock, key, input, Actor.From(http.User), ct), created: true);

    static async Task<Results<Created<FrameworkSummary>, Created<EditableVersion>, Ok<EditableVersion>, NotFound, ValidationProblem, ProblemHttpResult>> AddCriterion(
        string key, string label, CriterionChange change, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        Http(await FrameworkEditor.SaveCriterionAsync(db, clock, key, Uri.UnescapeDataString(label), null, change, Actor.From(http.User), ct), created: true);

    static async Task<Results<Created<FrameworkSummary>, Created<EditableVersion>, Ok<EditableVersion>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateCriterion(
        string key, string label, string code, CriterionChange change, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        Http(await FrameworkEditor.SaveCriterionAsync(db, clock, key, Uri.UnescapeDataString(label), code, change, Actor.From(http.User), ct));

    static async Task<Results<Created<FrameworkSummary>, Created<EditableVersion>, Ok<EditableVersion>, NotFound, ValidationProblem, ProblemHttpResult>> DeleteCriterion(
        string key, string label, string code, Guid concurrency, string? reason, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        Http(await FrameworkEditor.DeleteCriterionAsync(db, clock, key, Uri.UnescapeDataString(label), code, concurrency, reason, Actor.From(http.User), ct));

    static async Task<Results<Ok<List<YearLeadsView>>, NotFound>> ListYearLeads(string key, string label, ChiSoDb db, CancellationToken ct) =>
        await YearLeads.ListAsync(db, key, Uri.UnescapeDataString(label), ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound();

    static async Task<Results<Created<FrameworkSummary>, Created<EditableVersion>, Ok<EditableVersion>, NotFound, ValidationProblem, ProblemHttpResult>> SetYearLeads(
        string key, string label, string code, int year, YearLeadsChange change, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        Http(await YearLeads.SetAsync(db, clock, key, Uri.UnescapeDataString(label), code, year, change, Actor.From(http.User), ct));

    // TypedResults.Problem, not Conflict(body): the body must go out as application/problem+json.
    static Results<Created<FrameworkSummary>, Created<EditableVersion>, Ok<EditableVersion>, NotFound, ValidationProblem, ProblemHttpResult> Http(FrameworkEdit edit, bool created = false) => edit switch
    {
        FrameworkEdit.Created c => TypedResults.Created($"/api/frameworks/{c.Framework.Key}/export.json", c.Framework),
        FrameworkEdit.Saved s when created =>
            TypedResults.Created($"/api/frameworks/{s.Version.Key}/versions/{Uri.EscapeDataString(s.Version.Label)}", s.Version),
        FrameworkEdit.Saved s => TypedResults.Ok(s.Version),
        FrameworkEdit.NotFound => TypedResults.NotFound(),
        FrameworkEdit.Invalid i => TypedResults.ValidationProblem(i.Errors, title: "Dữ liệu khung chỉ số không hợp lệ"),
        FrameworkEdit.Conflict => TypedResults.Problem("Hãy tải lại phiên bản để xem thay đổi mới rồi sửa lại.", statusCode: 409,
            title: "Phiên bản đã được người khác sửa"),
        FrameworkEdit.Locked l => TypedResults.Problem(l.Reason + " Không xóa được tiêu chí; hãy tạo phiên bản mới nếu cần đổi cấu trúc.",
            statusCode: 409, title: "Phiên bản đang được sử dụng"),
        _ => throw new InvalidOperationException(edit.ToString()),
    };
}
