using ChiSo.Features.Units;

namespace ChiSo.Features.Frameworks;

/// <summary>An index that scores units: the provincial PAR INDEX, SIPAS, PAPI, the city's own PAR index...</summary>
public sealed class Framework
{
    public int Id { get; set; }
    /// <summary>Stable key used by the API and CLI: "par-province", "sipas", "papi".</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? NameEn { get; set; }
    public FrameworkScale Scale { get; set; }
    public RollUp RollUp { get; set; }
    public string? Publisher { get; set; }
    public List<FrameworkVersion> Versions { get; set; } = [];

    /// <summary>The version in force in a year; of two starting the same year, the one entered last (a sample replaced by
    /// its successor keeps its label and stays readable).</summary>
    public FrameworkVersion? VersionFor(int year) =>
        Versions.Where(v => v.ValidFromYear <= year && (v.ValidToYear is null || year <= v.ValidToYear))
            .OrderByDescending(v => v.ValidFromYear).ThenByDescending(v => v.Id).FirstOrDefault();
}

public enum FrameworkScale { Points, Percent }

/// <summary>Whether children's points add up to their parent (PAR, PAPI) or each node is its own
/// percentage (SIPAS).</summary>
public enum RollUp { Sum, None }

/// <summary>A framework as set by one decision, valid for a range of years.</summary>
public sealed class FrameworkVersion
{
    public int Id { get; set; }
    public int FrameworkId { get; set; }
    public Framework? Framework { get; set; }
    public required string Label { get; set; }
    public string? Name { get; set; }
    public int ValidFromYear { get; set; }
    public int? ValidToYear { get; set; }
    public decimal Max { get; set; }
    public string? Source { get; set; }
    /// <summary>Changes on every edit or import of the version or its tree, so that an edit made from a stale copy is
    /// refused instead of overwriting (set by the application: the model stays portable).</summary>
    public Guid Concurrency { get; set; }
    public List<Criterion> Criteria { get; set; } = [];
}

/// <summary>A node of a framework's tree: field, criterion or sub-criterion.</summary>
public sealed class Criterion
{
    public int Id { get; set; }
    public int VersionId { get; set; }
    public int? ParentId { get; set; }
    /// <summary>Dotted code as printed: "3.2.1".</summary>
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? NameEn { get; set; }
    public decimal? Max { get; set; }
    public ScoringMethod Method { get; set; }
    public string? Notes { get; set; }
    /// <summary>Position among the version's criteria in document order.</summary>
    public int Order { get; set; }
    public List<CriterionLead> Leads { get; set; } = [];

    // How a unit scores itself on the criterion (the city's unit indices; the published indices leave the defaults).
    public CriterionKind Kind { get; set; }
    /// <summary>The unit kinds the criterion applies to; empty when it applies to every unit.</summary>
    public List<UnitKind> AppliesTo { get; set; } = [];
    public AnswerType Answer { get; set; }
    /// <summary>The step points move in for <see cref="AnswerType.Points"/>: 0.25 allows 0, 0.25, 0.5 ...</summary>
    public decimal? Step { get; set; }
    /// <summary>The levels a unit picks from for <see cref="AnswerType.Levels"/>, each with its points.</summary>
    public List<ScoreLevel> Levels { get; set; } = [];
    /// <summary>Whether "không áp dụng" may be answered; the criterion then leaves both the points and the max.</summary>
    public bool AllowNotApplicable { get; set; }
    /// <summary>The scoring rule in words, as the guidance writes it.</summary>
    public string? Rule { get; set; }
    /// <summary>A self-score needs a file of evidence, or a written reason why there is none.</summary>
    public bool EvidenceRequired { get; set; }
    /// <summary>Codes of the previous version's criteria this one continues, so year-on-year comparison survives
    /// renumbering.</summary>
    public List<string> PreviousCodes { get; set; } = [];

    public bool AppliesToKind(UnitKind kind) => AppliesTo.Count == 0 || AppliesTo.Contains(kind);
}

public enum ScoringMethod { Appraisal, Survey, External, Computed }

/// <summary>Standard criteria add up to the index; bonus points are added and penalty points taken off, each
/// capped at the node's max.</summary>
public enum CriterionKind { Standard, Bonus, Penalty }

/// <summary>What a unit answers: points directly, yes/no (yes earns the max), a level from a list, or a percent
/// (points = max × percent ÷ 100).</summary>
public enum AnswerType { Points, YesNo, Levels, Percent }

public sealed record ScoreLevel(string Label, decimal Points);

/// <summary>An agency that leads (chủ trì) a criterion, with the part it answers for when the table says.</summary>
public sealed class CriterionLead
{
    public int Id { get; set; }
    public int CriterionId { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public string? Scope { get; set; }
}

/// <summary>Who led a criterion in one year, where that year's plan assigned the leads differently from the criterion's
/// own <see cref="Criterion.Leads"/> (which are the current ones): 164/KH-UBND of 2022 gave PAPI 5.1 and 5.2 to the city
/// People's Committee Office, 164/KH-UBND of 2024 to Sở Tư pháp and Sở Tài nguyên và Môi trường. A year with no rows
/// uses the criterion's leads.</summary>
public sealed class CriterionYearLead
{
    public int Id { get; set; }
    public int CriterionId { get; set; }
    public int Year { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public string? Scope { get; set; }
    /// <summary>The document the row comes from ("164/KH-UBND, Phụ lục 2").</summary>
    public string? Source { get; set; }
}
