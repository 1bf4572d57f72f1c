using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.HasIndex(a => new { a.Subject, a.At });
        // Unique: two writers that read the same head cannot both append (the second fails instead of forking the chain).
        b.HasIndex(a => a.Seq).IsUnique();
        b.Property(a => a.User).HasMaxLength(200);
        b.Property(a => a.Subject).HasMaxLength(200);
        b.Property(a => a.Field).HasMaxLength(100);
        b.Property(a => a.PrevHash).HasMaxLength(64);
        b.Property(a => a.Hash).HasMaxLength(64);
    }
}
