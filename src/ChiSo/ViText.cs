using System.Globalization;
using System.Text;

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

    /// <summary>A day as people type it (dd/MM/yyyy, d/M/yyyy) or as machines send it (yyyy-MM-dd).</summary>
    public static bool TryParseDate(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, ["dd/MM/yyyy", "yyyy-MM-dd", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>Vietnam's clock (UTC+7 all year, no daylight saving): instants are stored in UTC.</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>A stored UTC instant as read in Hanoi: "17:00 22/12/2025".</summary>
    public static string DateTime(DateTime? utc) => utc?.Add(VietnamOffset).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The day in Hanoi of a UTC instant.</summary>
    public static DateOnly Day(DateTime utc) => DateOnly.FromDateTime(utc + VietnamOffset);

    /// <summary>The end of a Hanoi day as a UTC instant: a deadline "22/12" means until that day is over. The last
    /// microsecond (23:59:59.999999), because PostgreSQL keeps microseconds: a tick later would not come back the same.</summary>
    public static DateTime EndOfDay(DateOnly day) => day.ToDateTime(LastMicrosecond, DateTimeKind.Utc) - VietnamOffset;

    static readonly TimeOnly LastMicrosecond = new(23, 59, 59, 999, 999);

    /// <summary>The rule for every instant a person or a client gives (docs/decisions/0017): with an offset or Z, as given;
    /// without one, Hanoi time; a date alone (which reaches here as midnight without an offset), the end of that day.
    /// Returns UTC. The API's JSON reader applies the same rule knowing whether a time was written (<see cref="InstantJson"/>);
    /// this is the services' catch-all for the CLI and the pages.</summary>
    public static DateTime Instant(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ when value.TimeOfDay == TimeSpan.Zero => EndOfDay(DateOnly.FromDateTime(value)),
        _ => FromHanoi(value),
    };

    /// <summary>A Hanoi wall-clock time as UTC (the first seven hours of year 1 have no UTC and stay at its start).</summary>
    public static DateTime FromHanoi(DateTime local) =>
        System.DateTime.SpecifyKind(local.Ticks < VietnamOffset.Ticks ? System.DateTime.MinValue : local - VietnamOffset, DateTimeKind.Utc);

    /// <summary>Text as every input is kept (docs/decisions/0017): in NFC, because Vietnamese typed on a Mac or some phone
    /// keyboards arrives decomposed (e + combining circumflex + combining acute), which looks the same but compares, sorts
    /// and searches differently; and without NUL characters, which nobody types and PostgreSQL cannot store. The one
    /// normalisation of typed text (the API's JSON, query, route and form values, the database's interceptor, survey
    /// answers); costs a scan only when the text is already normal, as it nearly always is.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Normal(string? text) =>
        text is null || IsNormal(text) ? text : text.Replace("\0", "", StringComparison.Ordinal).Normalize(NormalizationForm.FormC);

    /// <summary>Text as search compares it: lower case without tone marks or other diacritics, đ as d, so "so noi vu" and
    /// "SỞ NỘI VỤ" both find "Sở Nội vụ". Done here rather than in SQL: SQLite has no such collation, and PostgreSQL's
    /// unaccent is an extension the Debian server package does not always have installed.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            folded.Append(c is 'đ' or 'Đ' ? 'd' : char.ToLowerInvariant(c));
        }
        return folded.ToString();
    }

    /// <summary>Whether any of the texts holds the query, both folded (<see cref="Fold"/>); every word of the query must
    /// appear, in any order, so "noi vu so" finds "Sở Nội vụ" too. An empty query matches everything.</summary>
    public static bool Matches(string? query, params ReadOnlySpan<string?> texts)
    {
        var words = Fold(query).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0) return true;
        var haystack = new StringBuilder();
        foreach (var t in texts) haystack.Append(Fold(t)).Append('\n');
        var all = haystack.ToString();
        foreach (var w in words)
            if (!all.Contains(w, StringComparison.Ordinal)) return false;
        return true;
    }

    /// <summary>At most <paramref name="max"/> characters of a long text, "…" where it was cut.</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..max].TrimEnd() + "…";

    /// <summary>A file name's stem from Vietnamese words: no diacritics, lower case, words joined by "-"
    /// ("Quý I năm 2026" → "quy-i-nam-2026"), so that every browser and mail client keeps it as it is.</summary>
    public static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().TrimEnd('-');
    }

    public static bool IsNormal(string text) => text.IsNormalized(NormalizationForm.FormC) && !text.Contains('\0');
}
