using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

/// <summary>The annual unit assessment over HTTP. Who may do what per unit and criterion is decided by
/// <see cref="AssessmentService"/>; the route groups only require a part in the assessment.</summary>
public static class AssessmentsApi
{
    public static IEndpointRouteBuilder MapAssessmentsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/cycles").WithTags("Assessment").RequireAuthorization(Policies.Assessment);
        g.MapGet("/", async (AssessmentService s, HttpContext http, CancellationToken ct) =>
                (await s.ListCyclesAsync(ct)).Select(c => VisiblePart(c, Actor.From(http.User), s)).ToList())
            .WithSummary("Các kỳ đánh giá; đơn vị chỉ thấy dòng của mình");
        g.MapPost("/", (CycleSpec spec, AssessmentService s, HttpContext http, CancellationToken ct) => Run(s.CreateCycleAsync(spec, Actor.From(http.User), ct)))
            .WithSummary("Tạo kỳ đánh giá: năm, các mốc thời gian, nhóm xếp hạng với bộ chỉ số và đơn vị, các mức xếp loại")
            .RequireAuthorization(Policies.Admin);
        g.MapGet("/{id:int}", async (int id, AssessmentService s, ChiSoDb db, HttpContext http, CancellationToken ct) =>
                await CycleExists(db, id, ct) ? TypedResults.Ok(VisiblePart(await s.SummaryAsync(id, ct), Actor.From(http.User), s)) : NotFound())
            .WithSummary("Bảng theo dõi kỳ đánh giá: ai đã gửi, ai chậm");
        g.MapPost("/{id:int}/open", (int id, AssessmentService s, HttpContext http, CancellationToken ct) => Run(s.OpenCycleAsync(id, Actor.From(http.User), ct)))
            .WithSummary("Mở kỳ đánh giá: tạo phiếu tự đánh giá cho từng đơn vị")
            .RequireAuthorization(Policies.Admin);
        g.MapGet("/{id:int}/appraisers", async (int id, AssessmentService s, CancellationToken ct) => await s.AppraisersAsync(id, ct))
            .WithSummary("Phân công thẩm định");
        g.MapPost("/{id:int}/appraisers", (int id, List<AssignmentSpec> specs, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.AssignAppraisersAsync(id, specs, Actor.From(http.User), ct))).WithSummary("Phân công thành viên thẩm định theo đơn vị và/hoặc lĩnh vực")
            .RequireAuthorization(Policies.Admin);

