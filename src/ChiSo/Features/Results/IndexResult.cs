using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;

namespace ChiSo.Features.Results;

/// <summary>A unit's published result in one framework and year: the headline and per-criterion scores,
/// kept as published even where they do not add up.</summary>
public sealed class IndexResult
{
    public int Id { get; set; }
    public int VersionId { get; set; }
    public FrameworkVersion? Version { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public int Year { get; set; }
    public decimal? Total { get; set; }
    public int? Rank { get; set; }
    public int? RankOf { get; set; }
    /// <summary>Band or group as published: "Cao", "A", "Nhóm 2, trên trung bình".</summary>
    public string? Band { get; set; }
    public string? Source { get; set; }
    public DateOnly? PublishedOn { get; set; }
    public string? Notes { get; set; }
    /// <summary>Changed on every save; a stale copy gets a conflict instead of overwriting.</summary>
    public Guid Concurrency { get; set; } = Guid.NewGuid();
    public List<CriterionScore> Scores { get; set; } = [];

    public string? RankText => Rank is null ? null : RankOf is null ? $"{Rank}" : $"{Rank}/{RankOf}";
}

/// <summary>One criterion's published score; a null value with a note says why it is missing.</summary>
public sealed class CriterionScore
{
    public int Id { get; set; }
    public int ResultId { get; set; }
    public int CriterionId { get; set; }
    public decimal? Value { get; set; }
    public string? Note { get; set; }
}

/// <summary>Targets a plan sets for a unit in one framework and year.</summary>
public sealed class IndexTarget
{
    public int Id { get; set; }
    public int VersionId { get; set; }
    public FrameworkVersion? Version { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public int Year { get; set; }
    public Comparator? TotalComparator { get; set; }
    public decimal? TotalValue { get; set; }
    public string? Source { get; set; }
    public Guid Concurrency { get; set; } = Guid.NewGuid();
    public List<CriterionTarget> Criteria { get; set; } = [];
}

public sealed class CriterionTarget
{
    public int Id { get; set; }
    public int TargetId { get; set; }
    public int CriterionId { get; set; }
    public Comparator Comparator { get; set; }
    public decimal? Value { get; set; }
    public string? Note { get; set; }
}
