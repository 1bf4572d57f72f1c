using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
// Inside the record the name Recurrence is the property; this reaches the enum.
using Every = ChiSo.Features.Plans.Recurrence;

namespace ChiSo.Features.Plans;

/// <summary><see cref="Regulated"/>: "Theo quy định", the regulations set the dates; it is shown as written and, like
/// continuous work, is never overdue.</summary>
public enum DeadlineKind { Date, Range, Recurring, Continuous, Event, Unparsed, Regulated }

public enum Recurrence { Monthly, Quarterly, Yearly, HalfYearly, Weekly }

/// <summary>A task's deadline as a plan writes it ("Quý II/2024", "Hằng quý", "Sau khi ... công bố") and what it
/// means. A named period is due on its last day, because a task is due by the end of it. "Trước" (before) excludes
/// the day or month it names, wherever it stands: "trước ngày 01/3/2024" is due 29/02/2024, "trước tháng 9/2024"
/// 31/08/2024; "chậm nhất" (at the latest) includes it (decision 0021).</summary>
public sealed partial record Deadline(string? Text, DeadlineKind Kind)
{
    public DateOnly? Start { get; init; }
    public DateOnly? Due { get; init; }
    public Recurrence? Recurrence { get; init; }
    /// <summary>"Dự kiến ...": the date is a forecast, not a commitment.</summary>
    public bool Tentative { get; init; }
    /// <summary>What triggers an event deadline: "Phòng Thương mại và Công nghiệp Việt Nam công bố".</summary>
    public string? Event { get; init; }
    /// <summary>"Trước bầu cử": due by the event itself rather than some days after it.</summary>
    public bool BeforeEvent { get; init; }
    /// <summary>A day a recurring text names ("ngày 20 hằng tháng"; for quarters and half-years, of the period's last
    /// month) and, for yearly ones, a month ("Hằng năm, ngày 15/12"). Null: the period's last day.</summary>
    public int? OnDay { get; init; }
    public int? OnMonth { get; init; }
    /// <summary>The named day is excluded ("trước ngày 20 hằng tháng" is due on the 19th).</summary>
    public bool BeforeDay { get; init; }
    /// <summary>The last day a recurring deadline recurs on: the end of its plan's period (<see cref="Within"/>).</summary>
    public DateOnly? Until { get; init; }

    /// <summary>Reads a deadline; <paramref name="planYear"/> fills in a year the text leaves out and starts
    /// recurring deadlines. Never fails: what it cannot read is Unparsed, with the text kept.</summary>
    public static Deadline Parse(string? text, int planYear)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(planYear, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(planYear, 2999);
        // A board judges each task once per agency share (30 districts for "UBND cấp huyện"), each time reading the same
        // text: the reading is pure and immutable, so it is kept. A plan repeats a few dozen texts; the bound is for safety.
        var key = (text, planYear);
        if (Readings.TryGetValue(key, out var known)) return known;
        if (Readings.Count >= ReadLimit) Readings.Clear();
        return Readings[key] = ParseText(text, planYear);
    }

    const int ReadLimit = 20_000;
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(string?, int), Deadline> Readings = new();

    static Deadline ParseText(string? text, int planYear)
    {
        var clean = Spaces().Replace(Composed(text ?? ""), " ").Trim().TrimEnd('.', ',', ';', ':').TrimEnd();
        var tentative = TentativeWords().Match(Fold(clean));
        if (tentative.Success) clean = clean.Remove(tentative.Index, tentative.Length).Trim();
        return Read(text, clean, planYear) is { } d
            ? d with { Tentative = tentative.Success }
            : new Deadline(text, DeadlineKind.Unparsed);
    }

    /// <summary>The time allowed after an event, when the plan gives none (see <see cref="WithEventDate"/>).</summary>
    public const int DaysAfterEvent = 30;

    /// <summary>The deadline once its event has happened. The plans give no time limit after an event, so
    /// <paramref name="days"/> (30 by default) is an assumption for the caller to configure; an event the task
    /// must come before ("Trước bầu cử") is due on the event's day.</summary>
    public Deadline WithEventDate(DateOnly date, int days = DaysAfterEvent) => Kind == DeadlineKind.Event
        ? this with { Kind = DeadlineKind.Date, Start = date, Due = BeforeEvent ? date : date.AddDays(days) }
        : throw new InvalidOperationException($"'{Text}' is not an event-triggered deadline.");