        var u = g.MapGroup("/{id:int}/units/{unit}");
        u.MapGet("/", (int id, string unit, AssessmentService s, HttpContext http, CancellationToken ct) => Run(s.GetAsync(id, unit, Actor.From(http.User), ct)))
            .WithSummary("Bản đánh giá của một đơn vị: tiêu chí, điểm tự chấm, thẩm định, giải trình, điều tra, tài liệu, tiến độ, tổng điểm");
        u.MapPut("/items/{code}/self", (int id, string unit, string code, SelfScoreInput input, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.SaveSelfScoreAsync(id, unit, code, input, Actor.From(http.User), ct))).WithSummary("Tự chấm một tiêu chí: câu trả lời, căn cứ, tài liệu kiểm chứng");
        u.MapPost("/evidence", AddEvidence).DisableAntiforgery().Accepts<EvidenceInput>("multipart/form-data").AcceptsUpTo(UploadedFiles.MaxBytes)
            .WithSummary("Nộp tài liệu kiểm chứng (PDF, Office, ảnh; tối đa 20 MB) với số, ngày, cơ quan ban hành; replaces = phiên bản mới của tài liệu cũ");
        u.MapGet("/evidence/{evidenceId:int}/file", async (int id, string unit, int evidenceId, AssessmentService s, HttpContext http, CancellationToken ct) =>
                await s.EvidenceFileAsync(id, unit, evidenceId, Actor.From(http.User), ct) is var f && f.Ok
                    ? TypedResults.File(f.Value.Content, f.Value.ContentType, f.Value.Name) : f.ToHttp())
            .WithSummary("Tải tài liệu kiểm chứng");
        u.MapPost("/submit", (int id, string unit, AssessmentService s, HttpContext http, CancellationToken ct) => Run(s.SubmitAsync(id, unit, Actor.From(http.User), ct)))
            .WithSummary("Thủ trưởng gửi bản tự đánh giá (khoá điểm; trước hạn)");
        u.MapPost("/reopen", (int id, string unit, ReasonInput input, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.ReopenAsync(id, unit, input, Actor.From(http.User), ct))).WithSummary("Cơ quan thường trực mở lại bản tự đánh giá (có lý do)")
            .RequireAuthorization(Policies.Admin);
        u.MapPut("/items/{code}/appraisal", (int id, string unit, string code, AppraisalInput input, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.AppraiseAsync(id, unit, code, input, Actor.From(http.User), ct))).WithSummary("Thẩm định một tiêu chí: công nhận hoặc điều chỉnh (bắt buộc lý do)");
        u.MapPost("/send-appraisal", (int id, string unit, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.SendAppraisalAsync(id, unit, Actor.From(http.User), ct))).WithSummary("Gửi kết quả thẩm định cho đơn vị; mở thời hạn giải trình");
        u.MapPut("/items/{code}/explanation", (int id, string unit, string code, ExplanationInput input, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.ExplainAsync(id, unit, code, input, Actor.From(http.User), ct))).WithSummary("Giải trình một tiêu chí bị điều chỉnh, kèm tài liệu mới");
        u.MapPost("/finish-explanation", (int id, string unit, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.FinishExplanationAsync(id, unit, Actor.From(http.User), ct))).WithSummary("Thủ trưởng gửi giải trình");
        u.MapGet("/items/{code}/dialogue", (int id, string unit, string code, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.DialogueAsync(id, unit, code, Actor.From(http.User), ct))).WithSummary("Toàn bộ trao đổi về một tiêu chí: tự chấm, thẩm định, giải trình, Hội đồng");
        u.MapGet("/audit", UnitAudit).WithSummary("Nhật ký thay đổi của đơn vị (code = một tiêu chí; format=xlsx để xuất Excel)");

