using System.Globalization;

namespace ChiSo;

/// <summary>Vietnamese formats everywhere a person reads a number or a date: decimal comma, dd/MM/yyyy.</summary>
public static class ViText
{
    public static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>A score as published, up to four decimals, with a decimal comma: 91,43; 43,9603.</summary>
    public static string Num(decimal? value, CultureInfo? culture = null) =>
        value?.ToString("0.####", culture ?? Vi) ?? "";

    /// <summary>A change with its sign, for year-on-year columns: "+1,5", "−0,25", "0"; empty when unknown.</summary>
    public static string Change(decimal? value) => value switch
    {
        null => "",
        > 0 => "+" + Num(value),
        < 0 => "−" + Num(-value),
        _ => "0",
    };

    public static string Date(DateOnly? d) => d?.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Vietnam's clock (UTC+7 all year, no daylight saving): instants are stored in UTC.</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>A stored UTC instant as read in Hanoi: "17:00 22/12/2025".</summary>
    public static string DateTime(DateTime? utc) => utc?.Add(VietnamOffset).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The end of a Hanoi day (23:59:59) as a UTC instant: a deadline "22/12" means until that day is over.</summary>
    public static DateTime EndOfDay(DateOnly day) => day.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Utc) - VietnamOffset;
}
