namespace ChiSo.Features.Audit;

/// <summary>One recorded change of a score or status: who, when, old value, new value, why.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string User { get; set; }
    /// <summary>What changed, e.g. "result:par-province:2023:HN".</summary>
    public required string Subject { get; set; }
    /// <summary>The field within the subject, e.g. a criterion code or "total".</summary>
    public required string Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public string? Reason { get; set; }
}
