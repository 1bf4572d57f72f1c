using ChiSo.Features.Units;

namespace ChiSo.Features.Plans;

/// <summary>A task (nhiệm vụ): who leads, who cooperates, by when (as written and as understood), what it
/// must produce, and which criteria it serves.</summary>
public sealed class PlanTask
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public Plan? Plan { get; set; }
    public int? SectionId { get; set; }
    public int? ParentId { get; set; }
    public required string Number { get; set; }
    public required string Description { get; set; }
    /// <summary>The deadline exactly as the plan writes it; never dropped, even when it cannot be parsed.</summary>
    public string? DeadlineText { get; set; }
    public DeadlineKind DeadlineKind { get; set; }
    public DateOnly? Start { get; set; }
    public DateOnly? Due { get; set; }
    public Recurrence? Recurrence { get; set; }
    public bool Tentative { get; set; }
    /// <summary>For event-triggered deadlines: the event, and its date once it happened.</summary>
    public string? Event { get; set; }
    public DateOnly? EventDate { get; set; }
    public string? Output { get; set; }
    public string? Notes { get; set; }
    public int Order { get; set; }
    public Guid Concurrency { get; set; } = Guid.NewGuid();
    public List<TaskAgency> Agencies { get; set; } = [];
    public List<TaskCriterion> Criteria { get; set; } = [];
    public List<ProgressUpdate> Progress { get; set; } = [];
}

/// <summary>An agency on a task as the plan names it, resolved to a unit or a group of units where possible.</summary>
public sealed class TaskAgency
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public AgencyRole Role { get; set; }
    public required string Name { get; set; }
    public int? UnitId { get; set; }
    public Unit? Unit { get; set; }
    public int? GroupId { get; set; }
    public UnitGroup? Group { get; set; }
}

public enum AgencyRole { Lead, Cooperating }

/// <summary>A criterion a task serves: "par-province:3.2", with the points at stake when drafted from gaps.</summary>
public sealed class TaskCriterion
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public required string Framework { get; set; }
    public required string Code { get; set; }
    public decimal? PointsAtStake { get; set; }
}

/// <summary>An update filed by the lead or a cooperating agency: where the task stands on a date.</summary>
public sealed class ProgressUpdate
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public AgencyRole Role { get; set; }
    public ProgressStatus Status { get; set; }
    public int Percent { get; set; }
    public string? Text { get; set; }
    /// <summary>The day the update speaks for (as of).</summary>
    public DateOnly Date { get; set; }
    /// <summary>For recurring tasks: the occurrence (its due date) this update answers.</summary>
    public DateOnly? Occurrence { get; set; }
    public DateTime FiledAt { get; set; }
    public required string FiledBy { get; set; }
    public List<int> EvidenceFileIds { get; set; } = [];
    /// <summary>The names the files were uploaded under, in the order of <see cref="EvidenceFileIds"/> (a stored file keeps
    /// the first upload's name for its content; updates filed before the names were kept have none).</summary>
    public List<string> EvidenceFileNames { get; set; } = [];

    /// <summary>Each cited file with the name it was uploaded under (null when the update was filed before names were kept).</summary>
    public IEnumerable<(int Id, string? Name)> NamedFiles() => EvidenceFileIds.Select((id, i) => (id, EvidenceFileNames.ElementAtOrDefault(i)));
}

public enum ProgressStatus { NotStarted, InProgress, Done, Blocked }
