using ChiSo.Features.Accounts;
using ChiSo.Data;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace ChiSo.Features.Surveys;

public sealed record QuestionnaireSummary(int Id, string Key, string Version, string Name, string Kind, string? Framework,
    int Groups, int ClosedGroups, int Sections, int Questions, int Rounds);

public sealed record SampleSize(int Population, decimal Margin, int Target);

public sealed record StatusRequest(string Status);

public sealed record RoundEdit(string Name, DateOnly OpensOn, DateOnly ClosesOn);

public sealed record TokenRequest(string Unit, string Group, int Count);

/// <summary>Designing surveys: questionnaires (versions, Excel), rounds with their sample plans, tokens and QR codes.
/// Collection and scoring have their own groups under the same /api/surveys prefix.</summary>
public static class SurveyDesignApi
{
    const string Xlsx = ChiSo.Features.Files.ContentTypes.Xlsx;

    public static RouteGroupBuilder MapSurveyDesignApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/surveys").WithTags("Surveys: design").RequireAuthorization(Policies.SurveysRead);
        var write = g.MapGroup("").RequireAuthorization(Policies.Surveys);
        g.MapGet("/questionnaires", Questionnaires).WithSummary("Phiếu khảo sát và các phiên bản");
        g.MapGet("/questionnaires/{id:int}", Questionnaire).WithSummary("Một phiên bản phiếu (dạng JSON như tệp có sẵn)");
        g.MapGet("/questionnaires/{id:int}/export.xlsx", ExportXlsx).WithSummary("Xuất phiếu ra Excel (trang Câu hỏi, Thông tin, Nhóm)");
        write.MapPost("/questionnaires", ImportJson).WithSummary("Nhập một phiên bản phiếu dạng JSON (tất cả hoặc không)")
            .AcceptsUpTo(QuestionnaireExcel.Limits.MaxBytes);
        write.MapPost("/questionnaires/import.xlsx", ImportXlsx).WithSummary("Nhập một phiên bản phiếu từ Excel (tất cả hoặc không)").DisableAntiforgery()
            .AcceptsUpTo(QuestionnaireExcel.Limits.MaxBytes);
        write.MapPut("/questionnaires/{id:int}/questions/{code}/links", SetLinks)
            .WithSummary("Gắn một câu hỏi với các tiêu chí (bộ chỉ số, phiên bản, mã); thay toàn bộ liên kết của câu, tất cả hoặc không");
        g.MapGet("/sample-size", Sample).WithSummary("Cỡ mẫu theo công thức của Bộ Nội vụ: n = N / (1 + N·e²)");
        g.MapGet("/rounds", RoundList).WithSummary("Các đợt khảo sát");
        g.MapGet("/rounds/{id:int}", Round).WithSummary("Một đợt: phiếu, nhóm, kế hoạch mẫu theo đơn vị × nhóm, số mã đã cấp");
        write.MapPost("/rounds", CreateRound).WithSummary("Tạo đợt khảo sát (ở trạng thái nháp)");
        write.MapPut("/rounds/{id:int}", EditRound).WithSummary("Đổi tên, ngày bắt đầu, ngày kết thúc của đợt");
        write.MapPost("/rounds/{id:int}/status", SetStatus).WithSummary("Mở (Open), đóng (Closed) hoặc đưa về nháp (Draft)");
        write.MapPut("/rounds/{id:int}/quotas", SetQuotas).WithSummary("Thêm hoặc sửa chỉ tiêu đơn vị × nhóm: N (mục tiêu theo công thức) hoặc mục tiêu trực tiếp");
        write.MapDelete("/rounds/{id:int}/quotas/{quotaId:int}", RemoveQuota).WithSummary("Bỏ một chỉ tiêu khỏi kế hoạch mẫu");
        write.MapPost("/rounds/{id:int}/tokens", IssueTokens).WithSummary("Cấp mã một lần cho nhóm kín; mã chỉ trả về một lần (JSON, hoặc CSV với ?format=csv)");
        g.MapGet("/rounds/{id:int}/qr", Qr).WithSummary("Ảnh PNG mã QR của phiếu cho một đơn vị (và nhóm, hoặc mã hồ sơ)");
        return g;
    }

    public static async Task<List<QuestionnaireSummary>> QuestionnairesAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var rounds = await db.SurveyRounds.GroupBy(r => r.QuestionnaireId).Select(x => new { x.Key, Count = x.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return (await db.Questionnaires.AsNoTracking().OrderBy(q => q.Key).ThenBy(q => q.Id)
            .Select(q => new { q.Id, q.Key, q.Version, q.Name, q.Kind, q.Framework, Groups = q.Groups.Count, Closed = q.Groups.Count(g => g.Closed),
                Sections = q.Sections.Count, Questions = q.Questions.Count })
            .ToListAsync(ct))
            .Select(q => new QuestionnaireSummary(q.Id, q.Key, q.Version, q.Name, QuestionnaireImporter.KindCode(q.Kind), q.Framework,
                q.Groups, q.Closed, q.Sections, q.Questions, rounds.GetValueOrDefault(q.Id))).ToList();
    }

    static Task<List<QuestionnaireSummary>> Questionnaires(ChiSoDb db, CancellationToken ct) => QuestionnairesAsync(db, ct);

    static async Task<Results<Ok<QuestionnaireDocument>, NotFound>> Questionnaire(int id, ChiSoDb db, CancellationToken ct) =>
        await QuestionnaireImporter.DocumentAsync(db, id, ct) is { } doc ? TypedResults.Ok(doc) : TypedResults.NotFound();

    static async Task<Results<FileContentHttpResult, NotFound>> ExportXlsx(int id, ChiSoDb db, CancellationToken ct)
    {
        if (await QuestionnaireImporter.DocumentAsync(db, id, ct) is not { } doc) return TypedResults.NotFound();
        var stream = new MemoryStream();
        QuestionnaireExcel.Write(doc, stream);
        return TypedResults.File(stream.ToArray(), Xlsx, $"phieu-{doc.Key}-{doc.Version}.xlsx");
    }

    static async Task<Results<Created<QuestionnaireImport>, UnprocessableEntity<QuestionnaireImport>>> ImportJson(QuestionnaireDocument doc, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        var report = await new QuestionnaireImporter(db).ImportAsync(doc, Actor.From(http.User), ct);
        return report.Succeeded ? TypedResults.Created($"/api/surveys/questionnaires/{report.QuestionnaireId}", report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<Created<QuestionnaireImport>, UnprocessableEntity<QuestionnaireImport>, BadRequest<string>>> ImportXlsx(IFormFile file, ChiSoDb db, HttpContext http, CancellationToken ct)
    {
        if (file.Length == 0) return TypedResults.BadRequest("Tệp rỗng.");
        await using var stream = file.Within(QuestionnaireExcel.Limits).OpenReadStream();
        var report = await QuestionnaireExcel.ImportAsync(new QuestionnaireImporter(db), stream, Actor.From(http.User), ct);
        return report.Succeeded ? TypedResults.Created($"/api/surveys/questionnaires/{report.QuestionnaireId}", report) : TypedResults.UnprocessableEntity(report);
    }

    static async Task<Results<Ok<List<LinkView>>, NotFound, ValidationProblem>> SetLinks(int id, string code, QuestionLinksRequest request, ChiSoDb db,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var change = await QuestionLinks.SetAsync(db, clock, id, code, request.Links ?? [], Actor.From(http.User), ct);
        if (change.NotFound) return TypedResults.NotFound();
        if (change.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "Liên kết không hợp lệ, không có gì được ghi.");
        return TypedResults.Ok(change.Value!);
    }

    static Results<Ok<SampleSize>, ValidationProblem> Sample(int population, decimal? margin)
    {
        var e = margin ?? 0.05m;
        if (population < 0) return Invalid("population", "Quy mô tổng thể N không được âm.");
        if (e is <= 0 or >= 0.5m) return Invalid("margin", "Sai số e phải lớn hơn 0 và nhỏ hơn 0,5 (ví dụ 0.05).");
        return TypedResults.Ok(new SampleSize(population, e, Rounds.Target(population, e)));
    }

    static async Task<List<RoundSummary>> RoundList(int? year, ChiSoDb db, CancellationToken ct) => await Rounds.ListAsync(db, year, ct);

    static async Task<Results<Ok<RoundDetail>, NotFound>> Round(int id, ChiSoDb db, TimeProvider clock, CancellationToken ct) =>
        await Rounds.GetAsync(db, id, Rounds.Today(clock), ct) is { } r ? TypedResults.Ok(r) : TypedResults.NotFound();

    static async Task<Results<Created<RoundDetail>, ValidationProblem>> CreateRound(RoundRequest request, ChiSoDb db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var change = await Rounds.CreateAsync(db, request, Actor.From(http.User), ct);
        if (change.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "Dữ liệu không hợp lệ, không có gì được ghi.");
        return TypedResults.Created($"/api/surveys/rounds/{change.Value}", await Rounds.GetAsync(db, change.Value, Rounds.Today(clock), ct));
    }

    static async Task<Results<Ok<RoundDetail>, NotFound, ValidationProblem>> EditRound(int id, RoundEdit edit, ChiSoDb db, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        await Detail(await Rounds.EditAsync(db, id, edit.Name, edit.OpensOn, edit.ClosesOn, Actor.From(http.User), ct), db, clock, ct);

    static async Task<Results<Ok<RoundDetail>, NotFound, ValidationProblem>> SetStatus(int id, StatusRequest request, ChiSoDb db, TimeProvider clock, HttpContext http,
        CancellationToken ct)
    {
        if (!Enum.TryParse<RoundStatus>(request.Status, true, out var status) || !Enum.IsDefined(status))
            return Invalid("status", $"Trạng thái '{request.Status}' không hợp lệ (Draft, Open, Closed).");
        return await Detail(await Rounds.SetStatusAsync(db, id, status, Actor.From(http.User), clock, ct), db, clock, ct);
    }

    static async Task<Results<Ok<RoundDetail>, NotFound, ValidationProblem>> SetQuotas(int id, List<QuotaRequest> quotas, ChiSoDb db, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        await Detail(await Rounds.SetQuotasAsync(db, id, quotas, Actor.From(http.User), ct), db, clock, ct);

    static async Task<Results<NoContent, NotFound>> RemoveQuota(int id, int quotaId, ChiSoDb db, HttpContext http, CancellationToken ct) =>
        await Rounds.RemoveQuotaAsync(db, id, quotaId, Actor.From(http.User), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    static async Task<Results<Ok<IssuedTokens>, FileContentHttpResult, NotFound, ValidationProblem>> IssueTokens(int id, TokenRequest request, string? format,
        ChiSoDb db, SurveyMarkers markers, HttpContext http, IConfiguration config, CancellationToken ct)
    {
        var change = await Tokens.GenerateAsync(db, markers, id, request.Unit ?? "", request.Group ?? "", request.Count, Actor.From(http.User), ct);
        if (change.NotFound) return TypedResults.NotFound();
        if (change.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "Không cấp được mã.");
        // Shown once: the plain tokens exist only in this response, which no cache may keep.
        http.Response.Headers.CacheControl = "no-store";
        var issued = change.Value!;
        return string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            ? TypedResults.File(issued.Csv(PublicBase(http, config)), "text/csv; charset=utf-8", $"ma-khao-sat-{id}-{issued.Unit}-{issued.Group}.csv")
            : TypedResults.Ok(issued);
    }

    static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem>> Qr(int id, string unit, string? group, string? dossier,
        ChiSoDb db, HttpContext http, IConfiguration config, CancellationToken ct)
    {
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Questionnaire).ThenInclude(q => q!.Groups)
            .FirstOrDefaultAsync(r => r.Id == id, ct);
        if (round is null) return TypedResults.NotFound();
        if (!await db.Units.AnyAsync(u => u.Code == unit, ct)) return Invalid("unit", $"Không có đơn vị mã '{unit}'.");
        if (group is not null && round.Questionnaire!.Groups.All(g => g.Code != group)) return Invalid("group", $"Phiếu không có nhóm '{group}'.");
        if (dossier is not null && !RoundsQr.IsDossierCode(dossier))
            return Invalid("dossier", "Mã hồ sơ chỉ gồm chữ, số và các dấu - _ . / (tối đa 64 ký tự).");
        var url = PublicBase(http, config) + Tokens.FormUrl(id, unit, group, dossier: dossier);
        return TypedResults.File(RoundsQr.Png(url), "image/png");
    }

    /// <summary>The address respondents reach: Surveys:PublicBaseUrl when the app sits behind a proxy or a public
    /// domain, else the address of this request.</summary>
    public static string PublicBase(HttpContext http, IConfiguration config) =>
        (config["Surveys:PublicBaseUrl"] is { Length: > 0 } b ? b : $"{http.Request.Scheme}://{http.Request.Host}").TrimEnd('/');

    static async Task<Results<Ok<RoundDetail>, NotFound, ValidationProblem>> Detail(RoundChange<int> change, ChiSoDb db, TimeProvider clock, CancellationToken ct)
    {
        if (change.NotFound) return TypedResults.NotFound();
        if (change.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "Dữ liệu không hợp lệ, không có gì được ghi.");
        return TypedResults.Ok((await Rounds.GetAsync(db, change.Value, Rounds.Today(clock), ct))!);
    }

    static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
