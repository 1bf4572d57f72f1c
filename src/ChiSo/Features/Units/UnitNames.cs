using System.Globalization;
using System.Text;

namespace ChiSo.Features.Units;

/// <summary>How agency names written in documents are matched to units: case and spacing do not matter,
/// diacritics do ("Sở Tư pháp" is not "Sở Tài chính" once the marks are gone).</summary>
public static class UnitNames
{
    public static string Normalize(string name)
    {
        var s = name.Normalize(NormalizationForm.FormC).Trim().ToLower(CultureInfo.GetCultureInfo("vi-VN"));
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(c == '–' || c == '—' ? '-' : c);
        }
        var folded = sb.ToString();
        foreach (var (old, @new) in ToneSpellings) folded = folded.Replace(old, @new);
        return folded;
    }

    // Old and new tone placement are both in use ("Uỷ ban" / "Ủy ban", "hoà" / "hòa"): fold to one.
    static readonly (string Old, string New)[] ToneSpellings =
    [
        ("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
        ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
        ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy"),
    ];
}
