using System.Globalization;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;

namespace ChiSo.Features.Assessments;

/// <summary>A unit's answer turned into points by the criterion's rule; NotApplicable takes the criterion out of
/// both the points and the max.</summary>
public sealed record ScoredAnswer(string Answer, decimal? Points, bool NotApplicable);

/// <summary>The one place where an answer becomes points, for self-assessment and appraisal alike.</summary>
public static class Answers
{
    public const string Yes = "yes", No = "no", NotApplicable = "na";

    /// <summary>Points for an answer, or a Vietnamese reason why the answer is not acceptable.</summary>
    public static (ScoredAnswer? Scored, string? Error) Score(Criterion c, string? answer)
    {
        var a = (answer ?? "").Trim();
        if (a.Length == 0) return (null, $"Tiêu chí {c.Code}: chưa có câu trả lời.");
        var max = c.Max ?? 0;
        if (IsNotApplicable(a))
            return c.AllowNotApplicable ? (new ScoredAnswer(NotApplicable, null, true), null)
                : (null, $"Tiêu chí {c.Code} không cho phép trả lời \"không áp dụng\".");
        switch (c.Answer)
        {
            case AnswerType.YesNo:
                if (a.ToLowerInvariant() is "yes" or "có" or "co" or "x" or "1" or "đạt") return (new ScoredAnswer(Yes, max, false), null);
                if (a.ToLowerInvariant() is "no" or "không" or "khong" or "0" or "không đạt") return (new ScoredAnswer(No, 0, false), null);
                return (null, $"Tiêu chí {c.Code}: trả lời \"Có\" hoặc \"Không\"{(c.AllowNotApplicable ? " hoặc \"Không áp dụng\"" : "")}.");
            case AnswerType.Levels:
                var level = c.Levels.FirstOrDefault(l => string.Equals(l.Label.Trim(), a, StringComparison.OrdinalIgnoreCase));
                return level is null
                    ? (null, $"Tiêu chí {c.Code}: chọn một mức: {string.Join("; ", c.Levels.Select(l => l.Label))}.")
                    : (new ScoredAnswer(level.Label, level.Points, false), null);
            case AnswerType.Percent:
                if (ParseNumber(a) is not { } p) return (null, $"Tiêu chí {c.Code}: \"{a}\" không phải một tỷ lệ phần trăm.");
                if (p is < 0 or > 100) return (null, $"Tiêu chí {c.Code}: tỷ lệ phải từ 0 đến 100 %.");
                return (new ScoredAnswer(Invariant(p), Math.Round(max * p / 100, 2, MidpointRounding.AwayFromZero), false), null);
            default:
                return Points(c, a);
        }
    }

    /// <summary>Points given directly (self-score of a Points criterion, or an appraiser's adjusted points).</summary>
    public static (ScoredAnswer? Scored, string? Error) Points(Criterion c, string text)
    {
        if (ParseNumber(text) is not { } v) return (null, $"Tiêu chí {c.Code}: \"{text}\" không phải một số điểm.");
        return PointsValue(c, v);
    }

    public static (ScoredAnswer? Scored, string? Error) PointsValue(Criterion c, decimal v)
    {
        var max = c.Max ?? 0;
        if (v < 0) return (null, $"Tiêu chí {c.Code}: điểm không được âm.");
        if (v > max) return (null, $"Tiêu chí {c.Code}: điểm {ViText.Num(v)} vượt điểm tối đa {ViText.Num(max)}.");
        if (c.Step is > 0 and var step && v % step != 0)
            return (null, $"Tiêu chí {c.Code}: điểm phải là bội số của {ViText.Num(step)} (ví dụ {ViText.Num(Math.Floor(v / step) * step)}).");
        return (new ScoredAnswer(Invariant(v), v, false), null);
    }

    public static bool IsNotApplicable(string a) =>
        a.Equals(NotApplicable, StringComparison.OrdinalIgnoreCase) || a.Equals("không áp dụng", StringComparison.OrdinalIgnoreCase) || a.Equals("KAD", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads "1,5", "1.5", "85 %" alike.</summary>
    public static decimal? ParseNumber(string text)
    {
        var t = text.Trim().TrimEnd('%').Trim().Replace(',', '.');
        return decimal.TryParse(t, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    static string Invariant(decimal v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>The leaves a unit of this kind answers: criteria without children, applicable to the kind
    /// (a node that does not apply takes its whole subtree with it).</summary>
    public static List<Criterion> Leaves(IReadOnlyList<Criterion> tree, UnitKind kind)
    {
        var byParent = tree.ToLookup(c => c.ParentId);
        var leaves = new List<Criterion>();
        void Walk(Criterion c)
        {
            if (!c.AppliesToKind(kind)) return;
            var children = byParent[c.Id].ToList();
            if (children.Count == 0) leaves.Add(c);
            foreach (var child in children.OrderBy(x => x.Order)) Walk(child);
        }
        foreach (var root in byParent[null].OrderBy(c => c.Order)) Walk(root);
        return leaves;
    }
}
