using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

// Not "ChiSo.Tests.Reports": that namespace would hide the Infrastructure.Reports helper other tests call.
namespace ChiSo.Tests.PeriodicReports;

/// <summary>The data windows of seed 004 III and the due-date rule.</summary>
public sealed class ReportingPeriodTests
{
    [Theory]
    [InlineData(2024, ReportingPeriodKind.Q1, "2023-12-15", "2024-03-14", "2024-03-15")]
    [InlineData(2024, ReportingPeriodKind.H1, "2023-12-15", "2024-06-14", "2024-06-15")]
    [InlineData(2024, ReportingPeriodKind.Q3, "2024-06-15", "2024-09-14", "2024-09-15")]
    [InlineData(2024, ReportingPeriodKind.Year, "2023-12-15", "2024-12-14", "2024-12-15")]
    [InlineData(2025, ReportingPeriodKind.Q1, "2024-12-15", "2025-03-14", "2025-03-15")]
    [InlineData(2000, ReportingPeriodKind.Year, "1999-12-15", "2000-12-14", "2000-12-15")]
    public void Window_and_default_due_date(int year, ReportingPeriodKind kind, string start, string end, string due)
    {
        var p = ReportingSchedule.Default.Period(year, kind);

        Assert.Equal(DateOnly.Parse(start), p.Start);
        Assert.Equal(DateOnly.Parse(end), p.End);
        Assert.Equal(DateOnly.Parse(due), p.Due);
    }

    [Fact]
    public void A_year_has_four_periods_in_order_with_Vietnamese_names()
    {
        var periods = ReportingSchedule.Default.Periods(2024);

        Assert.Equal(["Q1", "H1", "Q3", "Year"], periods.Select(p => p.Key));
        Assert.Equal(["Quý I năm 2024", "6 tháng đầu năm 2024", "Quý III (9 tháng) năm 2024", "Năm 2024"], periods.Select(p => p.Name));
        Assert.Equal("quý I năm 2024", periods[0].Phrase);
    }

    [Fact]
    public void Due_rule_is_configurable()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Reports:DueDaysAfterWindowEnd"] = "5" }).Build();

        var p = ReportingSchedule.From(config).Period(2024, ReportingPeriodKind.Q1);

        Assert.Equal(new DateOnly(2024, 3, 19), p.Due);
        Assert.True(p.IsLate(new DateOnly(2024, 3, 20)));
        Assert.False(p.IsLate(new DateOnly(2024, 3, 19)));
    }

    [Theory]
    [InlineData("Q1", ReportingPeriodKind.Q1)]
    [InlineData("h1", ReportingPeriodKind.H1)]
    [InlineData("6m", ReportingPeriodKind.H1)]
    [InlineData("9m", ReportingPeriodKind.Q3)]
    [InlineData("Year", ReportingPeriodKind.Year)]
    public void Period_names_people_type(string text, ReportingPeriodKind kind) => Assert.Equal(kind, ReportingSchedule.ParseKind(text));

    [Fact]
    public void Unknown_period_is_refused() => Assert.Null(ReportingSchedule.ParseKind("Q2"));

    [Fact]
    public void Today_is_counted_in_Hanoi_time()
    {
        // 18:00 UTC on 14/3 is already 01:00 on 15/3 in Hà Nội.
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 3, 14, 18, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2024, 3, 15), ReportingSchedule.Today(clock));
    }

    [Fact]
    public void Six_reform_areas_with_their_keys()
    {
        Assert.Equal(["institutions", "procedures", "apparatus", "civil-service", "public-finance", "e-government"], ReformAreas.All.Select(a => a.Key));
        Assert.Contains("một cửa", ReformAreas.Find("procedures")!.Name);
    }
}
