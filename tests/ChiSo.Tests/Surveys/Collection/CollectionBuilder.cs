using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Surveys;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Surveys.Collection;

/// <summary>An open round of a built-in questionnaire, with quotas for two units × the given groups.</summary>
public sealed record OpenRound(int Id, string Unit, string OtherUnit, CollectionForm Form);

public static partial class CollectionBuilder
{
    public static async Task<OpenRound> OpenRoundAsync(ChiSoDb db, string questionnaireKey, string[] groups, int target = 10,
        RoundStatus status = RoundStatus.Open)
    {
        var q = await db.Questionnaires.Where(x => x.Key == questionnaireKey).OrderByDescending(x => x.Id).FirstAsync();
        var units = await db.Units.Where(u => u.Code != "HN").OrderBy(u => u.Id).Take(2).ToListAsync();
        var today = Rounds.Today(TimeProvider.System);
        var round = new SurveyRound
        {
            Year = today.Year, Name = $"Khảo sát {questionnaireKey} thử", QuestionnaireId = q.Id, OpensOn = today.AddDays(-1), ClosesOn = today.AddDays(30),
            Status = status,
            Quotas = units.SelectMany(u => groups.Select(g => new RoundQuota { UnitId = u.Id, Group = g, Target = target })).ToList(),
        };
        db.SurveyRounds.Add(round);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return new OpenRound(round.Id, units[0].Code, units[1].Code, (await CollectionForms.LoadAsync(db, round.Id))!);
    }

    /// <summary>A complete, valid answer for a group: scale answers vary (no straight-lining), yes/no "Có" (nothing
    /// skipped), required text filled, optional questions left empty.</summary>
    public static Dictionary<string, string?> ValidAnswers(CollectionForm form, string group, int seed = 0)
    {
        var answers = new Dictionary<string, string?>();
        var i = seed;
        foreach (var q in form.Questions.Where(q => q.For(group)))
        {
            i++;
            answers[q.Code] = q.Type switch
            {
                QuestionType.Scale5 or QuestionType.Likert5 => (i % 5 + 1).ToString(CultureInfo.InvariantCulture),
                QuestionType.YesNo => "Có",
                QuestionType.Single or QuestionType.Multiple when q.Required => q.Options[0],
                QuestionType.Text when q.Required => "Bộ phận một cửa",
                QuestionType.Number when q.Required => "3",
                _ => null,
            };
        }
        return answers.Where(a => a.Value is not null).ToDictionary();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("type=\"hidden\" value=\"([^\"]+)\" name=\"__RequestVerificationToken\"|name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInputOther();

    /// <summary>The hidden antiforgery field of a rendered form (its cookie stays in the client's cookie container).</summary>
    public static string AntiforgeryToken(string html)
    {
        var m = AntiforgeryInput().Match(html);
        if (m.Success) return WebUtility.HtmlDecode(m.Groups[1].Value);
        m = AntiforgeryInputOther().Match(html);
        Assert.True(m.Success, "no antiforgery field in the form: " + html[..Math.Min(html.Length, 500)]);
        return WebUtility.HtmlDecode(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
    }

    /// <summary>The form fields a browser would post for these answers.</summary>
    public static List<KeyValuePair<string, string>> FormFields(string antiforgery, string group, IReadOnlyDictionary<string, string?> answers,
        string? token = null, string? dossier = null, long? started = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", antiforgery), new("g", group) };
        if (token is not null) fields.Add(new("t", token));
        if (dossier is not null) fields.Add(new("d", dossier));
        if (started is not null) fields.Add(new("s", started.Value.ToString(CultureInfo.InvariantCulture)));
        foreach (var (code, value) in answers)
            foreach (var v in (value ?? "").Split(';'))
                fields.Add(new("a:" + code, v));
        return fields;
    }
}
