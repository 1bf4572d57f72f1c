using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ChiSo.Features.Surveys;

/// <summary>The answers of one respondent after validation: only answered questions, in questionnaire order,
/// normalised ("4", "Có", "A;B", "12.5"), and the questions the respondent was shown (for the speeder rule).</summary>
public sealed record CheckedAnswers(IReadOnlyList<KeyValuePair<string, string>> Answers, int QuestionsShown, IReadOnlyList<string> ScaleValues)
{
    static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The packed JSON object stored in <see cref="SurveyResponse.Answers"/>. Same answers, same text: the
    /// duplicate rule compares it as is.</summary>
    public string Pack() => Pack(out _);

    /// <summary>The packed JSON (the same text <c>JsonSerializer</c> writes for the code → value dictionary) and its
    /// <see cref="SurveyResponse.AnswersHash"/>, hashed from the UTF-8 bytes written, so the text is encoded once.</summary>
    public string Pack(out long hash)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + Answers.Count * 16);
        using (var w = new Utf8JsonWriter(buffer, Json))
        {
            w.WriteStartObject();
            foreach (var (code, value) in Answers) w.WriteString(code, value);
            w.WriteEndObject();
        }
        hash = SurveyResponse.HashOf(buffer.WrittenSpan);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>The one rule set for every channel (public form, API, paper): required answers, values allowed by the
/// question type, and skip logic evaluated here so a skipped question must be empty whatever the browser did.</summary>
public static class CollectionRules
{
    public const int MaxText = 2000;
    public const char MultipleSeparator = ';';

    public static (CheckedAnswers Checked, Dictionary<string, string> Errors) Check(CollectionForm form, string group,
        IReadOnlyDictionary<string, string?> raw) => FormRules.For(form).Check(group, raw);

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
