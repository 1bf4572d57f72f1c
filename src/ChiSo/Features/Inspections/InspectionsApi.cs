using ChiSo.Features.Accounts;
using ChiSo.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChiSo.Features.Inspections;

public static class InspectionsApi
{
    public static RouteGroupBuilder MapInspectionsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/inspections").WithTags("Inspections").RequireAuthorization(Policies.Staff);
        var admin = g.MapGroup("").RequireAuthorization(Policies.Admin);
        g.MapGet("/", Plan).WithSummary("Kế hoạch kiểm tra CCHC của một năm, các phát hiện và đơn vị chưa có trong kế hoạch");
        admin.MapPost("/plan", Generate).WithSummary("Lập kế hoạch kiểm tra: thêm mọi đơn vị chưa có trong năm (chạy lại không trùng)");
        admin.MapPost("/", Add).WithSummary("Thêm một cuộc kiểm tra (ví dụ kiểm tra lại, đột xuất)");
        admin.MapPut("/{id:int}", Record).WithSummary("Ghi kết quả một cuộc kiểm tra: ngày kiểm tra, thành phần đoàn, ghi chú");
        admin.MapPost("/{id:int}/findings", AddFinding).WithSummary("Ghi một tồn tại phát hiện qua kiểm tra; tạo nhiệm vụ khắc phục để theo dõi");
        return g;
    }

    static Dictionary<string, string[]> YearError() => new() { ["year"] = ["Năm không hợp lệ."] };

    static async Task<Results<Ok<InspectionPlan>, ValidationProblem>> Plan(int year, ChiSoDb db, CancellationToken ct) =>
        year is < 2000 or > 2100 ? TypedResults.ValidationProblem(YearError()) : TypedResults.Ok(await new InspectionService(db).PlanAsync(year, ct));

    static async Task<Results<Ok<InspectionPlan>, ValidationProblem>> Generate(int year, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        if (year is < 2000 or > 2100) return TypedResults.ValidationProblem(YearError());
        var service = new InspectionService(db);
        await service.GeneratePlanAsync(year, Actor.From(http.User), ct);
        return TypedResults.Ok(await service.PlanAsync(year, ct));
    }

    static async Task<Results<Created<InspectionRow>, ValidationProblem>> Add(InspectionEdit edit, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var service = new InspectionService(db);
        var outcome = await service.AddAsync(edit, Actor.From(http.User), ct);
        if (outcome.Kind != InspectionOutcomeKind.Ok) return TypedResults.ValidationProblem(outcome.Errors!);
        var row = (await service.PlanAsync(edit.Year!.Value, ct)).Inspections.Single(i => i.Id == outcome.Value);
        return TypedResults.Created($"/api/inspections?year={edit.Year}", row);
    }

    static async Task<Results<Ok<InspectionRow>, NotFound, ValidationProblem>> Record(int id, InspectionEdit edit, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var service = new InspectionService(db);
        var outcome = await service.RecordAsync(id, edit, Actor.From(http.User), ct);
        if (outcome.Kind == InspectionOutcomeKind.NotFound) return TypedResults.NotFound();
        if (outcome.Kind == InspectionOutcomeKind.Invalid) return TypedResults.ValidationProblem(outcome.Errors!);
        var year = await service.YearOfAsync(id, ct);
        return TypedResults.Ok((await service.PlanAsync(year, ct)).Inspections.Single(i => i.Id == id));
    }

    static async Task<Results<Created<FindingRow>, NotFound, ValidationProblem>> AddFinding(int id, FindingRequest request, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var outcome = await new InspectionService(db).AddFindingAsync(id, request, Actor.From(http.User), ct);
        return outcome.Kind switch
        {
            InspectionOutcomeKind.NotFound => TypedResults.NotFound(),
            InspectionOutcomeKind.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
            _ => TypedResults.Created($"/api/inspections/{id}", outcome.Value!),
        };
    }
}
