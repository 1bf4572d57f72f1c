using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using Microsoft.Extensions.Configuration;

namespace ChiSo.Features.Reports;

/// <summary>One reporting period of a year: its data window (seed 004 III) and when the report is due.</summary>
public sealed record ReportingPeriod(int Year, ReportingPeriodKind Kind, DateOnly Start, DateOnly End, DateOnly Due)
{
    public string Key => Kind.ToString();

    public string Name => Kind switch
    {
        ReportingPeriodKind.Q1 => $"Quý I năm {Year}",
        ReportingPeriodKind.H1 => $"6 tháng đầu năm {Year}",
        ReportingPeriodKind.Q3 => $"Quý III (9 tháng) năm {Year}",
        _ => $"Năm {Year}",
    };

    public string NameEn => Kind switch
    {
        ReportingPeriodKind.Q1 => $"Q1 {Year}",
        ReportingPeriodKind.H1 => $"First half {Year}",
        ReportingPeriodKind.Q3 => $"Q3 (9 months) {Year}",
        _ => $"Year {Year}",
    };

    /// <summary>The name inside a sentence or a title: "Báo cáo kết quả ... quý I năm 2024".</summary>
    public string Phrase => char.ToLower(Name[0], ViText.Vi) + Name[1..];

    public bool IsLate(DateOnly asOf) => asOf > Due;
}

/// <summary>The reporting regime. Seed 004 III fixes each period's data window but gives no date by which the
/// report must reach the standing agency, so the due date is a rule: by default the day after the window
/// closes (Q1 2024 is due 15/03/2024). Set <c>Reports:DueDaysAfterWindowEnd</c> to change it.</summary>
public sealed record ReportingSchedule(int DueDaysAfterWindowEnd = 1)
{
    public static readonly ReportingSchedule Default = new();

    /// <summary>Units that file periodic reports to the city's standing agency (and are inspected each year).</summary>
    public static readonly IReadOnlyList<UnitKind> ReportingKinds =
        [UnitKind.Department, UnitKind.DepartmentLevelAgency, UnitKind.District, UnitKind.Commune];

    public static ReportingSchedule From(IConfiguration config) =>
        int.TryParse(config["Reports:DueDaysAfterWindowEnd"], out var days) && days >= 0 ? new(days) : Default;

    public ReportingPeriod Period(int year, ReportingPeriodKind kind)
    {
        // Q1, 6 months and the year run from 15/12 of the previous year; Q3 covers 15/6 – 14/9 only.
        var (start, end) = kind switch
        {
            ReportingPeriodKind.Q1 => (new DateOnly(year - 1, 12, 15), new DateOnly(year, 3, 14)),
            ReportingPeriodKind.H1 => (new DateOnly(year - 1, 12, 15), new DateOnly(year, 6, 14)),
            ReportingPeriodKind.Q3 => (new DateOnly(year, 6, 15), new DateOnly(year, 9, 14)),
            ReportingPeriodKind.Year => (new DateOnly(year - 1, 12, 15), new DateOnly(year, 12, 14)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return new ReportingPeriod(year, kind, start, end, end.AddDays(DueDaysAfterWindowEnd));
    }

    public IReadOnlyList<ReportingPeriod> Periods(int year) => Enum.GetValues<ReportingPeriodKind>().Select(k => Period(year, k)).ToList();

    /// <summary>"Q1", "q1", "H1", "6m", "Q3", "9m", "year", "nam": the forms people type.</summary>
    public static ReportingPeriodKind? ParseKind(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "q1" => ReportingPeriodKind.Q1,
        "h1" or "6m" or "6-thang" => ReportingPeriodKind.H1,
        "q3" or "9m" or "9-thang" => ReportingPeriodKind.Q3,
        "year" or "nam" or "năm" => ReportingPeriodKind.Year,
        _ => null,
    };

    /// <summary>Today in Hà Nội (UTC+7, no daylight saving), the day deadlines are counted in.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(7));
}

/// <summary>A reform area: a section of every general report, and the subject of a thematic report.</summary>
public sealed record ReformArea(string Key, string Name, string NameEn);

public static class ReformAreas
{
    /// <summary>The six areas of seed 004 III.2, in the order the plans write them.</summary>
    public static readonly IReadOnlyList<ReformArea> All =
    [
        new("institutions", "Cải cách thể chế", "Institutional reform"),
        new("procedures", "Cải cách thủ tục hành chính (TTHC, một cửa, một cửa liên thông)", "Administrative procedures and one-stop shop"),
        new("apparatus", "Cải cách tổ chức bộ máy", "Reform of the administrative apparatus"),
        new("civil-service", "Cải cách chế độ công vụ", "Civil-service reform"),
        new("public-finance", "Cải cách tài chính công", "Public-finance reform"),
        new("e-government", "Xây dựng chính quyền điện tử, chính quyền số", "E-government and digital government"),
    ];

    public static ReformArea? Find(string? key) => All.FirstOrDefault(a => a.Key == key);
}
