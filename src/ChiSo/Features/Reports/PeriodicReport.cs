using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Reports;

/// <summary>A unit's periodic PAR report (Q1, 6 months, Q3, year), or a thematic report for one reform area.</summary>
public sealed class PeriodicReport
{
    public int Id { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public int Year { get; set; }
    public ReportingPeriodKind Period { get; set; }
    /// <summary>Null for the general report; a reform area key for a thematic report.</summary>
    public string? Area { get; set; }
    public ReportStatus Status { get; set; }
    public DateTime? SubmittedAt { get; set; }
    public string? SubmittedBy { get; set; }
    public Guid Concurrency { get; set; } = Guid.NewGuid();
    public List<ReportSection> Sections { get; set; } = [];
}

public enum ReportStatus { Draft, Submitted }

/// <summary>The report's text for one reform area.</summary>
public sealed class ReportSection
{
    public int Id { get; set; }
    public int ReportId { get; set; }
    public required string Area { get; set; }
    public string? Text { get; set; }
}

internal sealed class PeriodicReportConfiguration : IEntityTypeConfiguration<PeriodicReport>
{
    public void Configure(EntityTypeBuilder<PeriodicReport> b)
    {
        b.HasIndex(r => new { r.UnitId, r.Year, r.Period, r.Area }).IsUnique();
        // NULL is distinct in a unique index, so the general report (Area null) needs one of its own.
        b.HasIndex(r => new { r.UnitId, r.Year, r.Period }).IsUnique().HasFilter("\"Area\" IS NULL").HasDatabaseName("IX_PeriodicReports_General");
        b.Property(r => r.Period).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Area).HasMaxLength(40);
        b.Property(r => r.Concurrency).IsConcurrencyToken();
        b.HasOne(r => r.Unit).WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(r => r.Sections).WithOne().HasForeignKey(s => s.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReportSectionConfiguration : IEntityTypeConfiguration<ReportSection>
{
    public void Configure(EntityTypeBuilder<ReportSection> b) => b.Property(s => s.Area).HasMaxLength(40);
}
