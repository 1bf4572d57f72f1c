using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChiSo.Features.Frameworks;

/// <summary>A framework with its versions, results and targets as one portable document: the built-in data,
/// the JSON import/export and (one year at a time) the Excel appendix all read and write this shape.</summary>
public sealed record FrameworkDocument
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public string? NameEn { get; init; }
    public string Scale { get; init; } = "points";
    public string RollUp { get; init; } = "sum";
    public string? Publisher { get; init; }
    public List<VersionDocument> Versions { get; init; } = [];
    public List<ResultDocument> Results { get; init; } = [];
    public List<TargetDocument> Targets { get; init; } = [];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new DecimalJson() },
    };
}

public sealed record VersionDocument
{
    public required string Label { get; init; }
    public string? Name { get; init; }
    public int ValidFromYear { get; init; }
    public int? ValidToYear { get; init; }
    public decimal Max { get; init; }
    public string? Source { get; init; }
    public List<CriterionDocument> Criteria { get; init; } = [];
}

public sealed record CriterionDocument
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public string? NameEn { get; init; }
    public decimal? Max { get; init; }
    public string Method { get; init; } = "appraisal";
    public List<LeadDocument> Lead { get; init; } = [];
    public string? Notes { get; init; }
    // The scoring rule of the city's unit indices; the published indices leave the defaults.
    /// <summary>standard, bonus or penalty (a bonus or penalty node's max is its cap).</summary>
    public string Kind { get; init; } = "standard";
    /// <summary>Unit kind keys ("department", "district", "commune"...); empty for every unit. The import also
    /// takes the words of the guidance ("sở", "quận/huyện", "xã/phường").</summary>
    public List<string> AppliesTo { get; init; } = [];
    /// <summary>points, yesno, levels or percent.</summary>
    public string Answer { get; init; } = "points";
    public decimal? Step { get; init; }
    public List<ScoreLevel> Levels { get; init; } = [];
    public bool AllowNotApplicable { get; init; }
    public string? Rule { get; init; }
    public bool EvidenceRequired { get; init; }
    /// <summary>Codes in the previous version (the one with the latest start year before this one) that this criterion continues.</summary>
    public List<string> PreviousCodes { get; init; } = [];
    public List<CriterionDocument> Children { get; init; } = [];
}

public sealed record LeadDocument(string Agency, string? Scope);

public sealed record ResultDocument
{
    public required string Unit { get; init; }
    public int Year { get; init; }
    public required string Version { get; init; }
    public decimal? Total { get; init; }
    public int? Rank { get; init; }
    public int? RankOf { get; init; }
    public string? Band { get; init; }
    public string? Source { get; init; }
    public DateOnly? PublishedOn { get; init; }
    public Dictionary<string, decimal> Scores { get; init; } = [];
    public Dictionary<string, string> Missing { get; init; } = [];
    public string? Notes { get; init; }
}

public sealed record TargetDocument
{
    public required string Unit { get; init; }
    public int Year { get; init; }
    public required string Version { get; init; }
    public TargetValueDocument? Total { get; init; }
    public string? Source { get; init; }
    public Dictionary<string, TargetValueDocument> Criteria { get; init; } = [];
    public Dictionary<string, string> Missing { get; init; } = [];
}

public sealed record TargetValueDocument(string Comparator, decimal Value);
