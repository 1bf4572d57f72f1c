namespace ChiSo.Features.Surveys;

/// <summary>One figure as the scores page, the API and the export show it: n (the answers it is computed from), the value,
/// its 95 % interval and margin, the sample plan, and whether the respondents it rests on fall short of the plan.
/// Null values where there were no answers (JSON has no NaN).
/// <para>The sample plan counts respondents (phiếu), so <see cref="Warning"/> always compares <see cref="Respondents"/>
/// with <see cref="Planned"/>. For one question the two counts are the same (a respondent answers it once); a pooled figure
/// (a criterion, a SIPAS component) has several answers per respondent, and both are shown.</para></summary>
public sealed record Figure(int N, double? Value, double? Low, double? High, double? Margin, int? Planned, bool Warning)
{
    public static readonly Figure Empty = new(0, null, null, null, null, null, false);

    /// <summary>The respondents the figure rests on: those who answered the question, or the group's (unit's) respondents
    /// for a pooled figure.</summary>
    public int Respondents { get; init; }

    public static Figure From(Estimate e, int digits) => new(e.N, Round(e.Mean, digits), Round(e.Low, digits), Round(e.High, digits),
        Round(e.MarginOfError, digits), e.Planned, e.BelowPlan) { Respondents = e.N };

    /// <summary>A figure pooled from several answers per respondent: the plan is compared with the respondents.</summary>
    public static Figure Pooled(Estimate e, int digits, int respondents, int? planned) =>
        From(e, digits) with { Respondents = respondents, Planned = planned, Warning = planned is { } p && respondents < p };

    static double? Round(double v, int digits) => double.IsNaN(v) || double.IsInfinity(v) ? null : Math.Round(v, digits, MidpointRounding.AwayFromZero);
}

/// <summary>The scores of a round: per unit and respondent group, per question and criterion; SIPAS percentages.</summary>
public sealed record RoundScores(int RoundId, string Name, int Year, SurveyKind Kind, string? Framework, string? Version,
    long Responses, string Method, IReadOnlyList<UnitScores> Units, SipasScores? City);

public sealed record UnitScores(int UnitId, string Code, string Name, int Responses, int? Planned, bool Warning,
    IReadOnlyList<GroupScores> Groups, IReadOnlyList<CriterionPoints> Criteria, SipasScores? Sipas)
{
    /// <summary>Survey points of the unit: the sum over the scored criteria (informative; not published as a total).</summary>
    public decimal? Points => Criteria.Count == 0 ? null : Criteria.Sum(c => c.Points ?? 0);
}

public sealed record GroupScores(string Code, string Name, int Responses, int? Planned, bool Warning,
    IReadOnlyList<QuestionScore> Questions, IReadOnlyList<GroupCriterion> Criteria);

/// <summary>A question in one group: the mean answer (1–5) and the share satisfied (top two levels, in %).
/// <see cref="Criterion"/> is the key the questionnaire gives; <see cref="CriterionCode"/> and <see cref="CriterionName"/> the
/// criteria it scores in this round, named as the framework version of the round's year names them.</summary>
public sealed record QuestionScore(string Code, string? Criterion, Figure Mean, Figure Satisfied)
{
    public string? CriterionCode { get; init; }
    public string? CriterionName { get; init; }
}

/// <summary>A criterion in one group: the mean of all its questions' answers and the points it gives.</summary>
public sealed record GroupCriterion(string Code, string Name, decimal? Max, Figure Mean, decimal? Points, double? PointsMargin);

/// <summary>A criterion of a unit: the groups' points combined with weights (equal by default). <see cref="N"/> counts the
/// answers pooled, <see cref="Respondents"/> the respondents of the groups that answered; <see cref="Warning"/> is set when a
/// group's respondents fall short of its sample plan.</summary>
public sealed record CriterionPoints(string Code, string Name, decimal? Max, int N, int Groups, decimal? Points, double? Margin, bool Warning,
    int Respondents = 0);

/// <summary>SIPAS percent satisfied per question, component, area and overall; every figure's <see cref="Figure.Respondents"/>
/// is the unit's (or the city's) respondents.</summary>
public sealed record SipasScores(Figure Overall, IReadOnlyList<SipasLine> Areas, IReadOnlyList<SipasLine> Components, IReadOnlyList<SipasLine> Questions);

public sealed record SipasLine(string Code, string Name, Figure Percent);
