using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Inspections;

/// <summary>A PAR inspection of one unit in a year's inspection plan (every unit at least once a year).</summary>
public sealed class Inspection
{
    public int Id { get; set; }
    public int Year { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public DateOnly? PlannedOn { get; set; }
    public DateOnly? HeldOn { get; set; }
    public string? Team { get; set; }
    public string? Notes { get; set; }
    public List<InspectionFinding> Findings { get; set; } = [];
}

/// <summary>What an inspection found; each finding is remedied by a task tracked like any other.</summary>
public sealed class InspectionFinding
{
    public int Id { get; set; }
    public int InspectionId { get; set; }
    public required string Text { get; set; }
    public int? TaskId { get; set; }
    public PlanTask? Task { get; set; }
}

internal sealed class InspectionConfiguration : IEntityTypeConfiguration<Inspection>
{
    public void Configure(EntityTypeBuilder<Inspection> b)
    {
        b.HasIndex(i => new { i.Year, i.UnitId });
        b.HasOne(i => i.Unit).WithMany().HasForeignKey(i => i.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(i => i.Findings).WithOne().HasForeignKey(f => f.InspectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InspectionFindingConfiguration : IEntityTypeConfiguration<InspectionFinding>
{
    public void Configure(EntityTypeBuilder<InspectionFinding> b) =>
        b.HasOne(f => f.Task).WithMany().HasForeignKey(f => f.TaskId).OnDelete(DeleteBehavior.SetNull);
}
