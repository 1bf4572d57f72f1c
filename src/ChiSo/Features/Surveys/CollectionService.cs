using ChiSo.Data;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Features.Surveys;

/// <summary>One respondent's answers as a channel received them. <see cref="Token"/> and <see cref="Dossier"/> are
/// checked and then forgotten: nothing of them reaches the stored response.</summary>
public sealed record Submission(int RoundId, string Unit, string Group, IReadOnlyDictionary<string, string?> Answers,
    string? Token = null, string? Dossier = null, int? Seconds = null, ResponseChannel Channel = ResponseChannel.Api);

public enum IntakeOutcome { Stored, Invalid, NotFound, NotOpen, TokenRefused, DossierUsed }

/// <summary>What became of a submission. <see cref="Errors"/> maps a question code (or "unit", "group", "token") to
/// a Vietnamese message shown next to it.</summary>
public sealed record IntakeResult(IntakeOutcome Outcome, IReadOnlyDictionary<string, string> Errors, IReadOnlyList<string> Flags)
{
    public static IntakeResult Fail(IntakeOutcome outcome, string key, string message) => new(outcome, new Dictionary<string, string> { [key] = message }, []);
}

/// <summary>The intake: every channel (public form, API) stores answers through <see cref="SubmitAsync"/>. It validates
/// here, in the request, then hands the row (answers packed as JSON) to <see cref="IntakeWriter"/>, which group-commits.
/// <para>The request's DbContext is resolved from <paramref name="services"/> only when a cache must load: the form and the
/// median time are cached and the writer has its own connection, so most submissions need none.</para></summary>
public sealed class CollectionService(IServiceProvider services, CollectionForms forms, IntakeWriter writer, SurveyMarkers markers, TimeProvider clock)
{
    ChiSoDb Db() => services.GetRequiredService<ChiSoDb>();

    public async Task<IntakeResult> SubmitAsync(Submission s, CancellationToken ct = default)
    {
        var form = await forms.GetAsync(Db, s.RoundId, ct);
        if (form is null) return IntakeResult.Fail(IntakeOutcome.NotFound, "round", "Không có đợt khảo sát này.");
        var today = Rounds.Today(clock);
        if (!form.IsOpen(today)) return IntakeResult.Fail(IntakeOutcome.NotOpen, "round", "Đợt khảo sát chưa mở hoặc đã kết thúc.");
        var (unitId, group, refusal) = Resolve(form, s.Unit, s.Group);
        if (refusal is not null) return refusal;
        var closed = form.Groups[group].Closed;
        if (closed && string.IsNullOrWhiteSpace(s.Token))
            return IntakeResult.Fail(IntakeOutcome.TokenRefused, "token", "Nhóm này trả lời bằng mã phiếu dùng một lần; đường dẫn thiếu mã.");
        if (closed && !Tokens.Usable(s.Token)) return TokenRefused;

        var (answers, errors) = CollectionRules.Check(form, group, s.Answers);
        if (errors.Count > 0) return new IntakeResult(IntakeOutcome.Invalid, errors, []);

        var packed = answers.Pack(out var hash);
        var flags = CollectionRules.Flags(answers, s.Seconds, await forms.MedianSecondsAsync(Db, form.RoundId, group, ct));
        var response = new SurveyResponse
        {
            RoundId = form.RoundId, UnitId = unitId, Group = group, Channel = s.Channel, SubmittedOn = today, Answers = packed, AnswersHash = hash,
            Seconds = s.Seconds is >= 0 ? s.Seconds : null,
            Review = flags.Count > 0 ? ResponseReview.Flagged : ResponseReview.Accepted,
            Flags = flags.Count > 0 ? string.Join(',', flags) : null,
        };
        var token = closed ? markers.Token(form.RoundId, s.Token!) : (Marker?)null;
        var dossier = !closed && !string.IsNullOrWhiteSpace(s.Dossier) ? markers.Dossier(form.RoundId, s.Dossier) : (Marker?)null;
        // The writer spends the token, records the dossier, flags a duplicate (an identical answer of the same unit, group
        // and day) and stores the answer in one transaction (shared with other answers: group commit), so a refused token
        // or dossier stores nothing. The token row only turns Used; nothing records which response spent it.
        var outcome = await writer.WriteAsync(new PendingResponse(response, token, dossier), ct);
        if (outcome == IntakeOutcome.Stored && response.Seconds is { } seconds) forms.AddTime(form.RoundId, group, seconds);
        return outcome switch
        {
            IntakeOutcome.TokenRefused => TokenRefused,
            IntakeOutcome.DossierUsed => IntakeResult.Fail(IntakeOutcome.DossierUsed, "dossier", "Hồ sơ này đã được đánh giá trong đợt khảo sát; mỗi hồ sơ chỉ trả lời một lần."),
            _ => new IntakeResult(IntakeOutcome.Stored, errors, response.Flags?.Split(',') ?? []),
        };
    }

    static readonly IntakeResult TokenRefused =
        IntakeResult.Fail(IntakeOutcome.TokenRefused, "token", "Mã phiếu không hợp lệ, không thuộc đơn vị và nhóm này, hoặc đã được dùng.");

    /// <summary>The unit and group of a submission, checked against the round: both must exist and be surveyed.</summary>
    public static (int UnitId, string Group, IntakeResult? Refusal) Resolve(CollectionForm form, string unit, string group)
    {
        if (!form.Units.TryGetValue(unit?.Trim() ?? "", out var u))
            return (0, "", IntakeResult.Fail(IntakeOutcome.Invalid, "unit", $"Không có đơn vị mã “{unit}”."));
        if (!form.Groups.TryGetValue(group?.Trim() ?? "", out var g))
            return (0, "", IntakeResult.Fail(IntakeOutcome.Invalid, "group", $"Phiếu không có nhóm người trả lời “{group}”."));
        if (!form.Surveys(u.Id, g.Code))
            return (0, "", IntakeResult.Fail(IntakeOutcome.Invalid, "unit", $"Đợt khảo sát không khảo sát nhóm “{g.Name}” của {u.Name}."));
        return (u.Id, g.Code, null);
    }
}