    /// <summary>A recurring deadline recurs from <paramref name="from"/> (its plan's issue) to <paramref name="to"/>
    /// (the end of the plan's period); other deadlines are what their text says.</summary>
    public Deadline Within(DateOnly from, DateOnly to) => Kind == DeadlineKind.Recurring
        ? this with { Start = Start is { } s && s > from ? s : from, Until = to }
        : this;

    /// <summary>Due dates between <paramref name="from"/> and <paramref name="to"/> (inclusive): each period's
    /// for a recurring deadline, the one due date for a dated one.</summary>
    public IEnumerable<DateOnly> Occurrences(DateOnly from, DateOnly to)
    {
        if (Recurrence is not { } every)
        {
            if (Due is { } due && due >= from && due <= to) yield return due;
            yield break;
        }
        // A plan's recurring task does not recur before the plan starts, nor after its period ends.
        if (Start is { } start && start > from) from = start;
        if (Until is { } until && until < to) to = until;
        if (every == Every.Weekly)
        {
            // A week runs Monday to Sunday and is due on its Sunday.
            for (var sunday = from.AddDays((7 - (int)from.DayOfWeek) % 7); sunday <= to; sunday = sunday.AddDays(7))
                yield return sunday;
            yield break;
        }
        var months = every switch { Every.Monthly => 1, Every.Quarterly => 3, Every.HalfYearly => 6, _ => 12 };
        // From the year before: a day named before the period's own ("trước ngày 01/01") falls in the previous year.
        for (var period = new DateOnly(from.Year - 1, 1, 1); period <= to; period = period.AddMonths(months))
        {
            var month = every == Every.Yearly && OnMonth is { } m ? new DateOnly(period.Year, m, 1) : period.AddMonths(months - 1);
            var days = DateTime.DaysInMonth(month.Year, month.Month);
            var due = BeforeDay && OnDay is { } named
                // The day before the named one; a day the month lacks ("trước ngày 31" in April) is the next month's first.
                ? (named > days ? month.AddMonths(1) : new DateOnly(month.Year, month.Month, named)).AddDays(-1)
                : new DateOnly(month.Year, month.Month, Math.Min(OnDay ?? days, days));
            if (due >= from && due <= to) yield return due;
        }
    }

    /// <summary>A short explanation in Vietnamese: "Hạn 30/06/2024", "Hằng quý (31/03, 30/06, 30/09, 31/12)".</summary>
    public string Describe(CultureInfo culture)
    {
        string Show(DateOnly? d) => d?.ToString("dd/MM/yyyy", culture) ?? "";
        var described = Kind switch
        {
            DeadlineKind.Date => $"Hạn {Show(Due)}",
            DeadlineKind.Range => $"Từ {Show(Start)} đến {Show(Due)}",
            DeadlineKind.Recurring when Recurrence == Every.Monthly =>
                OnDay is { } day ? BeforeDay ? $"Hằng tháng (trước ngày {day})" : $"Hằng tháng (ngày {day})" : "Hằng tháng (ngày cuối tháng)",
            DeadlineKind.Recurring when Recurrence == Every.Weekly => "Hằng tuần (Chủ nhật)",
            DeadlineKind.Recurring => (Recurrence switch { Every.Quarterly => "Hằng quý", Every.HalfYearly => "6 tháng một lần", _ => "Hằng năm" })
                + " (" + string.Join(", ", YearOfOccurrences(Start?.Year ?? 2024).Select(d => d.ToString("dd/MM", culture))) + ")",
            DeadlineKind.Continuous => "Thường xuyên",
            // As written: the regulations, not the plan, say when.
            DeadlineKind.Regulated => Text!.Trim(),
            DeadlineKind.Event => $"Khi có sự kiện: {Event}",
            _ when string.IsNullOrWhiteSpace(Text) => "Không ghi hạn",
            _ => "Chưa hiểu được hạn này",
        };
        return Tentative ? described + " (dự kiến)" : described;
    }

