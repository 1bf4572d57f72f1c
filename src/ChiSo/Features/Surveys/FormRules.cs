using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;

namespace ChiSo.Features.Surveys;

/// <summary>A questionnaire's validation rules compiled once: questions in order with their skip rule as an index, choices
/// and options in case-insensitive lookups, the questions each group answers as a mask. <see cref="Check"/> then costs a
/// pass over the questions and the answers, without building the choice lists or dictionaries per submission.
/// <para>Cached by questionnaire id and version. A questionnaire version is written once and never changed
/// (docs/decisions/0005), so a compiled rule set never goes stale, and several app instances each holding their own copy
/// always agree: nothing needs invalidating, in this process or across instances.</para></summary>
public sealed class FormRules
{
    static readonly ConcurrentDictionary<(int Id, string Version), FormRules> Cache = new();

    /// <summary>The rules of the form's questionnaire version. A form built by hand (id 0) is compiled for that call only.</summary>
    public static FormRules For(CollectionForm form) => form.QuestionnaireId == 0
        ? new FormRules(form)
        : Cache.GetOrAdd((form.QuestionnaireId, form.QuestionnaireVersion), static (_, f) => new FormRules(f), form);

    sealed record Rule(FormQuestion Question, int Skip, FrozenDictionary<string, string>? Choices, FrozenSet<string>? Options);

    static readonly string[] Levels = ["1", "2", "3", "4", "5"];

    readonly Rule[] rules;
    readonly FrozenDictionary<string, int> index;
    readonly ConcurrentDictionary<string, bool[]> masks = new(StringComparer.Ordinal);

    FormRules(CollectionForm form)
    {
        var questions = form.Questions.ToList();
        index = questions.Select((q, i) => (q.Code, i)).DistinctBy(x => x.Code).ToFrozenDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);
        rules = questions.Select(q => new Rule(q,
            q.SkipCode is { } sc && index.TryGetValue(sc, out var at) ? at : -1,
            q.Type is QuestionType.YesNo or QuestionType.Single ? Choices(q) : null,
            q.Type is QuestionType.Multiple ? q.Options.ToFrozenSet(StringComparer.OrdinalIgnoreCase) : null)).ToArray();
    }

    /// <summary>Allowed value (any case) → the value as the questionnaire writes it; the first of two that differ only in case wins.</summary>
    static FrozenDictionary<string, string> Choices(FormQuestion q)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (value, _) in q.Choices) map.TryAdd(value, value);
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    bool[] Mask(string group) => masks.GetOrAdd(group, g => rules.Select(r => r.Question.For(g)).ToArray());

    public (CheckedAnswers Checked, Dictionary<string, string> Errors) Check(string group, IReadOnlyDictionary<string, string?> raw)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new List<KeyValuePair<string, string>>(rules.Length);
        var given = new string?[rules.Length];
        var applies = Mask(group);
        var shown = 0;
        var scales = new List<string>();
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var q = rule.Question;
            // NFC: a choice typed or sent decomposed matches its option, and text is stored like every other text.
            var value = raw.TryGetValue(q.Code, out var v) ? ViText.Normal(v?.Trim()) ?? "" : "";
            if (!applies[i])
            {
                if (value.Length > 0) errors[q.Code] = "Câu này không dành cho nhóm người trả lời của phiếu; xin để trống.";
                continue;
            }
            if (rule.Skip >= 0 && given[rule.Skip] is { } earlier && string.Equals(earlier, q.SkipValue, StringComparison.OrdinalIgnoreCase))
            {
                if (value.Length > 0) errors[q.Code] = $"Câu này được bỏ qua khi câu {q.SkipCode} trả lời “{q.SkipValue}”; xin để trống.";
                continue;
            }
            shown++;
            if (value.Length == 0)
            {
                if (q.Required) errors[q.Code] = "Xin trả lời câu này.";
                continue;
            }
            var (normal, error) = Normalize(rule, value);
            if (error is not null) { errors[q.Code] = error; continue; }
            given[i] = normal!;
            answers.Add(new(q.Code, normal!));
            if (q.IsScale) scales.Add(normal!);
        }
        foreach (var (code, value) in raw)
            if (!index.ContainsKey(code) && !string.IsNullOrWhiteSpace(value))
                errors[code] = $"Phiếu không có câu “{code}”.";
        return (new CheckedAnswers(answers, shown, scales), errors);
    }

    static (string? Value, string? Error) Normalize(Rule rule, string value)
    {
        var q = rule.Question;
        switch (q.Type)
        {
            case QuestionType.Scale5 or QuestionType.Likert5:
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is >= 1 and <= 5
                    ? (Levels[level - 1], null)
                    : (null, "Xin chọn một mức từ 1 đến 5.");
            case QuestionType.YesNo or QuestionType.Single:
                return rule.Choices!.TryGetValue(value, out var hit)
                    ? (hit, null)
                    : (null, "Xin chọn một trong các phương án của câu hỏi.");
            case QuestionType.Multiple:
            {
                var picked = value.Split(CollectionRules.MultipleSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var unknown = picked.Where(p => !rule.Options!.Contains(p)).ToList();
                if (unknown.Count > 0) return (null, $"Phương án không có trong câu hỏi: {string.Join(", ", unknown)}.");
                // Option order, not click order, so that the same choices always pack to the same text.
                return (string.Join(CollectionRules.MultipleSeparator, q.Options.Where(o => picked.Contains(o, StringComparer.OrdinalIgnoreCase))), null);
            }
            case QuestionType.Number:
                return decimal.TryParse(value.Replace(',', '.'), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n)
                    ? (n.ToString(CultureInfo.InvariantCulture), null)
                    : (null, "Xin nhập một số.");
            default:
                return value.Length <= CollectionRules.MaxText ? (value, null) : (null, $"Câu trả lời dài quá {CollectionRules.MaxText} ký tự.");
        }
    }
}
