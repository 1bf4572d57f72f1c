using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Files;

/// <summary>An uploaded file (a plan's source document, evidence of progress). Kept in the database so that
/// every app instance sees it; the content hash finds the same file uploaded twice.</summary>
public sealed class StoredFile
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public required string Sha256 { get; set; }
    public required byte[] Content { get; set; }
    public DateTime UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}

internal sealed class StoredFileConfiguration : IEntityTypeConfiguration<StoredFile>
{
    public void Configure(EntityTypeBuilder<StoredFile> b)
    {
        b.Property(f => f.Name).HasMaxLength(300);
        b.Property(f => f.ContentType).HasMaxLength(150);
        b.Property(f => f.Sha256).HasMaxLength(64);
        b.HasIndex(f => f.Sha256);
    }
}
