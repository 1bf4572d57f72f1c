using ChiSo.Features.Audit;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;

namespace ChiSo.Features.Assessments;

/// <summary>One year's assessment of the city's departments and districts or communes (seed 002): the standing
/// agency opens it, units score themselves with evidence, appraisers accept or adjust, units explain, the
/// council finalises, survey points are added, and the ranking is published.</summary>
public sealed class AssessmentCycle
{
    public int Id { get; set; }
    public int Year { get; set; }
    public required string Name { get; set; }
    public CycleStatus Status { get; set; }
    /// <summary>Self-assessments must be submitted before this moment (seed 002: 22/12).</summary>
    public DateTime SelfAssessmentDue { get; set; }
    public DateOnly AppraisalFrom { get; set; }
    public DateOnly AppraisalTo { get; set; }
    /// <summary>Days a unit has to explain (giải trình) after its appraisal is sent back.</summary>
    public int ExplanationDays { get; set; } = 7;
    public DateOnly? SurveyFrom { get; set; }
    public DateOnly? SurveyTo { get; set; }
    public DateOnly? AggregationBy { get; set; }
    public DateOnly? CouncilBy { get; set; }

    // The council's decision that finalises the appraisal.
    public DateOnly? CouncilDate { get; set; }
    public string? CouncilReference { get; set; }
    public int? CouncilMembers { get; set; }
    public int? CouncilPresent { get; set; }
    public string? CouncilNote { get; set; }
    public DateTime? FinalisedAt { get; set; }

    public DateTime? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
    // The audit chain's head at publication (the publication's own audit row), printed on the ranking so a later change
    // of the log shows against the paper copy; `audit verify` checks that row still has this hash.
    public long? PublishedHeadSeq { get; set; }
    public string? PublishedHeadHash { get; set; }
    public DateTime? PublishedHeadAt { get; set; }
    public AuditHead? PublishedHead => PublishedHeadSeq is { } seq && PublishedHeadHash is { } hash && PublishedHeadAt is { } at
        ? new(seq, hash, at) : null;
    public Guid Concurrency { get; set; } = Guid.NewGuid();

    public List<CycleGroup> Groups { get; set; } = [];
    public List<CycleUnit> Units { get; set; } = [];
    public List<AppraiserAssignment> Appraisers { get; set; } = [];
}

/// <summary>Draft while being set up; Open from self-assessment to council; Finalised after the council's decision;
/// Published freezes everything and opens the public ranking.</summary>
public enum CycleStatus { Draft, Open, Finalised, Published }

/// <summary>A ranking group: units scored with one framework version and ranked against each other.</summary>
public sealed class CycleGroup
{
    public int Id { get; set; }
    public int CycleId { get; set; }
    public required string Name { get; set; }
    public int FrameworkVersionId { get; set; }
    public FrameworkVersion? FrameworkVersion { get; set; }
    public int Order { get; set; }
    /// <summary>Bands by percent, highest first: "Tốt" from 90 %, "Khá" from 80 % ...</summary>
    public List<Band> Bands { get; set; } = [];
}

public sealed record Band(string Name, decimal MinPercent)
{
    /// <summary>What is wrong with a group's bands, in the order given (the editor shows them per row, the service refuses
    /// with them): each named, lower bounds within 0–100 and strictly descending, names unique. Empty when they are right.</summary>
    public static List<string> Problems(IReadOnlyList<Band> bands)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < bands.Count; i++)
        {
            var b = bands[i];
            var name = b.Name?.Trim() ?? "";
            if (name.Length == 0) problems.Add($"Mức thứ {i + 1} chưa có tên.");
            else if (!seen.Add(name)) problems.Add($"Tên mức '{name}' bị trùng.");
            if (b.MinPercent is < 0 or > 100) problems.Add($"Cận dưới của mức '{name}' phải từ 0 đến 100.");
            if (i > 0 && b.MinPercent >= bands[i - 1].MinPercent)
                problems.Add($"Cận dưới của mức '{name}' ({ViText.Num(b.MinPercent)}) phải nhỏ hơn mức trên ({ViText.Num(bands[i - 1].MinPercent)}).");
        }
        return problems;
    }
}

