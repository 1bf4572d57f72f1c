using ChiSo.Data;
using ChiSo.Features.Surveys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Web.Components.Surveys;

/// <summary>The public survey form. Served by two endpoints that render components directly (no router, no layout, no
/// circuit): the GET shows the form, the POST validates through <see cref="CollectionService"/> and either redirects to
/// the thank-you page or renders the form again with the answers and the messages. A POST endpoint of its own lets the
/// rate limit apply to submissions only, and keeps the page free of the back office's MudBlazor and Blazor scripts.</summary>
public static class PublicSurveyEndpoints
{
    public const string ThanksPath = "/khao-sat/cam-on";

    public static void MapPublicSurveyForms(this IEndpointRouteBuilder app)
    {
        // Public by design: citizens answer without an account.
        var g = app.MapGroup("/khao-sat").AllowAnonymous();
        g.MapGet("/{roundId:int}/{unit}", Show).ExcludeFromDescription();
        g.MapPost("/{roundId:int}/{unit}/gui", Submit).ExcludeFromDescription().RequireRateLimiting(SurveyCollectionApi.FormRateLimit);
        app.MapGet(ThanksPath, () => Message("Cảm ơn Ông/Bà đã trả lời phiếu khảo sát",
            "Ý kiến của Ông/Bà đã được ghi nhận. Phiếu không ghi tên người trả lời; thông tin chỉ dùng tổng hợp cho mục đích thống kê.", 200, sent: true))
            .ExcludeFromDescription().AllowAnonymous();
    }

    static async Task<IResult> Show(int roundId, string unit, string? g, string? t, string? d, ChiSoDb db, CollectionForms forms,
        SurveyMarkers markers, TimeProvider clock, CancellationToken ct)
    {
        var form = await forms.GetAsync(db, roundId, ct);
        if (form is null) return Message("Không tìm thấy phiếu khảo sát", "Đường dẫn không đúng hoặc đợt khảo sát không còn.", 404);
        if (!form.IsOpen(Rounds.Today(clock)))
            return Message("Đợt khảo sát không nhận phiếu", $"{form.RoundName} hiện không mở (từ {form.OpensOn:dd/MM/yyyy} đến {form.ClosesOn:dd/MM/yyyy}).", 409);
        var (unitId, group, refusal) = CollectionService.Resolve(form, unit, g ?? "");
        if (refusal is not null) return Message("Đường dẫn phiếu không đúng", refusal.Errors.Values.First(), 404);
        if (form.Groups[group].Closed)
        {
            if (t is not { Length: > 0 } || await Tokens.FindUnusedAsync(db, markers, roundId, t, ct) is not { } owner
                || owner.UnitId != unitId || !string.Equals(owner.Group, group, StringComparison.OrdinalIgnoreCase))
                return Message("Mã phiếu không dùng được",
                    "Nhóm này trả lời bằng mã phiếu dùng một lần. Mã trong đường dẫn không đúng hoặc đã được dùng để gửi phiếu.", 403);
        }
        else if (d is { Length: > 0 } && markers.Dossier(roundId, d) is var (hash, legacy)
                 && await db.UsedDossiers.AnyAsync(x => x.RoundId == roundId && (x.Hash == hash || (x.Legacy && x.Hash == legacy)), ct))
            return Message("Hồ sơ đã được đánh giá", "Hồ sơ này đã được đánh giá trong đợt khảo sát; mỗi hồ sơ chỉ trả lời một lần. Xin cảm ơn.", 409);
        return FormPage(form, unit, group, t, d, clock.GetUtcNow().ToUnixTimeSeconds(), new Dictionary<string, string>(), new Dictionary<string, string>(), 200);
    }

