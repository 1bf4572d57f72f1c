using System.Text;
using System.Text.Json;

namespace ChiSo.Features.Surveys;

/// <summary>The questions a round scores, in questionnaire order, and the respondent groups, each with a dense
/// index so that the tally can add answers into flat arrays instead of dictionaries.</summary>
public sealed class ScoringLayout
{
    public IReadOnlyList<Question> Questions { get; }
    public IReadOnlyList<RespondentGroup> Groups { get; }
    internal readonly Dictionary<string, int> QuestionIndex = new(StringComparer.Ordinal);
    internal readonly Dictionary<string, int> GroupIndex = new(StringComparer.Ordinal);

    public ScoringLayout(Questionnaire questionnaire)
    {
        var sectionOrder = questionnaire.Sections.ToDictionary(s => s.Id, s => (s.Order, s.Id));
        // Only the five-level scales give a mean and a share satisfied; other questions are collected, not scored.
        Questions = questionnaire.Questions.Where(q => q.Type is QuestionType.Scale5 or QuestionType.Likert5)
            .OrderBy(q => sectionOrder.GetValueOrDefault(q.SectionId)).ThenBy(q => q.Order).ThenBy(q => q.Id).ToList();
        Groups = questionnaire.Groups.OrderBy(g => g.Id).ToList();
        for (var i = 0; i < Questions.Count; i++) QuestionIndex[Questions[i].Code] = i;
        for (var i = 0; i < Groups.Count; i++) GroupIndex[Groups[i].Code] = i;
    }

    public int Cells => Groups.Count * Questions.Count;
    public int Cell(int group, int question) => group * Questions.Count + question;
}

/// <summary>Sums per (unit, group, question): count, sum, sum of squares and the count of the top two levels, which is
/// all that a mean, its interval and a share satisfied need. Answers are read straight from each response's packed
/// JSON with <see cref="Utf8JsonReader"/>; nothing per answer is allocated, so 10^6 responses fit in a second or two.</summary>
public sealed class ScoringTally(ScoringLayout layout)
{
    public const int ScaleTop = 5;
    /// <summary>"Hài lòng" and "Rất hài lòng" (or "Đồng ý" and "Hoàn toàn đồng ý"): levels 4 and 5.</summary>
    public const int SatisfiedFrom = 4;

    public sealed class UnitTally(int groups, int cells)
    {
        public readonly int[] Responses = new int[groups];
        /// <summary>Per cell four numbers in a row: n, Σx, Σx², satisfied.</summary>
        public readonly long[] Sums = new long[cells * 4];
    }

    public ScoringLayout Layout => layout;
    public Dictionary<int, UnitTally> Units { get; } = [];
    public long Responses { get; private set; }
    /// <summary>Responses of a group the questionnaire does not have, or whose answers are not a JSON object.</summary>
    public long Ignored { get; private set; }

    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> questions = layout.QuestionIndex.GetAlternateLookup<ReadOnlySpan<char>>();
    byte[] buffer = new byte[4096];
    readonly byte[][] groupCodes = layout.Groups.Select(g => Encoding.UTF8.GetBytes(g.Code)).ToArray();
    // Question index and value pairs of the row being read; a code answered twice counts twice at most.
    readonly int[] found = new int[Math.Max(layout.Questions.Count, 1) * 4];
    int lastUnitId = -1;
    UnitTally? lastUnit;

    public void Add(int unitId, string group, string answers)
    {
        var max = Encoding.UTF8.GetMaxByteCount(answers.Length);
        if (buffer.Length < max) buffer = new byte[Math.Max(max, buffer.Length * 2)];
        var length = Encoding.UTF8.GetBytes(answers, buffer);
        Add(unitId, group, buffer.AsSpan(0, length));
    }

    public void Add(int unitId, string group, ReadOnlySpan<byte> utf8Answers)
    {
        if (!layout.GroupIndex.TryGetValue(group, out var g)) { Ignored++; return; }
        Add(unitId, g, utf8Answers);
    }

    /// <summary>The group as UTF-8 bytes, as SQLite hands it over; a questionnaire has a handful of groups.</summary>
    public void Add(int unitId, ReadOnlySpan<byte> utf8Group, ReadOnlySpan<byte> utf8Answers)
    {
        var g = -1;
        for (var i = 0; i < groupCodes.Length; i++)
            if (utf8Group.SequenceEqual(groupCodes[i])) { g = i; break; }
        if (g < 0) { Ignored++; return; }
        Add(unitId, g, utf8Answers);
    }

    void Add(int unitId, int g, ReadOnlySpan<byte> utf8Answers)
    {
        UnitTally unit;
        if (unitId == lastUnitId) unit = lastUnit!;
        else
        {
            if (!Units.TryGetValue(unitId, out unit!)) Units[unitId] = unit = new UnitTally(layout.Groups.Count, layout.Cells);
            lastUnitId = unitId;
            lastUnit = unit;
        }
        if (!AddAnswers(unit.Sums, g * layout.Questions.Count, utf8Answers)) { Ignored++; return; }
        unit.Responses[g]++;
        Responses++;
    }

    bool AddAnswers(long[] sums, int firstCell, ReadOnlySpan<byte> json)
    {
        // Answers are added only once the whole object has parsed, so a broken row adds nothing.
        var found = this.found;
        var count = 0;
        Span<char> name = stackalloc char[64];
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var q = -1;
                // A question code is short; a longer name cannot be one (UTF-8 never has fewer bytes than chars).
                if (reader.ValueSpan.Length <= name.Length && !reader.ValueIsEscaped)
                {
                    var chars = reader.CopyString(name);
                    if (!questions.TryGetValue(name[..chars], out q)) q = -1;
                }
                if (!reader.Read()) return false;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) { reader.Skip(); continue; }
                if (q < 0) continue;
                var value = reader.TokenType switch
                {
                    JsonTokenType.String when reader.ValueSpan.Length == 1 => reader.ValueSpan[0] - '0',
                    JsonTokenType.Number when reader.TryGetInt32(out var n) => n,
                    _ => 0,
                };
                // "Không biết", 0 or an out-of-range level is not an answer on the scale.
                if (value is < 1 or > ScaleTop || count >= found.Length) continue;
                found[count++] = q;
                found[count++] = value;
            }
            if (reader.TokenType != JsonTokenType.EndObject) return false;
        }
        catch (JsonException)
        {
            return false;
        }
        for (var i = 0; i < count; i += 2)
        {
            var at = (firstCell + found[i]) * 4;
            long v = found[i + 1];
            sums[at]++;
            sums[at + 1] += v;
            sums[at + 2] += v * v;
            if (v >= SatisfiedFrom) sums[at + 3]++;
        }
        return true;
    }

    /// <summary>Adds another tally of the same layout (used to read a round in parallel parts).</summary>
    public void Merge(ScoringTally other)
    {
        foreach (var (id, t) in other.Units)
        {
            if (!Units.TryGetValue(id, out var mine)) { Units[id] = t; continue; }
            for (var i = 0; i < t.Responses.Length; i++) mine.Responses[i] += t.Responses[i];
            for (var i = 0; i < t.Sums.Length; i++) mine.Sums[i] += t.Sums[i];
        }
        Responses += other.Responses;
        Ignored += other.Ignored;
        lastUnitId = -1;
    }
}
