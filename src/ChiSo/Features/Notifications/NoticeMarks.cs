using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Notifications;

/// <summary>A notice the user has marked read. Notices themselves are derived from the data on each read; only the
/// user's marks are stored, in the database, so that every app instance agrees.</summary>
public sealed class NoticeRead
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string Key { get; set; }
    public DateTime ReadAt { get; set; }
}

/// <summary>A notice owed by e-mail to a user: the unique key lets only one row exist per user and notice, whichever
/// instance or pass makes it; claimed, sent and marked as <see cref="MailClaims"/> says.</summary>
public sealed class NoticeMailed : IMailClaim
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string Key { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public int Attempts { get; set; }
    public string? Problem { get; set; }
}

internal sealed class NoticeReadConfiguration : IEntityTypeConfiguration<NoticeRead>
{
    public void Configure(EntityTypeBuilder<NoticeRead> b)
    {
        b.Property(r => r.UserId).HasMaxLength(450);
        b.Property(r => r.Key).HasMaxLength(200);
        b.HasIndex(r => new { r.UserId, r.Key }).IsUnique();
    }
}

internal sealed class NoticeMailedConfiguration : IEntityTypeConfiguration<NoticeMailed>
{
    public void Configure(EntityTypeBuilder<NoticeMailed> b)
    {
        b.Property(r => r.UserId).HasMaxLength(450);
        b.Property(r => r.Key).HasMaxLength(200);
        b.HasIndex(r => new { r.UserId, r.Key }).IsUnique();
        b.Property(r => r.Problem).HasMaxLength(500);
    }
}
