using System.Globalization;
using ChiSo.Features.Units;

namespace ChiSo.Features.Frameworks;

/// <summary>How a criterion's scoring rule is written (the document's keys, the workbook's Vietnamese words) and
/// when it is valid: one rule set for the JSON import, the Excel import and the framework editor.</summary>
public static class CriterionRules
{
    public static CriterionKind? ParseKind(string? s) => Fold(s) switch
    {
        null or "standard" or "thường" or "tiêu chí thường" => CriterionKind.Standard,
        "bonus" or "điểm thưởng" or "thưởng" => CriterionKind.Bonus,
        "penalty" or "điểm trừ" or "trừ" => CriterionKind.Penalty,
        _ => null,
    };

    public static AnswerType? ParseAnswer(string? s) => Fold(s) switch
    {
        null or "points" or "điểm" => AnswerType.Points,
        "yesno" or "có/không" or "có-không" or "có - không" or "có / không" => AnswerType.YesNo,
        "levels" or "mức" or "theo mức" => AnswerType.Levels,
        "percent" or "tỷ lệ %" or "tỷ lệ" or "tỉ lệ %" or "tỉ lệ" or "%" => AnswerType.Percent,
        _ => null,
    };

    public static ScoringMethod? ParseMethod(string? s) => Fold(s) switch
    {
        "appraisal" or "thẩm định" => ScoringMethod.Appraisal,
        "survey" or "điều tra xhh" or "điều tra xã hội học" or "khảo sát" => ScoringMethod.Survey,
        "external" or "nguồn bên ngoài" or "bên ngoài" => ScoringMethod.External,
        "computed" or "tính toán" => ScoringMethod.Computed,
        _ => null,
    };

    /// <summary>A unit kind by its key ("district") or as the guidance writes it ("quận/huyện", "xã/phường", "sở").</summary>
    public static UnitKind? ParseUnitKind(string? s)
    {
        var f = Fold(s);
        if (f is null) return null;
        if (UnitKinds.Parse(f) is { } byKey) return byKey;
        foreach (var kind in Enum.GetValues<UnitKind>())
            if (Fold(kind.Vietnamese()) == f) return kind;
        return f switch
        {
            "sở" or "các sở" => UnitKind.Department,
            "cơ quan ngang sở" or "cơ quan tương đương sở" or "ban, ngành" or "ban ngành" or "ban" or "ngành" => UnitKind.DepartmentLevelAgency,
            "quận/huyện" or "quận, huyện" or "quận" or "huyện" or "thị xã" or "quận/huyện/thị xã" or "cấp huyện" => UnitKind.District,
            "xã/phường" or "xã, phường" or "xã" or "phường" or "thị trấn" or "xã/phường/thị trấn" or "cấp xã" => UnitKind.Commune,
            _ => null,
        };
    }

    public static string Key(this CriterionKind k) => k.ToString().ToLowerInvariant();
    public static string Key(this AnswerType a) => a.ToString().ToLowerInvariant();
    public static string Key(this ScoringMethod m) => m.ToString().ToLowerInvariant();

    public static string Vietnamese(this CriterionKind k) => k switch
    {
        CriterionKind.Bonus => "Điểm thưởng",
        CriterionKind.Penalty => "Điểm trừ",
        _ => "Thường",
    };

    public static string Vietnamese(this AnswerType a) => a switch
    {
        AnswerType.YesNo => "Có/Không",
        AnswerType.Levels => "Mức",
        AnswerType.Percent => "Tỷ lệ %",
        _ => "Điểm",
    };

    public static string Vietnamese(this ScoringMethod m) => m switch
    {
        ScoringMethod.Survey => "Điều tra XHH",
        ScoringMethod.External => "Nguồn bên ngoài",
        ScoringMethod.Computed => "Tính toán",
        _ => "Thẩm định",
    };

    /// <summary>"Đầy đủ=1; Một phần=0,5; Không=0", the way a workbook cell or the editor writes levels.</summary>
    public static string FormatLevels(IEnumerable<ScoreLevel> levels) =>
        string.Join("; ", levels.Select(l => $"{l.Label}={ViText.Num(l.Points)}"));