    // No DbContext among the parameters: most posts need none (CollectionService), and creating one costs more than the rest.
    static async Task<IResult> Submit(int roundId, string unit, IFormCollection post, HttpContext http, CollectionForms forms,
        CollectionService intake, TimeProvider clock, CancellationToken ct)
    {
        var answers = post.Keys.Where(k => k.StartsWith("a:", StringComparison.Ordinal))
            .ToDictionary(k => k[2..], k => (string?)string.Join(CollectionRules.MultipleSeparator, post[k].Where(v => !string.IsNullOrEmpty(v))));
        var group = post["g"].ToString();
        string? token = post["t"].ToString() is { Length: > 0 } tv ? tv : null;
        string? dossier = post["d"].ToString() is { Length: > 0 } dv ? dv : null;
        var started = long.TryParse(post["s"], out var s) ? s : (long?)null;
        // The start time comes from the page the server rendered; only the difference is kept, never the time of day.
        var seconds = started is { } st && clock.GetUtcNow().ToUnixTimeSeconds() - st is var e and >= 0 and < 86_400 ? (int)e : (int?)null;
        var result = await intake.SubmitAsync(new Submission(roundId, unit, group, answers, token, dossier, seconds, ResponseChannel.Online), ct);
        switch (result.Outcome)
        {
            case IntakeOutcome.Stored:
                return TypedResults.Redirect(ThanksPath);
            case IntakeOutcome.Invalid when await forms.GetAsync(() => http.RequestServices.GetRequiredService<ChiSoDb>(), roundId, ct) is { } form && form.Groups.ContainsKey(group) && form.Units.ContainsKey(unit):
                return FormPage(form, unit, form.Groups[group].Code, token, dossier, started ?? clock.GetUtcNow().ToUnixTimeSeconds(),
                    answers.Where(a => a.Value is { Length: > 0 }).ToDictionary(a => a.Key, a => a.Value!), result.Errors, 422);
            case IntakeOutcome.DossierUsed:
                return Message("Hồ sơ đã được đánh giá", result.Errors.Values.First(), 409);
            case IntakeOutcome.TokenRefused:
                return Message("Mã phiếu không dùng được", result.Errors.Values.First(), 403);
            case IntakeOutcome.NotOpen:
                return Message("Đợt khảo sát không nhận phiếu", result.Errors.Values.First(), 409);
            default:
                return Message("Không gửi được phiếu", result.Errors.Values.FirstOrDefault() ?? "Đường dẫn phiếu không đúng.", 404);
        }
    }

    static RazorComponentResult FormPage(CollectionForm form, string unit, string group, string? token, string? dossier, long started,
        IReadOnlyDictionary<string, string> answers, IReadOnlyDictionary<string, string> errors, int status) =>
        new RazorComponentResult<PublicSurveyForm>(new Dictionary<string, object?>
        {
            [nameof(PublicSurveyForm.Form)] = form,
            [nameof(PublicSurveyForm.UnitCode)] = form.Units.Keys.First(k => string.Equals(k, unit, StringComparison.OrdinalIgnoreCase)),
            [nameof(PublicSurveyForm.UnitName)] = form.Units[unit].Name,
            [nameof(PublicSurveyForm.Group)] = group,
            [nameof(PublicSurveyForm.Token)] = token,
            [nameof(PublicSurveyForm.Dossier)] = dossier,
            [nameof(PublicSurveyForm.Started)] = started,
            [nameof(PublicSurveyForm.Answers)] = answers,
            [nameof(PublicSurveyForm.Errors)] = errors,
        }) { StatusCode = status };

    /// <summary>The answer to a sender over the per-address limit: the form's message page, or problem+json for the API.</summary>
    public static Task TooMany(HttpContext http)
    {
        const string title = "Quá nhiều phiếu gửi từ cùng một địa chỉ", detail = "Xin chờ một phút rồi gửi lại; phiếu vừa rồi chưa được lưu.";
        http.Response.Headers.RetryAfter = "60";
        return http.Request.Path.StartsWithSegments("/khao-sat")
            ? Message(title, detail, StatusCodes.Status429TooManyRequests).ExecuteAsync(http)
            : TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
    }

    static RazorComponentResult Message(string title, string message, int status, bool sent = false) =>
        new RazorComponentResult<PublicSurveyMessage>(new Dictionary<string, object?>
        {
            [nameof(PublicSurveyMessage.Title)] = title,
            [nameof(PublicSurveyMessage.Message)] = message,
            [nameof(PublicSurveyMessage.Problem)] = status >= 400,
            [nameof(PublicSurveyMessage.Sent)] = sent,
        }) { StatusCode = status };
}
