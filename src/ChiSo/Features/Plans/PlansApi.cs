using ChiSo.Features.Files;
using ChiSo.Features.Accounts;
using System.Text.Json;
using ChiSo.Features.Frameworks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChiSo.Features.Plans;

/// <summary>Asks for a plan drafted from the gaps of <see cref="Framework"/> in <see cref="Year"/>; the plan is for the year after.</summary>
public sealed record DraftRequest(string Framework, int Year, string? Unit, string? Deadline);

public static class PlansApi
{
    public static RouteGroupBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/plans").WithTags("Plans").RequireAuthorization(Policies.Staff);
        var admin = g.MapGroup("").RequireAuthorization(Policies.Admin);
        g.MapGet("/", List).WithSummary("Kế hoạch (lọc theo năm, loại, cơ quan ban hành)");
        g.MapGet("/{id:int}", Get).WithSummary("Một kế hoạch: mục đích, yêu cầu, chỉ tiêu với tình trạng, nhiệm vụ theo mục");
        admin.MapPost("/", Create).WithSummary("Tạo kế hoạch từ tài liệu JSON (tất cả hoặc không)").AcceptsUpTo(PlanImporter.Limits.MaxBytes);
        admin.MapPost("/import", Import).WithSummary("Nhập tệp JSON của một kế hoạch (tất cả hoặc không)").DisableAntiforgery()
            .AcceptsUpTo(PlanImporter.Limits.MaxBytes);
        admin.MapPut("/{id:int}", EditHeader).WithSummary("Sửa thông tin chung của kế hoạch (chống ghi đè)");
        admin.MapPut("/{id:int}/tasks/{taskId:int}", EditTask).WithSummary("Sửa một nhiệm vụ; tiến độ được đọc lại, cơ quan được đối chiếu lại (chống ghi đè)");
        admin.MapPost("/{id:int}/tasks", AddTask).WithSummary("Thêm một nhiệm vụ vào dự thảo (section: mã phần của kế hoạch)");
        admin.MapDelete("/{id:int}/tasks/{taskId:int}", RemoveTask).WithSummary("Bỏ một nhiệm vụ khỏi dự thảo (concurrency: phiên bản đã đọc)");
        admin.MapPost("/{id:int}/issue", Issue).WithSummary("Ban hành dự thảo: ghi số và ngày");
        admin.MapPut("/{id:int}/targets/{targetId:int}/actuals", RecordActual).WithSummary("Ghi giá trị thực hiện của một chỉ tiêu trong một kỳ");
        admin.MapPost("/{id:int}/source", UploadSource).WithSummary("Đính kèm văn bản kế hoạch (PDF/Office, tối đa 20 MB)").DisableAntiforgery()
            .AcceptsUpTo(PlanService.MaxSourceBytes);
        g.MapGet("/{id:int}/source", DownloadSource).WithSummary("Tải văn bản kế hoạch");
        g.MapGet("/{id:int}/unresolved-agencies", Unresolved).WithSummary("Tên cơ quan trong nhiệm vụ chưa khớp đơn vị hay nhóm nào trong danh mục");
        g.MapGet("/drafts/preview", PreviewDraft).WithSummary("Xem trước các nhiệm vụ sẽ được tạo từ phân tích điểm bị mất");
        admin.MapPost("/drafts", CreateDraft).WithSummary("Tạo dự thảo kế hoạch năm sau từ phân tích điểm bị mất");
        return g;
    }

    static async Task<Results<Ok<List<PlanSummary>>, ValidationProblem>> List(int? year, string? kind, string? issuer, PlanService plans, CancellationToken ct)
    {
        PlanKind? k = null;
        if (kind is not null)
        {
            k = PlanImporter.ParseKind(kind) ?? (Enum.TryParse<PlanKind>(kind, true, out var parsed) ? parsed : null);
            if (k is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"Loại kế hoạch '{kind}' không hợp lệ (index-improvement, annual-par, unit-plan)."] });
        }
        return TypedResults.Ok(await plans.ListAsync(year, k, issuer, ct));
    }

    static async Task<Results<Ok<PlanDetail>, NotFound>> Get(int id, PlanService plans, CancellationToken ct) =>
        await plans.GetAsync(id, ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound();

    static async Task<Results<Created<PlanDetail>, ValidationProblem>> Create(PlanDocument doc, PlanService plans, HttpContext http, CancellationToken ct)
    {
        var (plan, problems) = await plans.CreateAsync(doc, Actor.From(http.User), ct);
        if (plan is null) return TypedResults.ValidationProblem(Problems(problems));
        return TypedResults.Created($"/api/plans/{plan.Id}", await plans.GetAsync(plan.Id, ct));
    }

    static async Task<Results<Created<PlanDetail>, ValidationProblem>> Import(IFormFile file, PlanService plans, HttpContext http, CancellationToken ct)
    {
        PlanDocument? doc;
        try
        {
            await using var stream = file.Within(PlanImporter.Limits).OpenReadStream();
            doc = await JsonSerializer.DeserializeAsync<PlanDocument>(stream, FrameworkDocument.Json, ct);
        }
        catch (JsonException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"Tệp không phải JSON kế hoạch hợp lệ: {e.Message}"] });
        }
        if (doc is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Tệp rỗng."] });
        return await Create(doc, plans, http, ct);
    }

    static async Task<Results<Ok<PlanDetail>, NotFound, ValidationProblem, ProblemHttpResult>> EditHeader(int id, PlanHeaderEdit edit, PlanService plans, HttpContext http, CancellationToken ct) =>
        Map(await plans.EditHeaderAsync(id, edit, Actor.From(http.User), ct), "Kế hoạch");

    static async Task<Results<Ok<TaskLine>, NotFound, ValidationProblem, ProblemHttpResult>> AddTask(int id, TaskEdit edit, string? section, PlanService plans, HttpContext http, CancellationToken ct) =>
        Map(await plans.AddTaskAsync(id, edit, Actor.From(http.User), section, ct), "Nhiệm vụ");

    static async Task<Results<Ok<PlanDetail>, NotFound, ValidationProblem, ProblemHttpResult>> RemoveTask(int id, int taskId, Guid concurrency, PlanService plans, HttpContext http, CancellationToken ct) =>
        Map(await plans.RemoveTaskAsync(id, taskId, concurrency, Actor.From(http.User), ct), "Nhiệm vụ");

    static async Task<Results<Ok<TaskLine>, NotFound, ValidationProblem, ProblemHttpResult>> EditTask(int id, int taskId, TaskEdit edit, PlanService plans, HttpContext http, CancellationToken ct) =>
        Map(await plans.EditTaskAsync(id, taskId, edit, Actor.From(http.User), ct), "Nhiệm vụ");

    static async Task<Results<Ok<PlanDetail>, NotFound, ValidationProblem, ProblemHttpResult>> Issue(int id, IssueRequest request, PlanService plans, HttpContext http, CancellationToken ct) =>
        Map(await plans.IssueAsync(id, request, Actor.From(http.User), ct), "Kế hoạch");

    static async Task<Results<Ok<TargetStanding>, NotFound, ValidationProblem, ProblemHttpResult>> RecordActual(int id, int targetId, ActualEntry entry,
        PlanService plans, HttpContext http, CancellationToken ct) =>
        Map(await plans.RecordActualAsync(id, targetId, entry, Actor.From(http.User), ct), "Chỉ tiêu");

    static async Task<Results<Ok<SourceFileInfo>, NotFound, ValidationProblem, ProblemHttpResult>> UploadSource(int id, IFormFile file,
        PlanService plans, HttpContext http, CancellationToken ct)
    {
        // Refused before reading when the size is known; the service checks again while reading.
        if (file.Length > PlanService.MaxSourceBytes) throw UploadedFiles.TooLarge(file.FileName);
        await using var stream = file.OpenReadStream();
        return Map(await plans.AttachSourceAsync(id, file.FileName, stream, Actor.From(http.User), ct), "Kế hoạch");
    }

    static async Task<Results<FileContentHttpResult, NotFound>> DownloadSource(int id, PlanService plans, CancellationToken ct)
    {
        if (await plans.SourceFileAsync(id, ct) is not { } source) return TypedResults.NotFound();
        var f = source.File;
        return TypedResults.File(f.Content, f.ContentType, source.Name, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{f.Sha256}\""));
    }

    static async Task<Results<Ok<List<UnresolvedAgency>>, NotFound>> Unresolved(int id, PlanService plans, CancellationToken ct) =>
        await plans.UnresolvedAgenciesAsync(id, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound();

    static async Task<Results<Ok<DraftPreview>, NotFound>> PreviewDraft(string framework, int year, string? unit, string? deadline,
        Data.ChiSoDb db, CancellationToken ct) =>
        await DraftFromGaps.PreviewAsync(db, framework, year, unit, deadline, ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound();

    static async Task<Results<Created<PlanDetail>, NotFound, ValidationProblem>> CreateDraft(DraftRequest request, Data.ChiSoDb db, PlanService plans, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Framework) || request.Year is < 2000 or > 2100)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["framework"] = ["Cần chọn bộ chỉ số và năm có kết quả."] });
        var plan = await DraftFromGaps.CreateAsync(db, request.Framework, request.Year, request.Unit, Actor.From(http.User), request.Deadline, ct);
        if (plan is null) return TypedResults.NotFound();
        return TypedResults.Created($"/api/plans/{plan.Id}", await plans.GetAsync(plan.Id, ct));
    }

    static Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult> Map<T>(PlanChange<T> change, string what) => change.Outcome switch
    {
        ChangeOutcome.Done => TypedResults.Ok(change.Value),
        ChangeOutcome.NotFound => TypedResults.NotFound(),
        ChangeOutcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: "Dữ liệu không hợp lệ, không có gì được ghi."),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"{what} đã được người khác sửa",
            detail: "Hãy tải lại để xem giá trị mới rồi sửa lại."),
    };

    static Dictionary<string, string[]> Problems(IReadOnlyList<ImportProblem> problems) =>
        problems.GroupBy(p => p.Where ?? "plan").ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
}
