using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Results;

internal sealed class IndexResultConfiguration : IEntityTypeConfiguration<IndexResult>
{
    public void Configure(EntityTypeBuilder<IndexResult> b)
    {
        b.HasIndex(r => new { r.VersionId, r.UnitId, r.Year }).IsUnique();
        b.Property(r => r.Total).HasPrecision(12, 4);
        b.Property(r => r.Concurrency).IsConcurrencyToken();
        b.HasOne(r => r.Version).WithMany().HasForeignKey(r => r.VersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(r => r.Unit).WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(r => r.Scores).WithOne().HasForeignKey(s => s.ResultId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CriterionScoreConfiguration : IEntityTypeConfiguration<CriterionScore>
{
    public void Configure(EntityTypeBuilder<CriterionScore> b)
    {
        b.HasIndex(s => new { s.ResultId, s.CriterionId }).IsUnique();
        b.Property(s => s.Value).HasPrecision(12, 4);
        b.HasOne<Criterion>().WithMany().HasForeignKey(s => s.CriterionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IndexTargetConfiguration : IEntityTypeConfiguration<IndexTarget>
{
    public void Configure(EntityTypeBuilder<IndexTarget> b)
    {
        b.HasIndex(t => new { t.VersionId, t.UnitId, t.Year }).IsUnique();
        b.Property(t => t.TotalValue).HasPrecision(12, 4);
        b.Property(t => t.TotalComparator).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Concurrency).IsConcurrencyToken();
        b.HasOne(t => t.Version).WithMany().HasForeignKey(t => t.VersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Unit).WithMany().HasForeignKey(t => t.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(t => t.Criteria).WithOne().HasForeignKey(c => c.TargetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CriterionTargetConfiguration : IEntityTypeConfiguration<CriterionTarget>
{
    public void Configure(EntityTypeBuilder<CriterionTarget> b)
    {
        b.HasIndex(t => new { t.TargetId, t.CriterionId }).IsUnique();
        b.Property(t => t.Value).HasPrecision(12, 4);
        b.Property(t => t.Comparator).HasConversion<string>().HasMaxLength(20);
        b.HasOne<Criterion>().WithMany().HasForeignKey(t => t.CriterionId).OnDelete(DeleteBehavior.Cascade);
    }
}