    /// <summary>The occurrences of one calendar year, ignoring the plan's window: how the text reads, for describing it.</summary>
    IEnumerable<DateOnly> YearOfOccurrences(int year) =>
        (this with { Start = null, Until = null }).Occurrences(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));

    static Deadline? Read(string? text, string clean, int planYear)
    {
        var key = Fold(clean);
        if (key.Length == 0) return null;

        var by = ByWords().Match(key);
        if (MatchPeriod(key[by.Length..], planYear, out var period))
            return period is { } p ? Dated(text, p, by.Groups["before"].Success) : null;

        if (YearSpan().Match(key[by.Length..]) is { Success: true } years)
        {
            var (first, last) = (Number(years, "y"), Number(years, "y2"));
            return first <= last
                ? new(text, DeadlineKind.Range) { Start = new DateOnly(first, 1, 1), Due = new DateOnly(last, 12, 31) }
                : null;
        }

        if (RangeWords().Match(key) is { Success: true } range)
        {
            if (!MatchPeriod(range.Groups["to"].Value, planYear, out var to) || to is not { } end) return null;
            // A start without its year ("Từ tháng 8 đến tháng 4/2023") is in the end's year or the one before.
            foreach (var year in new[] { end.Last.Year, end.Last.Year - 1 })
                if (MatchPeriod(range.Groups["from"].Value, year, out var from) && from is { } f && f.First <= end.Last)
                    return new(text, DeadlineKind.Range) { Start = f.First, Due = end.Last };
            return null;
        }

        if (RecurrenceOf(key) is { } every)
        {
            var on = NamedDay().Match(key);
            int? day = on.Groups["d"].Success ? int.Parse(on.Groups["d"].Value, CultureInfo.InvariantCulture) : null;
            int? month = on.Groups["m"].Success && every == Every.Yearly ? int.Parse(on.Groups["m"].Value, CultureInfo.InvariantCulture) : null;
            if (day is < 1 or > 31 || month is < 1 or > 12) return null;
            if (day is { } dd && month is { } mm && dd > DateTime.DaysInMonth(2024, mm)) return null;
            return new(text, DeadlineKind.Recurring)
            {
                Recurrence = every, Start = new DateOnly(planYear, 1, 1), OnDay = every == Every.Weekly ? null : day,
                OnMonth = month, BeforeDay = day is not null && on.Groups["before"].Success,
            };
        }

        if (ContinuousWords().IsMatch(key)) return new(text, DeadlineKind.Continuous);
        // "Theo quy định" (as the regulations say) sets no date of its own: the regulations do, per case.
        if (RegulatedWords().IsMatch(key)) return new(text, DeadlineKind.Regulated);

        if (EventWords().Match(key) is { Success: true } trigger)
        {
            // The folded key has one character per character of the text, so the event is cut from the text.
            var what = clean[trigger.Length..].Trim();
            return what.Length == 0 ? null : new(text, DeadlineKind.Event)
            {
                Event = what, BeforeEvent = trigger.Groups["before"].Success,
            };
        }

        // A period named inside a longer sentence ("... tại cuộc họp Ban Chỉ đạo quý II/2023", "gửi về phòng Nội vụ
        // trước ngày 01/3/2024") counts when it is the only one: with two, which is the deadline is a guess.
        var named = NamedPeriods().Matches(key);
        if (named.Count == 1 && MatchPeriod(named[0].Value, planYear, out var inSentence) && inSentence is { } s)
            return Dated(text, s, BeforeWord().IsMatch(key[..named[0].Index]));
        return null;
    }

    /// <summary>A named period is due on its last day; before it ("trước"), on the day before it begins.</summary>
    static Deadline Dated(string? text, Period p, bool before) => before
        ? new(text, DeadlineKind.Date) { Due = p.First.AddDays(-1) }
        : new(text, DeadlineKind.Date) { Start = p.IsDay ? null : p.First, Due = p.Last };

    /// <summary>How often a recurring text recurs: "hằng tháng/quý/năm/tuần", "định kỳ 6 tháng/lần", "ít nhất 2 lần/năm"
    /// (two a year is every six months); null when the text does not recur or recurs at a pace the board has no
    /// periods for ("3 lần/năm").</summary>
    static Recurrence? RecurrenceOf(string key)
    {
        if (RecurringWords().Match(key) is { Success: true } r)
            return r.Groups["every"].Value switch
            {
                "thang" => Every.Monthly, "nam" => Every.Yearly, "tuan" => Every.Weekly, _ => Every.Quarterly,
            };
        // "Quý 1, 6 tháng, 9 tháng và năm", "Quý 1, 6 tháng, quý III và năm": the periodic reports, one a quarter.
        if (ReportRounds().IsMatch(key)) return Every.Quarterly;
        int? months = null;
        if (MonthsPerTime().Match(key) is { Success: true } m) months = Number(m, "n");
        else if (TimesPer().Match(key) is { Success: true } t && Number(t, "n") is > 0 and var n)
        {
            var per = t.Groups["per"].Value switch { "nam" => 12, "thang" => 1, _ => 3 };
            months = per % n == 0 ? per / n : null;
        }
        return months switch { 1 => Every.Monthly, 3 => Every.Quarterly, 6 => Every.HalfYearly, 12 => Every.Yearly, _ => null };
    }

    readonly record struct Period(DateOnly First, DateOnly Last, bool IsDay);

    /// <summary>Whether the whole key has the shape of a day, month, quarter or year; the period is null when
    /// it has the shape but cannot be ("Tháng 13/2024", "Quý V/2024", "31/2/2024").</summary>
    static bool MatchPeriod(string key, int defaultYear, out Period? period)
    {
        period = null;
        if (DayPattern().Match(key) is { Success: true } d)
        {
            var (year, month, day) = (YearOf(d, defaultYear), Number(d, "m"), Number(d, "d"));
            if (month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
                period = new(new DateOnly(year, month, day), new DateOnly(year, month, day), true);
        }
        else if (MonthPattern().Match(key) is { Success: true } m)
        {
            var month = Number(m, "m");
            if (month is >= 1 and <= 12) period = Months(new DateOnly(YearOf(m, defaultYear), month, 1), 1);
        }
        else if (QuarterPattern().Match(key) is { Success: true } q)
        {
            var quarter = q.Groups["q"].Value switch
            {
                "i" => 1, "ii" => 2, "iii" => 3, "iv" => 4,
                var n when int.TryParse(n, CultureInfo.InvariantCulture, out var i) => i,
                _ => 0,
            };
            if (quarter is >= 1 and <= 4) period = Months(new DateOnly(YearOf(q, defaultYear), quarter * 3 - 2, 1), 3);
        }
        else if (YearPattern().Match(key) is { Success: true } y)
            period = Months(new DateOnly(YearOf(y, defaultYear), 1, 1), 12);
        else
            return false;
        return true;
    }

    static Period Months(DateOnly first, int count) => new(first, first.AddMonths(count).AddDays(-1), false);

    static int Number(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    static int YearOf(Match m, int defaultYear) => m.Groups["y"].Success ? Number(m, "y") : defaultYear;

    /// <summary>Lower case without diacritics ("Hằng"/"Hàng" → "hang", "Quý"/"Quí" → "quy"/"qui"), one character
    /// for one, so a position in the key is the same position in the text.</summary>
    static string Fold(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = char.ToLowerInvariant(chars[i]);
            chars[i] = c == 'đ' ? 'd' : char.IsSurrogate(c) ? c : c.ToString().Normalize(NormalizationForm.FormD)[0];
        }
        return new string(chars);
    }

    // Vietnamese typed as "Unicode tổ hợp" (letters and marks apart) reads like the usual composed form.
    static string Composed(string s)
    {
        try { return s.Normalize(NormalizationForm.FormC); }
        catch (ArgumentException) { return s; } // a broken surrogate pair: read the text as it is
    }

    // The patterns below run on the folded key. A year is four digits after "/", "-", a space or "năm".
    const string Y = @"(?<y>[12]\d\d\d)";
    const string YearPart = $@"(?:\s*[/-]\s*|\s+(?:nam\s+)?){Y}";
    const string QuarterRx = $@"qu[yi]\s*(?<q>[ivx]+|\d\d?)\b(?:{YearPart})?";
    const string MonthRx = $@"thang\s*(?<m>\d\d?)(?:{YearPart})?|(?<m>\d\d?)\s*/\s*{Y}";
    const string DayRx = $@"(?:ngay\s*)?(?<d>\d\d?)\s*[/.-]\s*(?<m>\d\d?)(?:\s*[/.-]\s*{Y})?|ngay\s*(?<d>\d\d?)\s+thang\s*(?<m>\d\d?)(?:\s+nam\s*{Y})?";

    [GeneratedRegex($"^(?:{DayRx})$")]
    private static partial Regex DayPattern();

    [GeneratedRegex($"^(?:{MonthRx})$")]
    private static partial Regex MonthPattern();

    [GeneratedRegex($"^(?:{QuarterRx})$")]
    private static partial Regex QuarterPattern();

    [GeneratedRegex($@"^(?:nam\s*)?{Y}$")]
    private static partial Regex YearPattern();

    // Periods a sentence may name: a quarter, a month, a full date. Bare years and "m/yyyy" are left out
    // because sentences cite documents that look like them ("Thông tư 01/2023/TT-BNV", "Việt Nam 2024").
    [GeneratedRegex($@"\b(?:{QuarterRx}|thang\s*\d\d?(?:{YearPart})?|\d\d?\s*/\s*\d\d?\s*/\s*{Y})\b")]
    private static partial Regex NamedPeriods();

    // "Hoàn thành trong tháng 12/2023", "xong trong tháng 10/2021", "tiến độ hoàn thành tháng 11/2023": the words before
    // the period say nothing about it. "Trước" excludes what it names; "chậm nhất" (at the latest) includes it.
    [GeneratedRegex(@"^(?:(?:tien do\s+)?hoan thanh\s+|xong\s+)?(?:(?<before>truoc)\s+|(?:cham nhat|trong|vao|den het)\s+)?")]
    private static partial Regex ByWords();

    [GeneratedRegex(@"\btruoc\s+(?:ngay\s*)?$")]
    private static partial Regex BeforeWord();

    [GeneratedRegex($@"^(?:giai doan\s+|nam\s+)?{Y}\s*[-–—]\s*(?:nam\s+)?(?<y2>[12]\d\d\d)$")]
    private static partial Regex YearSpan();

    [GeneratedRegex(@"^tu\s+(?<from>.+?)\s+(?:den(?: het)?|toi|-)\s+(?<to>.+)$")]
    private static partial Regex RangeWords();

    [GeneratedRegex(@"\b(?:hang|moi)\s+(?<every>thang|qu[yi]|nam|tuan)\b")]
    private static partial Regex RecurringWords();

    [GeneratedRegex(@"\b6\s*thang\s*,\s*(?:9\s*thang|quy\s*(?:iii|3))\b")]
    private static partial Regex ReportRounds();

    // "6 tháng/lần", "6 tháng một lần"
    [GeneratedRegex(@"\b(?<n>\d\d?)\s*thang\s*(?:/|mot|moi)\s*lan\b")]
    private static partial Regex MonthsPerTime();

    // "2 lần/năm", "01 lần trong năm", "1 lần mỗi quý"
    [GeneratedRegex(@"\b(?<n>\d\d?)\s*lan\s*(?:/|trong|moi|mot)\s*(?<per>nam|thang|qu[yi])\b")]
    private static partial Regex TimesPer();

    [GeneratedRegex(@"(?<before>truoc\s+)?ngay\s*(?<d>\d\d?)(?:\s*(?:/|thang)\s*(?<m>\d\d?))?|(?<before>truoc\s+)?(?<d>\d\d?)\s*/\s*(?<m>\d\d?)\b|thang\s*(?<m>\d\d?)\b")]
    private static partial Regex NamedDay();

    [GeneratedRegex(@"^(?:thuong xuyen|lien tuc)\b")]
    private static partial Regex ContinuousWords();

    [GeneratedRegex(@"^theo quy dinh\b")]
    private static partial Regex RegulatedWords();

    [GeneratedRegex(@"^(?:truoc va sau|sau khi|sau|khi|(?<before>truoc khi|truoc))\s+")]
    private static partial Regex EventWords();

    [GeneratedRegex(@"^du kien\b\s*:?\s*|\s*\(du kien\)$")]
    private static partial Regex TentativeWords();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
