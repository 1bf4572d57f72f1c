using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Plans;

/// <summary>An e-mail reminder claimed, and sent once <see cref="SentAt"/> is set. The unique key lets several app instances
/// run the reminder job: whichever inserts the row first owns the reminder. A claim is taken before the mail goes out and
/// marked sent only after the mail server accepted it, so a refused or failed send (or an instance dying mid-send) leaves
/// the reminder pending for the next pass instead of losing it (<see cref="RemindersMailer"/>).</summary>
public sealed class ReminderSent
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public int UnitId { get; set; }
    public DateOnly Due { get; set; }
    public int DaysBefore { get; set; }
    /// <summary>When the mail server accepted the mail; null while pending.</summary>
    public DateTime? SentAt { get; set; }
    /// <summary>When a pass last took it to send; null when nobody holds it (new, or the last send failed).</summary>
    public DateTime? ClaimedAt { get; set; }
    /// <summary>Sends tried; also the token a pass claims with, so two passes never both take it.</summary>
    public int Attempts { get; set; }
    /// <summary>Why the last send failed (the mail server's answer); null once sent.</summary>
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
