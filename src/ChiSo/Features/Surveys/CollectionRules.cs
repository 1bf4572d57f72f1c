using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ChiSo.Features.Surveys;

/// <summary>The answers of one respondent after validation: only answered questions, in questionnaire order,
/// normalised ("4", "Có", "A;B", "12.5"), and the questions the respondent was shown (for the speeder rule).</summary>
public sealed record CheckedAnswers(IReadOnlyList<KeyValuePair<string, string>> Answers, int QuestionsShown, IReadOnlyList<string> ScaleValues)
{
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The packed JSON object stored in <see cref="SurveyResponse.Answers"/>. Same answers, same text: the
    /// duplicate rule compares it as is.</summary>
    public string Pack() => JsonSerializer.Serialize(Answers.ToDictionary(a => a.Key, a => a.Value), Json);
}

/// <summary>The one rule set for every channel (public form, API, paper): required answers, values allowed by the
/// question type, and skip logic evaluated here so a skipped question must be empty whatever the browser did.</summary>
public static class CollectionRules
{
    public const int MaxText = 2000;
    public const char MultipleSeparator = ';';

    public static (CheckedAnswers Checked, Dictionary<string, string> Errors) Check(CollectionForm form, string group,
        IReadOnlyDictionary<string, string?> raw)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new List<KeyValuePair<string, string>>();
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        var known = new HashSet<string>(StringComparer.Ordinal);
        var shown = 0;
        var scales = new List<string>();
        foreach (var q in form.Questions)
        {
            known.Add(q.Code);
            var value = raw.TryGetValue(q.Code, out var v) ? v?.Trim() ?? "" : "";
            if (!q.For(group))
            {
                if (value.Length > 0) errors[q.Code] = "Câu này không dành cho nhóm người trả lời của phiếu; xin để trống.";
                continue;
            }
            if (q.SkipCode is { } sc && given.TryGetValue(sc, out var earlier) && string.Equals(earlier, q.SkipValue, StringComparison.OrdinalIgnoreCase))
            {
                if (value.Length > 0) errors[q.Code] = $"Câu này được bỏ qua khi câu {sc} trả lời “{q.SkipValue}”; xin để trống.";
                continue;
            }
            shown++;
            if (value.Length == 0)
            {
                if (q.Required) errors[q.Code] = "Xin trả lời câu này.";
                continue;
            }
            var (normal, error) = Normalize(q, value);
            if (error is not null) { errors[q.Code] = error; continue; }
            given[q.Code] = normal!;
            answers.Add(new(q.Code, normal!));
            if (q.IsScale) scales.Add(normal!);
        }
        foreach (var code in raw.Keys)
            if (!known.Contains(code) && !string.IsNullOrWhiteSpace(raw[code]))
                errors[code] = $"Phiếu không có câu “{code}”.";
        return (new CheckedAnswers(answers, shown, scales), errors);
    }

    static (string? Value, string? Error) Normalize(FormQuestion q, string value)
    {
        switch (q.Type)
        {
            case QuestionType.Scale5 or QuestionType.Likert5:
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is >= 1 and <= 5
                    ? (level.ToString(CultureInfo.InvariantCulture), null)
                    : (null, "Xin chọn một mức từ 1 đến 5.");
            case QuestionType.YesNo or QuestionType.Single:
                return q.Choices.FirstOrDefault(c => string.Equals(c.Value, value, StringComparison.OrdinalIgnoreCase)) is { Value: { } hit }
                    ? (hit, null)
                    : (null, "Xin chọn một trong các phương án của câu hỏi.");
            case QuestionType.Multiple:
            {
                var picked = value.Split(MultipleSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var unknown = picked.Where(p => !q.Options.Contains(p, StringComparer.OrdinalIgnoreCase)).ToList();
                if (unknown.Count > 0) return (null, $"Phương án không có trong câu hỏi: {string.Join(", ", unknown)}.");
                // Option order, not click order, so that the same choices always pack to the same text.
                return (string.Join(MultipleSeparator, q.Options.Where(o => picked.Contains(o, StringComparer.OrdinalIgnoreCase))), null);
            }
            case QuestionType.Number:
                return decimal.TryParse(value.Replace(',', '.'), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n)
                    ? (n.ToString(CultureInfo.InvariantCulture), null)
                    : (null, "Xin nhập một số.");
            default:
                return value.Length <= MaxText ? (value, null) : (null, $"Câu trả lời dài quá {MaxText} ký tự.");
        }
    }

    public const string Speeder = "speeder";
    public const string StraightLine = "straight-line";
    public const string Duplicate = "duplicate";

    /// <summary>Speeders: under a third of the usual time (the median of the round, when known), or under a minute for
    /// 30 questions or more. Straight-lining: the same level on every one of at least 8 scale questions.</summary>
    public static List<string> Flags(CheckedAnswers a, int? seconds, double? medianSeconds)
    {
        var flags = new List<string>();
        if (seconds is { } s && ((a.QuestionsShown >= 30 && s < 60) || (medianSeconds is { } m && s < m / 3))) flags.Add(Speeder);
        if (a.ScaleValues.Count >= 8 && a.ScaleValues.All(v => v == a.ScaleValues[0])) flags.Add(StraightLine);
        return flags;
    }

    /// <summary>Vietnamese label of a flag, for reviewers.</summary>
    public static string FlagLabel(string flag) => flag switch
    {
        Speeder => "Trả lời quá nhanh",
        StraightLine => "Chọn cùng một mức cho mọi câu",
        Duplicate => "Trùng hệt một phiếu khác cùng ngày",
        _ => flag,
    };
}
