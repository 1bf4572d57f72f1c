using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Plans;

/// <summary>An e-mail reminder owed once per task × unit × deadline × days before: the unique key lets several app instances
/// run the reminder job without making two; claimed, sent and marked as <see cref="Notifications.MailClaims"/> says.</summary>
public sealed class ReminderSent : Notifications.IMailClaim
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public int UnitId { get; set; }
    public DateOnly Due { get; set; }
    public int DaysBefore { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public int Attempts { get; set; }
    public string? Problem { get; set; }
}

internal sealed class ReminderSentConfiguration : IEntityTypeConfiguration<ReminderSent>
{
    public void Configure(EntityTypeBuilder<ReminderSent> b)
    {
        b.HasIndex(r => new { r.TaskId, r.UnitId, r.Due, r.DaysBefore }).IsUnique();
        b.Property(r => r.Problem).HasMaxLength(500);
    }
}
