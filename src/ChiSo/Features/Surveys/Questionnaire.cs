namespace ChiSo.Features.Surveys;

/// <summary>A questionnaire: sections of questions, each question optionally scoring one criterion of an index
/// (a SIPAS component, a survey-scored PAR criterion).</summary>
public sealed class Questionnaire
{
    public int Id { get; set; }
    /// <summary>Stable key with the version: "sipas", "par-sociological".</summary>
    public required string Key { get; set; }
    public required string Version { get; set; }
    public required string Name { get; set; }
    public SurveyKind Kind { get; set; }
    /// <summary>The framework whose criteria the questions score ("sipas", "par-province").</summary>
    public string? Framework { get; set; }
    public string? Intro { get; set; }
    public List<RespondentGroup> Groups { get; set; } = [];
    public List<QuestionSection> Sections { get; set; } = [];
    public List<Question> Questions { get; set; } = [];
    /// <summary>The questions' links to criteria are held as links: false only for a questionnaire stored before links
    /// existed, whose single "framework:code" criteria become links once (<see cref="QuestionLinks.BackfillAsync"/>).</summary>
    public bool Linked { get; set; }
}

public enum SurveyKind { Sipas, Sociological }

/// <summary>A group of respondents: "Người dân có giao dịch thủ tục hành chính", city council delegates, ...</summary>
public sealed class RespondentGroup
{
    public int Id { get; set; }
    public int QuestionnaireId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    /// <summary>Closed groups (delegates, civil servants) answer with one-time tokens; open ones by link.</summary>
    public bool Closed { get; set; }
}

public sealed class QuestionSection
{
    public int Id { get; set; }
    public int QuestionnaireId { get; set; }
    public required string Code { get; set; }
    public required string Title { get; set; }
    public int Order { get; set; }
}

public sealed class Question
{
    public int Id { get; set; }
    public int QuestionnaireId { get; set; }
    public int SectionId { get; set; }
    public required string Code { get; set; }
    public required string Text { get; set; }
    public QuestionType Type { get; set; }
    public List<string> Options { get; set; } = [];
    public bool Required { get; set; }
    /// <summary>"sipas:2.1" or "par-province:5.2.3": the criterion of the questionnaire's own framework this question
    /// scores in the round's own report (SIPAS components, the round's points page).</summary>
    public string? Criterion { get; set; }
    /// <summary>The criteria, of any framework version, whose survey points this question feeds in a cycle.</summary>
    public List<QuestionLink> Links { get; set; } = [];
    /// <summary>The groups that answer it; empty means every group of the questionnaire.</summary>
    public List<string> Groups { get; set; } = [];
    /// <summary>"A3 = Không": the question is skipped when that earlier answer is given.</summary>
    public string? SkipIf { get; set; }
    public int Order { get; set; }
}

public enum QuestionType { Scale5, Likert5, YesNo, Single, Multiple, Number, Text }

/// <summary>A question feeds one criterion of one framework version: held by the criterion's id, so a code that means
/// something else in another framework or version ("2.4.1") is never matched.</summary>
public sealed class QuestionLink
{
    public int Id { get; set; }
    public int QuestionId { get; set; }
    public int CriterionId { get; set; }
    public Frameworks.Criterion? Criterion { get; set; }
}
