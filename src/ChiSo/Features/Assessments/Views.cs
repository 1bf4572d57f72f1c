using ChiSo.Features.Frameworks;

namespace ChiSo.Features.Assessments;

public sealed record GroupLine(int Id, string Name, string Framework, string Version, string FrameworkName, List<Band> Bands);

public sealed record CycleUnitLine(int UnitId, string Code, string Name, string Group, UnitStage Stage, string StageLabel,
    int Criteria, int Answered, int Appraised, DateTime? SubmittedAt, string? SubmittedBy, bool Late, DateTime? ExplanationDue, DateTime? ExplainedAt);

/// <summary>The cycle dashboard: phases, groups, and who has submitted and who is late.</summary>
public sealed record CycleSummary(int Id, int Year, string Name, CycleStatus Status, string StatusLabel, DateTime SelfAssessmentDue,
    DateOnly AppraisalFrom, DateOnly AppraisalTo, int ExplanationDays, DateOnly? SurveyFrom, DateOnly? SurveyTo, DateOnly? AggregationBy,
    DateOnly? CouncilBy, List<GroupLine> Groups, List<CycleUnitLine> Units, int Submitted, int Late,
    DateOnly? CouncilDate, string? CouncilReference, int? CouncilMembers, int? CouncilPresent, DateTime? FinalisedAt, DateTime? PublishedAt, Guid Concurrency);

public sealed record AppraiserLine(int Id, string UserName, string DisplayName, string? Unit, string? Field);

public sealed record EvidenceView(int Id, string Title, string FileName, string ContentType, long Size, string Sha256, string? DocNumber,
    DateOnly? DocDate, string? Issuer, int Version, int? PreviousId, bool Superseded, DateTime UploadedAt, string UploadedBy, List<string> UsedBy);

/// <summary>One row of a unit's assessment: a criterion (leaf, with everything said about it) or a field or group
/// (with its children's sums).</summary>
public sealed record ItemView(string Code, string Name, int Depth, bool IsLeaf, decimal? Max, ScoringMethod Method, CriterionKind Kind,
    AnswerType AnswerType, decimal? Step, List<ScoreLevel> Levels, bool AllowNotApplicable, string? Rule, bool EvidenceRequired,
    string? Answer, decimal? SelfPoints, string? Basis, string? NoEvidenceReason, List<int> EvidenceIds, bool MissingEvidence,
    AppraisalVerdict? Verdict, decimal? AppraisedPoints, string? AppraisalReason, string? AppraisedBy, DateTime? AppraisedAt,
    string? Explanation, DateTime? ExplainedAt, decimal? SurveyPoints, decimal? FinalPoints, string? FinalReason, decimal? Points,
    bool NotApplicable, Guid? Concurrency, bool CanAppraise);

public sealed record AssessmentProgress(int Criteria, int Answered, int MissingEvidence, int Appraised, int Adjusted, int Explained);

public sealed record UnitAssessment(int CycleId, int Year, string CycleName, CycleStatus CycleStatus, string UnitCode, string UnitName,
    string Group, UnitStage Stage, string StageLabel, DateTime SelfAssessmentDue, DateTime? SubmittedAt, string? SubmittedBy,
    DateTime? ExplanationDue, Guid Concurrency, List<ItemView> Items, AssessmentProgress Progress, List<EvidenceView> Evidence,
    UnitTotals Totals, bool CanEdit, bool CanSubmit, bool CanExplain, bool CanAppraise);

/// <summary>A unit's index: standard points (appraisal + survey) + bonus − penalty, each capped, as points and percent
/// of the max of the criteria that apply.</summary>
public sealed record UnitTotals(decimal Appraisal, decimal Survey, decimal Bonus, decimal Penalty, decimal Total, decimal Max, decimal Percent);

public sealed record DialogueLine(DateTime At, string User, DialogueStep Step, decimal? Points, string? Text);

// Inputs.
public sealed record SelfScoreInput(string? Answer, string? Basis, string? NoEvidenceReason, List<int>? EvidenceIds, Guid Concurrency);
public sealed record EvidenceInput(string Title, string? DocNumber, DateOnly? DocDate, string? Issuer, int? Replaces);
public sealed record AppraisalInput(AppraisalVerdict Verdict, decimal? Points, string? Reason, Guid Concurrency);
public sealed record ExplanationInput(string Text, List<int>? EvidenceIds, Guid Concurrency);
public sealed record ReasonInput(string Reason);
public sealed record CouncilOverride(string Unit, string Code, decimal Points, string Reason);
public sealed record CouncilInput(DateOnly Date, string Reference, int Members, int Present, string? Note, List<CouncilOverride>? Overrides);
public sealed record SurveyPointRow(string Unit, string Code, decimal? Points)
{
    /// <summary>The sheet row it was read from, for the report; empty rows of a sheet are skipped, so it is not always the index.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public int? Row { get; init; }
}
/// <summary>Survey points to enter; <paramref name="FirstRow"/> numbers the rows in the report (2 for a workbook whose
/// row 1 is the header, so the report names the rows the user sees).</summary>
public sealed record SurveyPointsInput(string Source, List<SurveyPointRow> Rows, int FirstRow = 1);
/// <summary>The problems of the first 1,000 rows that have any; <see cref="MoreRows"/> counts the other rows that have some.</summary>
public sealed record SurveyPointsReport(int Rows, List<RowProblem> Problems)
{
    public int MoreRows { get; init; }
    public string? More => MoreRows > 0 ? Files.ProblemRows.More(MoreRows) : null;
}
public sealed record RowProblem(int Row, string Message);
