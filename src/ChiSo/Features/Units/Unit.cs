namespace ChiSo.Features.Units;

/// <summary>An organisation that is scored, leads a criterion, or carries out a task.</summary>
public sealed class Unit
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? ShortName { get; set; }
    public string? NameEn { get; set; }
    public UnitKind Kind { get; set; }
    /// <summary>Within a kind, the form the law gives it: "ward" or "commune" for the 2025 commune level
    /// (Resolution 1656/NQ-UBTVQH15 makes 51 wards and 75 communes); null where the kind says it all.</summary>
    public string? Subkind { get; set; }
    public int? ParentId { get; set; }
    public Unit? Parent { get; set; }
    /// <summary>First day the unit exists; null when it predates the registry.</summary>
    public DateOnly? ValidFrom { get; set; }
    /// <summary>Last day the unit exists; null while it still exists.</summary>
    public DateOnly? ValidTo { get; set; }
    public List<UnitAlias> Aliases { get; set; } = [];

    public bool ExistsOn(DateOnly day) =>
        (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || day <= ValidTo);
}

public sealed class UnitAlias
{
    public int Id { get; set; }
    public int UnitId { get; set; }
    public required string Alias { get; set; }
    /// <summary>Lower-cased, whitespace-folded alias for lookups (see <see cref="UnitNames.Normalize"/>).</summary>
    public required string Normalized { get; set; }
}

public enum UnitKind
{
    City,
    Department,
    DepartmentLevelAgency,
    District,
    Commune,
    PublicServiceUnit,
    CentralBranch,
    Council,
    Organisation,
}

/// <summary>A change in the registry: units merge, split, are renamed, established or dissolved.</summary>
public sealed class UnitEvent
{
    public int Id { get; set; }
    public DateOnly Date { get; set; }
    public UnitEventKind Kind { get; set; }
    public string? Reference { get; set; }
    public string? Note { get; set; }
    public List<UnitEventPart> Parts { get; set; } = [];
}

public sealed class UnitEventPart
{
    public int Id { get; set; }
    public int UnitEventId { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    /// <summary>True for a unit that exists before the event, false for one that exists after it.</summary>
    public bool IsPredecessor { get; set; }
}

public enum UnitEventKind { Merge, Split, Rename, Establish, Dissolve }

/// <summary>One unit taking over (part of) another's work, with the document that decided it. Many to many: a
/// district's area went to several communes, a commune came from parts of several wards.</summary>
public sealed class UnitSuccession
{
    public int Id { get; set; }
    public int PredecessorId { get; set; }
    public Unit? Predecessor { get; set; }
    public int SuccessorId { get; set; }
    public Unit? Successor { get; set; }
    /// <summary>The first day the successor holds the work: the day after the predecessor's last day.</summary>
    public DateOnly Date { get; set; }
    /// <summary>The number of the document that decided it ("1656/NQ-UBTVQH15").</summary>
    public required string Reference { get; set; }
    public DateOnly? ReferenceDate { get; set; }
    /// <summary>What part passed ("một phần diện tích", "40 %"); null for the whole.</summary>
    public string? Share { get; set; }
    public string? Note { get; set; }
}

/// <summary>A phrase like "Các sở, ban, ngành" that names every unit of some kinds, not one unit.</summary>
public sealed class UnitGroup
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public List<string> Aliases { get; set; } = [];
    public List<UnitKind> Kinds { get; set; } = [];
}
