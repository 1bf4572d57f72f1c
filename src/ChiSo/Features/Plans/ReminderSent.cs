using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Plans;

/// <summary>An e-mail reminder already sent. The unique key lets several app instances run the reminder job:
/// whichever inserts the row first sends the mail.</summary>
public sealed class ReminderSent
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public int UnitId { get; set; }
    public DateOnly Due { get; set; }
    public int DaysBefore { get; set; }
    public DateTime SentAt { get; set; }
}

internal sealed class ReminderSentConfiguration : IEntityTypeConfiguration<ReminderSent>
{
    public void Configure(EntityTypeBuilder<ReminderSent> b) =>
        b.HasIndex(r => new { r.TaskId, r.UnitId, r.Due, r.DaysBefore }).IsUnique();
}