        g.MapPost("/{id:int}/finalise", (int id, CouncilInput input, AssessmentService s, HttpContext http, CancellationToken ct) =>
            Run(s.FinaliseAsync(id, input, Actor.From(http.User), ct))).WithSummary("Hội đồng chốt kết quả thẩm định (biên bản, số thành viên có mặt)")
            .RequireAuthorization(Policies.Admin);
        g.MapPut("/{id:int}/survey-points", (int id, SurveyPointsInput input, AssessmentService s, HttpContext http, CancellationToken ct) =>
                input.Rows.Count > SurveyPointsFile.Limits.MaxRows ? throw SurveyPointsFile.Limits.TooManyRows() : Run(s.SetSurveyPointsAsync(id, input, Actor.From(http.User), ct)))
            .RequireAuthorization(Policies.SurveyPoints).AcceptsUpTo(SurveyPointsFile.Limits.MaxBytes).WithSummary("Nhập điểm điều tra xã hội học (tất cả hoặc không, báo cáo từng dòng)");
        g.MapPost("/{id:int}/survey-points/import", ImportSurveyPoints).DisableAntiforgery().AcceptsUpTo(SurveyPointsFile.Limits.MaxBytes)
            .RequireAuthorization(Policies.SurveyPoints).WithSummary("Nhập điểm điều tra XHH từ Excel: cột Đơn vị, Mã tiêu chí, Điểm");
        g.MapPost("/{id:int}/survey-points/from-round/{roundId:int}", (int id, int roundId, AssessmentService s, HttpContext http, CancellationToken ct) =>
                Run(s.SurveyPointsFromRoundAsync(id, roundId, Actor.From(http.User), ct)))
            .RequireAuthorization(Policies.SurveyPoints).WithSummary("Lấy điểm điều tra XHH từ một đợt khảo sát (theo mã tiêu chí, quy đổi theo điểm tối đa)");
        g.MapGet("/{id:int}/ranking", (int id, AssessmentService s, HttpContext http, CancellationToken ct) => Run(s.RankingAsync(id, Actor.From(http.User), ct)))
            .WithSummary("Tổng hợp, xếp hạng theo nhóm (đồng hạng), xếp loại, thay đổi so với năm trước");
        g.MapPost("/{id:int}/publish", (int id, PublishInput? input, AssessmentService s, TimeProvider clock, HttpContext http, CancellationToken ct) =>
                Run(s.PublishAsync(id, input?.PublishedOn ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime + ViText.VietnamOffset), Actor.From(http.User), ct)))
            .WithSummary("Công bố: khoá kết quả, ghi vào bộ chỉ số, mở trang xếp hạng công khai")
            .RequireAuthorization(Policies.Admin);
        g.MapGet("/{id:int}/heatmap", (int id, AssessmentService s, HttpContext http, CancellationToken ct) => Run(s.HeatMapAsync(id, Actor.From(http.User), ct)))
            .WithSummary("Bản đồ nhiệt tiêu chí × đơn vị: điểm bị mất");
        g.MapAssessmentExports();

        app.MapGet("/api/appraisal/queue", async (AssessmentService s, HttpContext http, CancellationToken ct) => await s.QueueAsync(Actor.From(http.User), ct))
            .WithTags("Assessment").RequireAuthorization(Policies.Assessment).WithSummary("Hàng chờ của thành viên thẩm định");
        app.MapGet("/api/public/rankings/{id:int}", (int id, AssessmentService s, CancellationToken ct) => Run(s.RankingAsync(id, null, ct)))
            .WithTags("Assessment").AllowAnonymous().WithSummary("Bảng xếp hạng đã công bố (công khai)");
        return app;
    }

    public sealed record PublishInput(DateOnly? PublishedOn);

    static async Task<IResult> Run<T>(Task<Outcome<T>> action) => (await action).ToHttp();

    static IResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Không tìm thấy kỳ đánh giá.");

    static Task<bool> CycleExists(ChiSoDb db, int id, CancellationToken ct) => db.Cycles.AnyAsync(c => c.Id == id, ct);

    /// <summary>Unit users and appraisers see the cycle's dates and their own rows, not how other units stand.</summary>
    static CycleSummary VisiblePart(CycleSummary c, Actor actor, AssessmentService s) =>
        actor.ReadsAll || c.Status == CycleStatus.Published ? c : c with { Units = [.. c.Units.Where(u => u.UnitId == actor.UnitId)] };

    static async Task<IResult> AddEvidence(int id, string unit, HttpRequest request, AssessmentService s, CancellationToken ct)
    {
        if (!request.HasFormContentType) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Gửi tệp dạng multipart/form-data."] });
        var form = await Uploads.ReadFormAsync(request, ct);
        var file = form.Files.GetFile("file");
        if (file is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Chưa chọn tệp."] });
        if (file.Length > UploadedFiles.MaxBytes) throw UploadedFiles.TooLarge(file.FileName);
        DateOnly? date = null;
        if (form["docDate"].ToString() is { Length: > 0 } d)
        {
            if (!ViText.TryParseDate(d, out var parsed))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["docDate"] = [$"Ngày ban hành '{d}' không đúng dạng dd/MM/yyyy."] });
            date = parsed;
        }
        int? replaces = int.TryParse(form["replaces"], CultureInfo.InvariantCulture, out var r) ? r : null;
        await using var stream = file.OpenReadStream();
        var content = await UploadedFiles.ReadAsync(stream, ct);
        var input = new EvidenceInput(form["title"].ToString(), form["docNumber"], date, form["issuer"], replaces);
        return (await s.AddEvidenceAsync(id, unit, input, file.FileName, content, Actor.From(request.HttpContext.User), ct)).ToHttp();
    }

    static async Task<IResult> ImportSurveyPoints(int id, HttpRequest request, AssessmentService s, CancellationToken ct)
    {
        var form = request.HasFormContentType ? await Uploads.ReadFormAsync(request, ct) : null;
        var file = form?.Files.GetFile("file");
        if (file is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Chưa chọn tệp Excel."] });
        await using var stream = file.Within(SurveyPointsFile.Limits).OpenReadStream();
        var (rows, error) = SurveyPointsFile.Read(stream);
        if (error is not null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [error] });
        var source = form!["source"].ToString() is { Length: > 0 } src ? ImportedFiles.Nfc(src) : ImportedFiles.FileName(file.FileName);
        return (await s.SetSurveyPointsAsync(id, new SurveyPointsInput(source, rows!, SurveyPointsFile.FirstRow), Actor.From(request.HttpContext.User), ct)).ToHttp();
    }

    static async Task<IResult> UnitAudit(int id, string unit, string? code, string? format, AssessmentService s, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var view = await s.GetAsync(id, unit, Actor.From(http.User), ct);
        if (!view.Ok) return view.ToHttp();
        var subject = $"assessment:{view.Value.Year}:{id}:{view.Value.UnitCode}";
        var q = db.Audit.AsNoTracking().Where(a => a.Subject == subject);
        if (code is not null) q = q.Where(a => a.Field == code || a.Field.StartsWith(code + ":"));
        var entries = await q.OrderBy(a => a.Id).ToListAsync(ct);
        if (format != "xlsx") return TypedResults.Ok(entries);
        var ms = new MemoryStream();
        ms.WriteXlsx(new Dictionary<string, object>
        {
            ["Nhật ký"] = entries.Select(e => new Dictionary<string, object?>
            {
                ["Thời điểm"] = ViText.DateTime(e.At), ["Người thực hiện"] = e.User, ["Nội dung"] = e.Field,
                ["Giá trị cũ"] = e.OldValue, ["Giá trị mới"] = e.NewValue, ["Lý do"] = e.Reason,
            }).ToList(),
        });
        ms.Position = 0;
        return TypedResults.File(ms, ContentTypes.Xlsx, $"nhat-ky-{view.Value.UnitCode}-{view.Value.Year}.xlsx");
    }
}

