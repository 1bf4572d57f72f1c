using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Frameworks;

internal sealed class FrameworkConfiguration : IEntityTypeConfiguration<Framework>
{
    public void Configure(EntityTypeBuilder<Framework> b)
    {
        b.HasIndex(f => f.Key).IsUnique();
        b.Property(f => f.Key).HasMaxLength(60);
        b.Property(f => f.Scale).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.RollUp).HasConversion<string>().HasMaxLength(20);
        b.HasMany(f => f.Versions).WithOne(v => v.Framework).HasForeignKey(v => v.FrameworkId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FrameworkVersionConfiguration : IEntityTypeConfiguration<FrameworkVersion>
{
    public void Configure(EntityTypeBuilder<FrameworkVersion> b)
    {
        b.HasIndex(v => new { v.FrameworkId, v.Label }).IsUnique();
        b.Property(v => v.Max).HasPrecision(12, 4);
        b.Property(v => v.Concurrency).IsConcurrencyToken();
        b.HasMany(v => v.Criteria).WithOne().HasForeignKey(c => c.VersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CriterionConfiguration : IEntityTypeConfiguration<Criterion>
{
    public void Configure(EntityTypeBuilder<Criterion> b)
    {
        b.HasIndex(c => new { c.VersionId, c.Code }).IsUnique();
        b.Property(c => c.Code).HasMaxLength(40);
        b.Property(c => c.Max).HasPrecision(12, 4);
        b.Property(c => c.Method).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Answer).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Step).HasPrecision(12, 4);
        b.PrimitiveCollection(c => c.AppliesTo);
        b.PrimitiveCollection(c => c.PreviousCodes);
        b.Property(c => c.Levels).HasJsonList();
        b.HasOne<Criterion>().WithMany().HasForeignKey(c => c.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Leads).WithOne().HasForeignKey(l => l.CriterionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CriterionYearLeadConfiguration : IEntityTypeConfiguration<CriterionYearLead>
{
    public void Configure(EntityTypeBuilder<CriterionYearLead> b)
    {
        b.HasOne<Criterion>().WithMany().HasForeignKey(l => l.CriterionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(l => l.Unit).WithMany().HasForeignKey(l => l.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(l => new { l.CriterionId, l.Year });
        b.Property(l => l.Scope).HasMaxLength(200);
        b.Property(l => l.Source).HasMaxLength(300);
    }
}

internal sealed class CriterionLeadConfiguration : IEntityTypeConfiguration<CriterionLead>
{
    public void Configure(EntityTypeBuilder<CriterionLead> b) =>
        b.HasOne(l => l.Unit).WithMany().HasForeignKey(l => l.UnitId).OnDelete(DeleteBehavior.Restrict);
}
