using System.Globalization;

namespace ChiSo;

/// <summary>Vietnamese formats everywhere a person reads a number or a date: decimal comma, dd/MM/yyyy.</summary>
public static class ViText
{
    public static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>A score as published, up to four decimals, with a decimal comma: 91,43; 43,9603.</summary>
    public static string Num(decimal? value, CultureInfo? culture = null) =>
        value?.ToString("0.####", culture ?? Vi) ?? "";

    public static string Date(DateOnly? d) => d?.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "";
}
