using ChiSo.Features.Frameworks;

namespace ChiSo.Tests.Infrastructure;

/// <summary>Small frameworks written by hand, so that every number a test checks can be worked out on paper.
/// Each call gets a fresh key, and the lists and dictionaries stay mutable so a test can break one thing.</summary>
public static class FrameworkBuilder
{
    /// <summary>The scored unit: the city, which <c>IndexSnapshot</c> picks when no unit is named.</summary>
    public const string City = "Thành phố Hà Nội";
    public const string CityCode = "HN";
    public const string Version = "V1";

    public static string NewKey() => "thu-" + Guid.NewGuid().ToString("N")[..10];

    public static CriterionDocument Node(string code, decimal? max, string? lead = null, params CriterionDocument[] children) => new()
    {
        Code = code,
        Name = "Tiêu chí " + code,
        Max = max,
        Lead = lead is null ? [] : [new LeadDocument(lead, null)],
        Children = [.. children],
    };

    public static FrameworkDocument Framework(string key, decimal max, params CriterionDocument[] roots) => new()
    {
        Key = key,
        Name = "Bộ chỉ số thử " + key,
        Scale = "points",
        RollUp = "sum",
        Versions = [new VersionDocument { Label = Version, ValidFromYear = 2020, Max = max, Criteria = [.. roots] }],
    };

    public static ResultDocument Result(int year, decimal? total, params (string Code, decimal Value)[] scores) => new()
    {
        Unit = City,
        Year = year,
        Version = Version,
        Total = total,
        Scores = scores.ToDictionary(s => s.Code, s => s.Value),
    };

    public static TargetDocument Target(int year, string comparator, decimal total, params (string Code, decimal Value)[] criteria) => new()
    {
        Unit = City,
        Year = year,
        Version = Version,
        Total = new TargetValueDocument(comparator, total),
        Criteria = criteria.ToDictionary(c => c.Code, c => new TargetValueDocument("≥", c.Value)),
    };

    /// <summary>Two fields, five nodes, max 10; the 2023 result is 8 and the 2024 target "&gt; 8.5":
    /// <code>
    /// 1   max 6  Sở Nội vụ (written "Sở NV")   result 5    (1.1 = 1.5 of 2, target 2; 1.2 = 3.5 of 4, target 3.8, Sở Tư pháp)
    /// 2   max 4  Sở Tài chính                   result 3    (2.1 = 3 of 4, target 3.2)
    /// </code></summary>
    public static FrameworkDocument Small(string? key = null)
    {
        var doc = Framework(key ?? NewKey(), 10,
            Node("1", 6, "Sở NV", Node("1.1", 2), Node("1.2", 4, "Sở Tư pháp")),
            Node("2", 4, "Sở Tài chính", Node("2.1", 4)));
        doc.Results.Add(Result(2023, 8, ("1", 5), ("1.1", 1.5m), ("1.2", 3.5m), ("2", 3), ("2.1", 3)));
        doc.Targets.Add(Target(2024, ">", 8.5m, ("1.1", 2), ("1.2", 3.8m), ("2.1", 3.2m)));
        return doc;
    }
}