    public static (List<ScoreLevel> Levels, string? Problem) ParseLevels(string? cell)
    {
        var levels = new List<ScoreLevel>();
        foreach (var part in (cell ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.LastIndexOf('=');
            if (eq <= 0 || !decimal.TryParse(part[(eq + 1)..].Trim().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var points))
                return ([], $"Mức '{part}' không đúng dạng 'Tên mức=điểm' (ví dụ: Đầy đủ=1; Một phần=0,5; Không=0).");
            levels.Add(new ScoreLevel(part[..eq].Trim(), points));
        }
        return (levels, null);
    }

    public static string FormatCodes(IEnumerable<string> codes) => string.Join("; ", codes);

    public static List<string> ParseCodes(string? cell) =>
        (cell ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.TrimEnd('.')).ToList();

    /// <summary>The rules of one node on its own (its place in the tree, leads and previous codes are checked by the
    /// caller, which knows the tree): each problem with the field it is about, in Vietnamese.</summary>
    public static IEnumerable<(string Field, string Message)> Check(CriterionDocument c)
    {
        if (string.IsNullOrWhiteSpace(c.Name)) yield return ("name", "Tiêu chí thiếu tên.");
        if (c.Max is < 0) yield return ("max", $"Điểm tối đa {Num(c.Max.Value)} âm.");
        if (ParseMethod(c.Method) is null) yield return ("method", $"Phương pháp chấm '{c.Method}' không hợp lệ.");
        var kind = ParseKind(c.Kind);
        if (kind is null) yield return ("kind", $"Loại tiêu chí '{c.Kind}' không hợp lệ (Thường, Điểm thưởng hoặc Điểm trừ).");
        else if (kind != CriterionKind.Standard && c.Max is not > 0)
            yield return ("max", $"{kind.Value.Vietnamese()} cần điểm tối đa (mức trần) lớn hơn 0.");
        var answer = ParseAnswer(c.Answer);
        if (answer is null) yield return ("answer", $"Kiểu trả lời '{c.Answer}' không hợp lệ (Điểm, Có/Không, Mức hoặc Tỷ lệ %).");
        foreach (var k in c.AppliesTo.Where(k => ParseUnitKind(k) is null))
            yield return ("appliesTo", $"Loại đơn vị '{k}' không rõ (ví dụ: sở, cơ quan tương đương sở, quận/huyện, xã/phường).");
        if (c.Step is { } step)
        {
            if (step <= 0) yield return ("step", $"Bước điểm {Num(step)} phải lớn hơn 0.");
            else if (c.Max is { } max && max % step != 0)
                yield return ("step", $"Điểm tối đa {Num(max)} không chia hết cho bước điểm {Num(step)}.");
        }
        if (answer == AnswerType.Levels)
        {
            if (c.Levels.Count < 2) yield return ("levels", "Tiêu chí chấm theo mức cần ít nhất 2 mức.");
            if (c.Max is null) yield return ("max", "Tiêu chí chấm theo mức cần điểm tối đa.");
            foreach (var l in c.Levels)
            {
                if (string.IsNullOrWhiteSpace(l.Label)) yield return ("levels", "Mức thiếu tên.");
                else if (l.Label.IndexOfAny([';', '=']) >= 0) yield return ("levels", $"Tên mức '{l.Label}' không được chứa dấu ';' hoặc '='.");
                if (l.Points < 0 || (c.Max is { } m && l.Points > m))
                    yield return ("levels", $"Mức '{l.Label}' có {Num(l.Points)} điểm, ngoài khoảng 0–{Num(c.Max ?? 0)}.");
            }
            foreach (var dup in c.Levels.GroupBy(l => l.Label).Where(g => g.Count() > 1))
                yield return ("levels", $"Mức '{dup.Key}' lặp lại.");
        }
        else if (c.Levels.Count > 0 && answer is not null)
            yield return ("levels", $"Chỉ tiêu chí có kiểu trả lời 'Mức' mới có các mức (kiểu hiện tại: {answer.Value.Vietnamese()}).");
        foreach (var dup in c.PreviousCodes.GroupBy(x => x).Where(g => g.Count() > 1))
            yield return ("previousCodes", $"Mã năm trước '{dup.Key}' lặp lại.");
    }

    /// <summary>The version a version continues: the one with the latest start year before its own; of two starting
    /// that year, the one entered last (as <see cref="Framework.VersionFor"/>), given in the order they were entered.</summary>
    public static T? Previous<T>(IEnumerable<T> versions, Func<T, int> validFrom, int year) where T : class =>
        versions.Select((v, i) => (v, i)).Where(x => validFrom(x.v) < year).OrderByDescending(x => validFrom(x.v)).ThenByDescending(x => x.i)
            .Select(x => x.v).FirstOrDefault();

    // Case and spacing do not matter; tone placement is left alone (UnitNames folds it, which would turn these words'
    // "oà" into "òa" and miss the patterns above).
    static string? Fold(string? s) => string.IsNullOrWhiteSpace(s) ? null
        : string.Join(' ', s.Normalize(System.Text.NormalizationForm.FormC).ToLower(ViText.Vi).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    static string Num(decimal d) => ViText.Num(d);
}
