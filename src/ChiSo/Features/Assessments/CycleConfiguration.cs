using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Assessments;

internal sealed class AssessmentCycleConfiguration : IEntityTypeConfiguration<AssessmentCycle>
{
    public void Configure(EntityTypeBuilder<AssessmentCycle> b)
    {
        b.Property(c => c.Name).HasMaxLength(300);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Concurrency).IsConcurrencyToken();
        b.Property(c => c.PublishedHeadHash).HasMaxLength(64);
        b.HasMany(c => c.Groups).WithOne().HasForeignKey(g => g.CycleId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Units).WithOne(u => u.Cycle).HasForeignKey(u => u.CycleId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Appraisers).WithOne().HasForeignKey(a => a.CycleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CycleGroupConfiguration : IEntityTypeConfiguration<CycleGroup>
{
    public void Configure(EntityTypeBuilder<CycleGroup> b)
    {
        b.Property(g => g.Name).HasMaxLength(200);
        b.HasOne(g => g.FrameworkVersion).WithMany().HasForeignKey(g => g.FrameworkVersionId).OnDelete(DeleteBehavior.Restrict);
        b.Property(g => g.Bands).HasJsonList();
    }
}

internal sealed class CycleUnitConfiguration : IEntityTypeConfiguration<CycleUnit>
{
    public void Configure(EntityTypeBuilder<CycleUnit> b)
    {
        b.HasIndex(u => new { u.CycleId, u.UnitId }).IsUnique();
        b.Property(u => u.Stage).HasConversion<string>().HasMaxLength(20);
        b.Property(u => u.SubmittedBy).HasMaxLength(200);
        b.Property(u => u.Concurrency).IsConcurrencyToken();
        b.HasOne(u => u.Group).WithMany().HasForeignKey(u => u.GroupId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(u => u.Unit).WithMany().HasForeignKey(u => u.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(u => u.Items).WithOne().HasForeignKey(i => i.CycleUnitId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(u => u.Evidence).WithOne().HasForeignKey(e => e.CycleUnitId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AppraiserAssignmentConfiguration : IEntityTypeConfiguration<AppraiserAssignment>
{
    public void Configure(EntityTypeBuilder<AppraiserAssignment> b)
    {
        b.Property(a => a.UserId).HasMaxLength(450);
        b.Property(a => a.CriterionCode).HasMaxLength(40);
        b.HasOne(a => a.Unit).WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => new { a.CycleId, a.UserId });
    }
}

internal sealed class AssessmentItemConfiguration : IEntityTypeConfiguration<AssessmentItem>
{
    public void Configure(EntityTypeBuilder<AssessmentItem> b)
    {
        b.HasIndex(i => new { i.CycleUnitId, i.CriterionId }).IsUnique();
        b.HasOne(i => i.Criterion).WithMany().HasForeignKey(i => i.CriterionId).OnDelete(DeleteBehavior.Restrict);
        b.Property(i => i.Answer).HasMaxLength(300);
        foreach (var p in new[] { nameof(AssessmentItem.SelfPoints), nameof(AssessmentItem.AppraisedPoints), nameof(AssessmentItem.SurveyPoints), nameof(AssessmentItem.FinalPoints) })
            b.Property(p).HasPrecision(12, 4);
        b.Property(i => i.Verdict).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.AppraisedBy).HasMaxLength(200);
        b.Property(i => i.Concurrency).IsConcurrencyToken();
        b.HasMany(i => i.Evidence).WithOne().HasForeignKey(e => e.ItemId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(i => i.Messages).WithOne().HasForeignKey(m => m.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvidenceConfiguration : IEntityTypeConfiguration<Evidence>
{
    public void Configure(EntityTypeBuilder<Evidence> b)
    {
        b.Property(e => e.Title).HasMaxLength(500);
        b.Property(e => e.FileName).HasMaxLength(300);
        b.Property(e => e.DocNumber).HasMaxLength(100);
        b.Property(e => e.Issuer).HasMaxLength(300);
        b.Property(e => e.UploadedBy).HasMaxLength(200);
        b.HasOne(e => e.File).WithMany().HasForeignKey(e => e.FileId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ItemEvidenceConfiguration : IEntityTypeConfiguration<ItemEvidence>
{
    public void Configure(EntityTypeBuilder<ItemEvidence> b)
    {
        b.HasKey(e => new { e.ItemId, e.EvidenceId });
        b.HasOne(e => e.Evidence).WithMany().HasForeignKey(e => e.EvidenceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AssessmentMessageConfiguration : IEntityTypeConfiguration<AssessmentMessage>
{
    public void Configure(EntityTypeBuilder<AssessmentMessage> b)
    {
        b.Property(m => m.User).HasMaxLength(200);
        b.Property(m => m.Step).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Points).HasPrecision(12, 4);
    }
}
