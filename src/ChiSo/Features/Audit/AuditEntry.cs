namespace ChiSo.Features.Audit;

/// <summary>One recorded change of a score or status: who, when, old value, new value, why. Rows are chained
/// (<see cref="AuditChain"/>): each carries its place and a hash over its content and the previous row's hash, set when
/// it is saved, so an edit or a deletion made past the app shows in <c>./chiso audit verify</c>.</summary>
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
    /// <summary>Place in the chain, from 1 without gaps. Null only on a row written past the app (a break).</summary>
    public long? Seq { get; set; }
    /// <summary>The previous row's <see cref="Hash"/> (64 zeros for the first row).</summary>
    public string? PrevHash { get; set; }
    /// <summary>SHA-256, lower-case hex, of <see cref="AuditChain.Encode"/>: the content, <see cref="Seq"/> and <see cref="PrevHash"/>.</summary>
    public string? Hash { get; set; }
}
