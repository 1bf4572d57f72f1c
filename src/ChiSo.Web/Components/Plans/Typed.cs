using System.Globalization;
using System.Text;

namespace ChiSo.Web.Components.Plans;

/// <summary>How the pickers of units and criteria match what is typed: without case or diacritics, so "tu phap" finds
/// "Sở Tư pháp" on a keyboard without Vietnamese input.</summary>
public static class Typed
{
    public static string Fold(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(c is 'đ' or 'Đ' ? 'd' : char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Every word typed appears in the text (in any order).</summary>
    public static bool Matches(string text, string? typed) =>
        string.IsNullOrWhiteSpace(typed) || Fold(typed).Split(' ', StringSplitOptions.RemoveEmptyEntries).All(Fold(text).Contains);
}
