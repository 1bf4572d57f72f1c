using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.HasIndex(a => new { a.Subject, a.At });
        b.Property(a => a.User).HasMaxLength(200);
        b.Property(a => a.Subject).HasMaxLength(200);
        b.Property(a => a.Field).HasMaxLength(100);
    }
}
