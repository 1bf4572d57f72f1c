namespace ChiSo.Features.Plans;

/// <summary>A plan as a portable document: the built-in plans transcribed from the seeds, and plan import.</summary>
public sealed record PlanDocument
{
    public string? Number { get; init; }
    public DateOnly? IssuedOn { get; init; }
    public string? Issuer { get; init; }
    public required string Title { get; init; }
    public int Year { get; init; }
    /// <summary>The years the plan runs over when it says so ("giai đoạn 2021–2025"); omitted: its year.</summary>
    public int? PeriodFrom { get; init; }
    public int? PeriodTo { get; init; }
    public string Kind { get; init; } = "index-improvement";
    /// <summary>"issued" for a plan known to be issued whose number the source does not give (seed 004); otherwise a
    /// plan with a number is issued and one without is a draft.</summary>
    public string? Status { get; init; }
    public string? Implements { get; init; }
    public List<string> Frameworks { get; init; } = [];
    public List<string> Purposes { get; init; } = [];
    public List<string> Requirements { get; init; } = [];
    public List<SectionDocument> Sections { get; init; } = [];
    public List<TaskDocument> Tasks { get; init; } = [];
    public List<LeadAssignmentDocument> LeadAssignments { get; init; } = [];
    public List<PlanTargetDocument> Targets { get; init; } = [];
    public List<ReportingDocument> Reporting { get; init; } = [];
    public List<InspectionDocument> Inspections { get; init; } = [];
    public string? Source { get; init; }
}

public sealed record SectionDocument(string Code, string Title, string? Framework, string? Notes);

public sealed record TaskDocument
{
    public string? Section { get; init; }
    public required string Number { get; init; }
    public required string Description { get; init; }
    public List<string> Lead { get; init; } = [];
    public List<string> Cooperating { get; init; } = [];
    public string? Deadline { get; init; }
    public string? Output { get; init; }
    public List<string> Criteria { get; init; } = [];
    public string? Notes { get; init; }
    public List<TaskDocument> Children { get; init; } = [];
}

/// <summary>A row of a plan's lead table ("phân công chủ trì"): who leads a criterion in the plan's year. <see cref="Criterion"/>
/// is the criterion's code, matched by hand to the row; <see cref="Name"/> the row as the plan writes it; <see cref="Scope"/> the
/// part of the criterion the row is about ("điện sinh hoạt" of 6.3), when the plan splits one criterion over several rows.</summary>
public sealed record LeadAssignmentDocument(string Framework, string Criterion, List<string> Lead, List<string> Cooperating)
{
    public string? Name { get; init; }
    public string? Scope { get; init; }
}

public sealed record PlanTargetDocument
{
    public string Kind { get; init; } = "kpi";
    public string? Framework { get; init; }
    public string? Criterion { get; init; }
    public required string Metric { get; init; }
    public string? Comparator { get; init; }
    public decimal? Threshold { get; init; }
    public string? Unit { get; init; }
    public List<string> Lead { get; init; } = [];
    public string? Text { get; init; }
}

public sealed record ReportingDocument(string Kind, string? Window, string? Due, string? Area, List<string> Lead, string? Text);

public sealed record InspectionDocument(string Text, List<string> Lead);
