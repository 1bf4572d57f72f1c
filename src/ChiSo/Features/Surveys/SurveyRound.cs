using ChiSo.Features.Units;

namespace ChiSo.Features.Surveys;

/// <summary>A survey round: a year, a questionnaire, the period it is open, and the sample plan.</summary>
public sealed class SurveyRound
{
    public int Id { get; set; }
    public int Year { get; set; }
    public required string Name { get; set; }
    public int QuestionnaireId { get; set; }
    public Questionnaire? Questionnaire { get; set; }
    public DateOnly OpensOn { get; set; }
    public DateOnly ClosesOn { get; set; }
    public RoundStatus Status { get; set; }
    /// <summary>The margin of error e of the sample plan (n = N / (1 + N·e²)).</summary>
    public decimal Margin { get; set; } = 0.05m;
    public List<RoundQuota> Quotas { get; set; } = [];
    /// <summary>Raised by every review decision (accept or exclude) in the same statement's transaction: live scores keep
    /// a running tally per app instance and start it again when this differs from what they counted with.</summary>
    public int ReviewVersion { get; set; }
}

public enum RoundStatus { Draft, Open, Closed }

/// <summary>How many answers a round wants from one respondent group of one unit.</summary>
public sealed class RoundQuota
{
    public int Id { get; set; }
    public int RoundId { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public required string Group { get; set; }
    /// <summary>Size of the group (N), when known; the target then defaults to the ministry's formula.</summary>
    public int? Population { get; set; }
    public int Target { get; set; }
}

/// <summary>One completed questionnaire. Answers are packed in one row (code → value) so that intake and
/// scoring read and write one row per respondent. Nothing here can be joined to a token or a dossier:
/// only the day is kept, and tokens and dossiers record use without a link.</summary>
public sealed class SurveyResponse
{
    public long Id { get; set; }
    public int RoundId { get; set; }
    public int UnitId { get; set; }
    public required string Group { get; set; }
    public ResponseChannel Channel { get; set; }
    public DateOnly SubmittedOn { get; set; }
    /// <summary>JSON object: question code → answer ("4", "Có", "A;B" for several choices).</summary>
    public required string Answers { get; set; }
    /// <summary>The first 8 bytes of the SHA-256 of <see cref="Answers"/> (HashOf): the duplicate rule finds an
    /// identical answer through the (RoundId, AnswersHash) index instead of reading every answer of the unit and group.
    /// Null on rows written without it (tests that build rows by hand); such rows are not found as duplicates.</summary>
    public long? AnswersHash { get; set; }
    public int? Seconds { get; set; }
    public ResponseReview Review { get; set; }
    public string? Flags { get; set; }
    public int? BatchId { get; set; }

    public static long HashOf(string answers)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(answers.Length);
        var rented = max > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[1024];
        var n = System.Text.Encoding.UTF8.GetBytes(answers, utf8);
        var hash = HashOf(utf8[..n]);
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }

    public static long HashOf(ReadOnlySpan<byte> utf8Answers)
    {
        Span<byte> sha = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(utf8Answers, sha);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(sha);
    }
}

public enum ResponseChannel { Online, Api, Paper }

/// <summary>Flagged answers (straight-lining, speeders, duplicates) wait for a reviewer to accept or exclude them.</summary>
public enum ResponseReview { Accepted, Flagged, Excluded }

/// <summary>A one-time token for a closed group, kept as its keyed marker (<see cref="SurveyMarkers"/>) and marked used
/// without saying by which answer or when. No id and no time: the table is keyed by the marker, so neither its keys nor
/// (on SQLite, a WITHOUT ROWID table) its storage order follow the order tokens were issued or used in.</summary>
public sealed class SurveyToken
{
    public required string Hash { get; set; }
    public int RoundId { get; set; }
    public int UnitId { get; set; }
    public required string Group { get; set; }
    public bool Used { get; set; }
    /// <summary>Issued before decision 0014: <see cref="Hash"/> is the plain SHA-256 of the token, still accepted while unused.</summary>
    public bool Legacy { get; set; }
}

/// <summary>A dossier (hồ sơ) that has answered a round's open SIPAS link: one answer per dossier. Keyed by (round, marker),
/// with no id or time, so the rows cannot be put in the order of the answers they let in.</summary>
public sealed class UsedDossier
{
    public int RoundId { get; set; }
    public required string Hash { get; set; }
    /// <summary>Written before decision 0014 (plain SHA-256): kept only while the round takes answers, dropped when it closes.</summary>
    public bool Legacy { get; set; }
}

/// <summary>A batch of paper forms imported from a file; with double entry, two batches of the same forms.</summary>
public sealed class PaperBatch
{
    public int Id { get; set; }
    public int RoundId { get; set; }
    public required string FileName { get; set; }
    public DateTime ImportedAt { get; set; }
    public required string ImportedBy { get; set; }
    public int Rows { get; set; }
}
