using ChiSo.Features.Accounts;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Plans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace ChiSo.Features.Reports;

public static class ReportsApi
{
    public const string Docx = ChiSo.Features.Files.ContentTypes.Docx;
    public const string Xlsx = ChiSo.Features.Files.ContentTypes.Xlsx;

    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.Staff);
        g.MapGet("/periods", Periods).WithSummary("Các kỳ báo cáo của một năm: thời gian chốt số liệu và hạn gửi");
        g.MapGet("/", Dashboard).WithSummary("Tình hình gửi báo cáo của các đơn vị trong một kỳ: đã gửi, đang soạn, chậm gửi");
        g.MapGet("/consolidated.docx", ConsolidatedDocx).WithSummary("Báo cáo tổng hợp (Word, thể thức văn bản hành chính)");
        g.MapGet("/consolidated.xlsx", ConsolidatedXlsx).WithSummary("Báo cáo tổng hợp (Excel: tình hình gửi, chỉ tiêu, nhiệm vụ)");
        g.MapGet("/{unit}/{year:int}/{period}", Get).WithSummary("Báo cáo của một đơn vị (chung, hoặc chuyên đề với ?area=)");
        g.MapPut("/{unit}/{year:int}/{period}", Save).WithSummary("Lưu bản nháp báo cáo (chống ghi đè: gửi kèm Concurrency đã đọc)").RequireAuthorization(Policies.Filing);
        g.MapPost("/{unit}/{year:int}/{period}/submit", Submit).WithSummary("Gửi báo cáo; sau khi gửi không sửa được").RequireAuthorization(Policies.Filing);
        return g;
    }

    static ProblemHttpResult Conflict() => TypedResults.Problem(statusCode: 409, title: "Báo cáo đã được người khác sửa",
        detail: "Hãy tải lại báo cáo để xem nội dung mới rồi sửa lại; nội dung bạn vừa nhập chưa được lưu, hãy sao lưu trước khi tải lại.");

    static ProblemHttpResult Locked() => TypedResults.Problem(statusCode: 409, title: "Báo cáo đã gửi",
        detail: "Báo cáo đã gửi thì không sửa được nữa.");

    static Results<Ok<IReadOnlyList<ReportingPeriod>>, ValidationProblem> Periods(int year, IConfiguration config) =>
        year is < 2000 or > 2100
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["year"] = ["Năm không hợp lệ."] })
            : TypedResults.Ok(ReportingSchedule.From(config).Periods(year));

    static bool TryPeriod(int year, string period, IConfiguration config, out ReportingPeriod? p, out Dictionary<string, string[]> errors)
    {
        errors = [];
        p = null;
        if (year is < 2000 or > 2100) errors["year"] = ["Năm không hợp lệ."];
        var kind = ReportingSchedule.ParseKind(period);
        if (kind is null) errors["period"] = [$"Kỳ báo cáo '{period}' không hợp lệ (Q1, H1, Q3, Year)."];
        if (errors.Count > 0) return false;
        p = ReportingSchedule.From(config).Period(year, kind!.Value);
        return true;
    }

    static async Task<Results<Ok<FilingDashboard>, ValidationProblem>> Dashboard(int year, string period, DateOnly? asOf,
        ChiSoDb db, IConfiguration config, TimeProvider clock, CancellationToken ct) =>
        TryPeriod(year, period, config, out var p, out var errors)
            ? TypedResults.Ok(await Consolidations.DashboardAsync(db, p!, asOf ?? ReportingSchedule.Today(clock), ct))
            : TypedResults.ValidationProblem(errors);

    static async Task<Results<FileContentHttpResult, ValidationProblem>> ConsolidatedDocx(int year, string period, DateOnly? asOf,
        ChiSoDb db, IConfiguration config, TimeProvider clock, CancellationToken ct)
    {
        if (!TryPeriod(year, period, config, out var p, out var errors)) return TypedResults.ValidationProblem(errors);
        var day = asOf ?? ReportingSchedule.Today(clock);
        var c = await Consolidations.LoadAsync(db, p!, day, ct);
        using var stream = new MemoryStream();
        ReportWord.Write(c, day, stream);
        return TypedResults.File(stream.ToArray(), Docx, $"bao-cao-cchc-{ViText.Slug(p!.Name)}.docx");
    }

    static async Task<Results<FileContentHttpResult, ValidationProblem>> ConsolidatedXlsx(int year, string period, DateOnly? asOf,
        ChiSoDb db, IConfiguration config, TimeProvider clock, CancellationToken ct)
    {
        if (!TryPeriod(year, period, config, out var p, out var errors)) return TypedResults.ValidationProblem(errors);
        var c = await Consolidations.LoadAsync(db, p!, asOf ?? ReportingSchedule.Today(clock), ct);
        using var stream = new MemoryStream();
        ReportExcel.Write(c, stream);
        return TypedResults.File(stream.ToArray(), Xlsx, $"bao-cao-cchc-{ViText.Slug(p!.Name)}.xlsx");
    }

    static ReportService Service(ChiSoDb db, TimeProvider clock, IConfiguration config) => new(db, clock, ReportingSchedule.From(config));

    static async Task<Results<Ok<ReportForm>, NotFound, ValidationProblem>> Get(string unit, int year, string period, string? area,
        ChiSoDb db, TimeProvider clock, IConfiguration config, CancellationToken ct)
    {
        if (!TryPeriod(year, period, config, out var p, out var errors)) return TypedResults.ValidationProblem(errors);
        var outcome = await Service(db, clock, config).GetAsync(unit, year, p!.Kind, area, ct);
        return outcome.Form is { } form ? TypedResults.Ok(form) : TypedResults.NotFound();
    }

    static async Task<Results<Ok<ReportForm>, NotFound, ValidationProblem, ProblemHttpResult>> Save(string unit, int year, string period, string? area,
        ReportEdit edit, ChiSoDb db, TimeProvider clock, IConfiguration config, HttpContext http, CancellationToken ct)
    {
        if (!TryPeriod(year, period, config, out var p, out var errors)) return TypedResults.ValidationProblem(errors);
        return Answer(await Service(db, clock, config).SaveAsync(unit, year, p!.Kind, area, edit, Actor.From(http.User), ct));
    }

    static async Task<Results<Ok<ReportForm>, NotFound, ValidationProblem, ProblemHttpResult>> Submit(string unit, int year, string period, string? area,
        SubmitRequest? request, ChiSoDb db, TimeProvider clock, IConfiguration config, HttpContext http, CancellationToken ct)
    {
        if (!TryPeriod(year, period, config, out var p, out var errors)) return TypedResults.ValidationProblem(errors);
        return Answer(await Service(db, clock, config).SubmitAsync(unit, year, p!.Kind, area, request?.Concurrency, Actor.From(http.User), request?.Preparer, ct));
    }

    static Results<Ok<ReportForm>, NotFound, ValidationProblem, ProblemHttpResult> Answer(ReportOutcome outcome) => outcome.Kind switch
    {
        ReportOutcomeKind.Ok => TypedResults.Ok(outcome.Form!),
        ReportOutcomeKind.NotFound => TypedResults.NotFound(),
        ReportOutcomeKind.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
        ReportOutcomeKind.Locked => Locked(),
        _ => Conflict(),
    };
}
