using ChiSo.Features.Units;

namespace ChiSo.Features.Plans;

/// <summary>A plan (Kế hoạch) with its targets and tasks: "430/KH-UBND, 15/6/2023".</summary>
public sealed class Plan
{
    public int Id { get; set; }
    /// <summary>Number as issued ("430/KH-UBND"); null while a draft has none.</summary>
    public string? Number { get; set; }
    public DateOnly? IssuedOn { get; set; }
    public int? IssuerId { get; set; }
    public Unit? Issuer { get; set; }
    public required string Title { get; set; }
    public int Year { get; set; }
    /// <summary>The years the plan runs over when it says so ("giai đoạn 2021–2025"); null: its year.</summary>
    public int? PeriodFrom { get; set; }
    public int? PeriodTo { get; set; }
    public PlanKind Kind { get; set; }
    public PlanStatus Status { get; set; }
    /// <summary>The higher plan this one implements, when it is in the system.</summary>
    public int? ParentId { get; set; }
    /// <summary>The higher plan or decision as written, when it is not in the system ("6745/QĐ-UBND").</summary>
    public string? Implements { get; set; }
    public List<string> Frameworks { get; set; } = [];
    public List<string> Purposes { get; set; } = [];
    public List<string> Requirements { get; set; } = [];
    public string? Source { get; set; }
    public int? SourceFileId { get; set; }
    /// <summary>The name the document was uploaded under: the stored file keeps the first upload's name for its content.</summary>
    public string? SourceFileName { get; set; }
    public Guid Concurrency { get; set; } = Guid.NewGuid();
    public List<PlanSection> Sections { get; set; } = [];
    public List<PlanTask> Tasks { get; set; } = [];
    public List<PlanTarget> Targets { get; set; } = [];

    /// <summary>How the plan is named in lists: its number and date, or its title while a draft.</summary>
    public string Label => Number is null ? Title : IssuedOn is { } d ? $"{Number}, {d:dd/MM/yyyy}" : Number;

    public PlanWindow Window => PlanWindow.Of(this);
}

/// <summary>When a plan's recurring tasks recur: from the day it was issued (not before its period starts) to the last
/// day of its period (decision 0021). <see cref="Year"/> fills in a year a deadline text leaves out.</summary>
public readonly record struct PlanWindow(int Year, DateOnly From, DateOnly To)
{
    public static PlanWindow Of(Plan p)
    {
        var first = new DateOnly(p.PeriodFrom ?? p.Year, 1, 1);
        return new(p.Year, p.IssuedOn is { } issued && issued > first ? issued : first, new DateOnly(p.PeriodTo ?? p.Year, 12, 31));
    }

    /// <summary>A plan of one calendar year with no issue date.</summary>
    public static PlanWindow OfYear(int year) => new(year, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));

    /// <summary>Whether the plan runs in the year: reports and lists of a year take the plans that do.</summary>
    public bool Covers(int year) => From.Year <= year && year <= To.Year;
}

public enum PlanKind { IndexImprovement, AnnualPar, UnitPlan }

public enum PlanStatus { Draft, Issued }

/// <summary>A heading tasks are grouped under ("A. PAR INDEX", "A.I").</summary>
public sealed class PlanSection
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public required string Code { get; set; }
    public required string Title { get; set; }
    public string? Framework { get; set; }
    public string? Notes { get; set; }
    public int Order { get; set; }
}

/// <summary>A plan's target: a criterion of an index, or a free KPI ("≥ 70 % of dossiers handled online").</summary>
public sealed class PlanTarget
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public PlanTargetKind Kind { get; set; }
    public string? Framework { get; set; }
    public string? Criterion { get; set; }
    public required string Metric { get; set; }
    public Results.Comparator? Comparator { get; set; }
    public decimal? Threshold { get; set; }
    public string? Unit { get; set; }
    public string? Text { get; set; }
    public List<string> Leads { get; set; } = [];
    public int Order { get; set; }
    public List<TargetActual> Actuals { get; set; } = [];
}

public enum PlanTargetKind { Criterion, Kpi }

/// <summary>A target's actual value as reported for one period.</summary>
public sealed class TargetActual
{
    public int Id { get; set; }
    public int PlanTargetId { get; set; }
    public int Year { get; set; }
    public ReportingPeriodKind Period { get; set; }
    public decimal Value { get; set; }
    public DateTime RecordedAt { get; set; }
    public required string RecordedBy { get; set; }
}

public enum ReportingPeriodKind { Q1, H1, Q3, Year }
