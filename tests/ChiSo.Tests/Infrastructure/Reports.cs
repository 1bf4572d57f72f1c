using ChiSo.Data;
using ChiSo.Features.Gaps;
using ChiSo.Features.Results;

namespace ChiSo.Tests.Infrastructure;

/// <summary>Reads what the overview and the gap page read, for the city (the unit picked when none is named).</summary>
public static class Reports
{
    public static async Task<IndexReport> IndexAsync(ChiSoDb db, string key, int year)
    {
        var snapshot = await IndexSnapshot.LoadAsync(db, key, year, null);
        Assert.NotNull(snapshot);
        return IndexReport.From(snapshot);
    }

    public static async Task<GapReport> GapsAsync(ChiSoDb db, string key, int year)
    {
        var snapshot = await IndexSnapshot.LoadAsync(db, key, year, null);
        Assert.NotNull(snapshot);
        return GapReport.From(snapshot);
    }

    public static CriterionRow Node(this IndexReport report, string code) =>
        report.Flatten().SingleOrDefault(r => r.Code == code) ?? throw new Xunit.Sdk.XunitException($"No criterion {code} in {report.Framework}.");
}