/// <summary>Reads survey points from a workbook: columns "Đơn vị", "Mã tiêu chí", "Điểm" (first sheet, header row). A file
/// that cannot be read, or is past <see cref="Limits"/>, throws <see cref="FileRefused"/>.</summary>
public static class SurveyPointsFile
{
    /// <summary>The sheet row of the first data row (row 1 is the header).</summary>
    public const int FirstRow = 2;

    /// <summary>Rows, file size and inflated size a survey points workbook may have (README "Limits of imports").</summary>
    public static readonly ImportLimits Limits = ImportLimits.SurveyPoints;

    public static (List<SurveyPointRow>? Rows, string? Error) Read(Stream stream)
    {
        using var sheet = ImportedFiles.Workbook.Open(stream, Limits).Read();
        var unit = sheet.Column("Đơn vị", "Unit");
        var code = sheet.Column("Mã tiêu chí", "Tiêu chí", "Code");
        var points = sheet.Column("Điểm", "Points");
        if (sheet.Columns.Count == 0) return (null, "Bảng tính không có dòng dữ liệu.");
        if (unit < 0 || code < 0 || points < 0) return (null, "Thiếu cột: cần \"Đơn vị\", \"Mã tiêu chí\", \"Điểm\".");
        // Rows are few and small (three cells); the service checks them all before it writes any.
        var rows = new List<SurveyPointRow>();
        foreach (var r in sheet.Rows)
        {
            var p = r[points] switch
            {
                null => (decimal?)null,
                double d => (decimal)d,
                var o => Answers.ParseNumber(ImportedFiles.Text(o) ?? "") ?? -1,
            };
            rows.Add(new SurveyPointRow(ImportedFiles.Text(r[unit]) ?? "", ImportedFiles.Text(r[code]) ?? "", p) { Row = r.Number });
        }
        if (rows.Count == 0) return (null, "Bảng tính không có dòng dữ liệu.");
        return (rows, null);
    }
}