/// <summary>A unit in scope of a cycle, with where its assessment stands.</summary>
public sealed class CycleUnit
{
    public int Id { get; set; }
    public int CycleId { get; set; }
    public AssessmentCycle? Cycle { get; set; }
    public int GroupId { get; set; }
    public CycleGroup? Group { get; set; }
    public int UnitId { get; set; }
    public Unit? Unit { get; set; }
    public UnitStage Stage { get; set; }
    public DateTime? SubmittedAt { get; set; }
    public string? SubmittedBy { get; set; }
    public DateTime? AppraisalSentAt { get; set; }
    public DateTime? ExplanationDue { get; set; }
    public DateTime? ExplainedAt { get; set; }
    public Guid Concurrency { get; set; } = Guid.NewGuid();
    public List<AssessmentItem> Items { get; set; } = [];
    public List<Evidence> Evidence { get; set; } = [];
}

/// <summary>Draft → Submitted (locked) → Appraised (sent back) → Explained (or the window closed) → Finalised.
/// Only the standing agency moves a unit back to Draft (reopen).</summary>
public enum UnitStage { Draft, Submitted, Appraised, Explained, Finalised }

/// <summary>An appraiser's assignment: a unit, a field (criterion code prefix), or both; both null means every unit.</summary>
public sealed class AppraiserAssignment
{
    public int Id { get; set; }
    public int CycleId { get; set; }
    public required string UserId { get; set; }
    public int? UnitId { get; set; }
    public Unit? Unit { get; set; }
    /// <summary>A field's code ("2"): the appraiser sees criteria 2, 2.1, 2.1.3 ...</summary>
    public string? CriterionCode { get; set; }
}

/// <summary>One criterion of one unit's assessment: the self-score with its basis, the appraisal, the explanation,
/// the survey points and the final points.</summary>
public sealed class AssessmentItem
{
    public int Id { get; set; }
    public int CycleUnitId { get; set; }
    public int CriterionId { get; set; }
    public Criterion? Criterion { get; set; }

    /// <summary>The answer as given: points ("1,5" stored as 1.5), "yes", "no", "na", a level label, a percent.</summary>
    public string? Answer { get; set; }
    public decimal? SelfPoints { get; set; }
    public string? Basis { get; set; }
    /// <summary>Why there is no file of evidence, when the criterion requires one.</summary>
    public string? NoEvidenceReason { get; set; }

    public decimal? AppraisedPoints { get; set; }
    public AppraisalVerdict? Verdict { get; set; }
    public string? AppraisalReason { get; set; }
    public string? AppraisedBy { get; set; }
    public DateTime? AppraisedAt { get; set; }

    public string? Explanation { get; set; }
    public DateTime? ExplainedAt { get; set; }

    /// <summary>Points from the sociological survey, for survey-scored criteria.</summary>
    public decimal? SurveyPoints { get; set; }
    public string? SurveySource { get; set; }

    /// <summary>Set by the council's finalisation (the appraised points unless the council changes them).</summary>
    public decimal? FinalPoints { get; set; }
    public string? FinalReason { get; set; }

    public Guid Concurrency { get; set; } = Guid.NewGuid();
    public List<ItemEvidence> Evidence { get; set; } = [];
    public List<AssessmentMessage> Messages { get; set; } = [];
}

public enum AppraisalVerdict { Accepted, Adjusted }

/// <summary>A document a unit offers as evidence, reusable across its criteria. A new version keeps the old one.</summary>
public sealed class Evidence
{
    public int Id { get; set; }
    public int CycleUnitId { get; set; }
    public int FileId { get; set; }
    public StoredFile? File { get; set; }
    /// <summary>The name the file was uploaded under: the stored file keeps the first upload's name for its content.</summary>
    public string? FileName { get; set; }
    public required string Title { get; set; }
    /// <summary>The document's number as issued: "123/QĐ-UBND".</summary>
    public string? DocNumber { get; set; }
    public DateOnly? DocDate { get; set; }
    public string? Issuer { get; set; }
    public int Version { get; set; } = 1;
    /// <summary>The evidence this version replaces.</summary>
    public int? PreviousId { get; set; }
    public bool Superseded { get; set; }
    public DateTime UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}

public sealed class ItemEvidence
{
    public int ItemId { get; set; }
    public int EvidenceId { get; set; }
    public Evidence? Evidence { get; set; }
}

/// <summary>One turn of the dialogue on a criterion: the unit's score and basis, the appraiser's verdict, the unit's
/// explanation, the council's decision, a reopening.</summary>
public sealed class AssessmentMessage
{
    public long Id { get; set; }
    public int ItemId { get; set; }
    public DateTime At { get; set; }
    public required string User { get; set; }
    public DialogueStep Step { get; set; }
    public decimal? Points { get; set; }
    public string? Text { get; set; }
}

public enum DialogueStep { SelfAssessment, Appraisal, Explanation, Review, Council, Survey, Reopen }
