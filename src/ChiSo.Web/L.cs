using System.Globalization;

namespace ChiSo.Web;

/// <summary>Vietnamese first, English on request: each UI string is written once as a pair, in place.</summary>
public static class L
{
    public static bool En => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
    public static string T(string vi, string en) => En ? en : vi;
    /// <summary>A score in the reader's format: 91,43 in Vietnamese, 91.43 in English.</summary>
    public static string Num(decimal? value) => ViText.Num(value, CultureInfo.CurrentCulture);
}
