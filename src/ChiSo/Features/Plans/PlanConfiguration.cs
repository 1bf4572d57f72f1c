using ChiSo.Features.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Plans;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> b)
    {
        b.HasIndex(p => new { p.Number, p.Year });
        b.Property(p => p.Number).HasMaxLength(60);
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Concurrency).IsConcurrencyToken();
        b.PrimitiveCollection(p => p.Frameworks);
        b.PrimitiveCollection(p => p.Purposes);
        b.PrimitiveCollection(p => p.Requirements);
        b.HasOne(p => p.Issuer).WithMany().HasForeignKey(p => p.IssuerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Plan>().WithMany().HasForeignKey(p => p.ParentId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<StoredFile>().WithMany().HasForeignKey(p => p.SourceFileId).OnDelete(DeleteBehavior.SetNull);
        b.Property(p => p.SourceFileName).HasMaxLength(300);
        b.HasMany(p => p.Sections).WithOne().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Tasks).WithOne(t => t.Plan).HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Targets).WithOne().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanSectionConfiguration : IEntityTypeConfiguration<PlanSection>
{
    public void Configure(EntityTypeBuilder<PlanSection> b) => b.HasIndex(s => new { s.PlanId, s.Code }).IsUnique();
}

internal sealed class PlanTargetConfiguration : IEntityTypeConfiguration<PlanTarget>
{
    public void Configure(EntityTypeBuilder<PlanTarget> b)
    {
        b.Property(t => t.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Comparator).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Threshold).HasPrecision(14, 4);
        b.PrimitiveCollection(t => t.Leads);
        b.HasMany(t => t.Actuals).WithOne().HasForeignKey(a => a.PlanTargetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TargetActualConfiguration : IEntityTypeConfiguration<TargetActual>
{
    public void Configure(EntityTypeBuilder<TargetActual> b)
    {
        b.Property(a => a.Period).HasConversion<string>().HasMaxLength(10);
        b.Property(a => a.Value).HasPrecision(14, 4);
        b.HasIndex(a => new { a.PlanTargetId, a.Year, a.Period }).IsUnique();
    }
}

internal sealed class PlanTaskConfiguration : IEntityTypeConfiguration<PlanTask>
{
    public void Configure(EntityTypeBuilder<PlanTask> b)
    {
        b.HasIndex(t => new { t.PlanId, t.Number }).IsUnique();
        b.HasIndex(t => t.Due);
        b.Property(t => t.Number).HasMaxLength(30);
        b.Property(t => t.DeadlineKind).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Recurrence).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Concurrency).IsConcurrencyToken();
        b.HasOne<PlanSection>().WithMany().HasForeignKey(t => t.SectionId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<PlanTask>().WithMany().HasForeignKey(t => t.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(t => t.Agencies).WithOne().HasForeignKey(a => a.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(t => t.Criteria).WithOne().HasForeignKey(c => c.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(t => t.Progress).WithOne().HasForeignKey(p => p.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TaskAgencyConfiguration : IEntityTypeConfiguration<TaskAgency>
{
    public void Configure(EntityTypeBuilder<TaskAgency> b)
    {
        b.Property(a => a.Role).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(a => a.UnitId);
        b.HasOne(a => a.Unit).WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(a => a.Group).WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TaskCriterionConfiguration : IEntityTypeConfiguration<TaskCriterion>
{
    public void Configure(EntityTypeBuilder<TaskCriterion> b)
    {
        b.Property(c => c.PointsAtStake).HasPrecision(12, 4);
        b.HasIndex(c => new { c.Framework, c.Code });
    }
}

internal sealed class ProgressUpdateConfiguration : IEntityTypeConfiguration<ProgressUpdate>
{
    public void Configure(EntityTypeBuilder<ProgressUpdate> b)
    {
        b.Property(p => p.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        b.PrimitiveCollection(p => p.EvidenceFileIds);
        b.PrimitiveCollection(p => p.EvidenceFileNames);
        b.HasIndex(p => new { p.TaskId, p.Date });
        b.HasOne(p => p.Unit).WithMany().HasForeignKey(p => p.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TaskHandoverConfiguration : IEntityTypeConfiguration<TaskHandover>
{
    public void Configure(EntityTypeBuilder<TaskHandover> b)
    {
        b.HasIndex(h => new { h.TaskId, h.FromUnitId }).IsUnique();
        b.Property(h => h.AssignedBy).HasMaxLength(200);
        b.Property(h => h.Note).HasMaxLength(1000);
        b.HasOne(h => h.Task).WithMany().HasForeignKey(h => h.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(h => h.FromUnit).WithMany().HasForeignKey(h => h.FromUnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(h => h.ToUnit).WithMany().HasForeignKey(h => h.ToUnitId).OnDelete(DeleteBehavior.Restrict);
    }
}
