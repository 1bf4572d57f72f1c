using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Surveys;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

/// <summary>Brings a sociological survey round's points into a cycle through the questions' links (decision 0020): for
/// each ranking group's framework version, the questions linked to its criteria are scored with that version's max.
/// Never by code alone: a "2.4.1" of another framework or version is another criterion. A survey-scored criterion of a
/// version no question links to is refused with a row naming it, and nothing is written; otherwise the points are
/// entered like any survey points: all or nothing, audited.</summary>
public sealed partial class AssessmentService
{
    public async Task<Outcome<SurveyPointsReport>> SurveyPointsFromRoundAsync(int cycleId, int roundId, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin || actor.Is(Roles.SurveyInstitute), "Chỉ đơn vị điều tra xã hội học hoặc cơ quan thường trực được nhập điểm điều tra.");
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Questionnaire).Include(r => r.Quotas).FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return Failure.NotFound("đợt khảo sát");
        if (round.Questionnaire!.Kind != SurveyKind.Sociological) return Failure.Refused("Chỉ đợt điều tra xã hội học cho điểm các tiêu chí của Chỉ số CCHC.");
        var cycle = await db.Cycles.AsNoTracking().Include(c => c.Groups).FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null) return Failure.NotFound("kỳ đánh giá");
        var tally = (await RoundScoring.TallyAsync(db, roundId, ct))!;
        var versionIds = cycle.Groups.Select(g => g.FrameworkVersionId).Distinct().ToList();
        var versions = await db.FrameworkVersions.AsNoTracking().Include(v => v.Framework).Where(v => versionIds.Contains(v.Id)).ToListAsync(ct);
        var links = await (from l in db.QuestionLinks.AsNoTracking()
                           join q in db.Questions on l.QuestionId equals q.Id
                           join c in db.Criteria on l.CriterionId equals c.Id
                           where q.QuestionnaireId == round.QuestionnaireId && versionIds.Contains(c.VersionId)
                           select new { l.QuestionId, c.VersionId, c.Code }).ToListAsync(ct);
        var unitGroup = await db.CycleUnits.AsNoTracking().Where(u => u.CycleId == cycleId).ToDictionaryAsync(u => u.UnitId, u => u.GroupId, ct);

        // Every survey-scored leaf of the cycle's versions needs a question: one without is named, row by row.
        var unlinked = new List<RowProblem>();
        foreach (var v in versions.OrderBy(v => v.Framework!.Key, StringComparer.Ordinal))
        {
            var leaves = await db.Criteria.AsNoTracking().Where(c => c.VersionId == v.Id && c.Method == ScoringMethod.Survey && !db.Criteria.Any(x => x.ParentId == c.Id))
                .OrderBy(c => c.Order).Select(c => new { c.Code, c.Name }).ToListAsync(ct);
            foreach (var c in leaves.Where(c => !links.Any(l => l.VersionId == v.Id && l.Code == c.Code)))
                unlinked.Add(new RowProblem(unlinked.Count + 1,
                    $"Tiêu chí {c.Code} \"{c.Name}\" ({v.Framework!.Key}, phiên bản {v.Label}): không câu hỏi nào của phiếu '{round.Questionnaire.Name}' gắn với tiêu chí này."));
        }
        if (unlinked.Count > 0)
        {
            var rows = new ProblemRows<RowProblem>();
            foreach (var p in unlinked) rows.Add(p.Row, p);
            string[] lines = [.. rows.Problems.Select(p => $"Dòng {p.Row}: {p.Message}"), .. rows.MoreRows > 0 ? [ProblemRows.More(rows.MoreRows)] : Array.Empty<string>()];
            return Failure.Invalid(new Dictionary<string, string[]> { ["criteria"] = lines })
                with { Current = new SurveyPointsReport(unlinked.Count, rows.ToList()) { MoreRows = rows.MoreRows } };
        }

        var pointRows = new List<SurveyPointRow>();
        foreach (var v in versions)
        {
            var byQuestion = links.Where(l => l.VersionId == v.Id).GroupBy(l => l.QuestionId).ToDictionary(g => g.Key, g => g.Select(l => l.Code).ToList());
            var groups = cycle.Groups.Where(g => g.FrameworkVersionId == v.Id).Select(g => g.Id).ToHashSet();
            var scores = await RoundScoring.ScoreLinkedAsync(db, round, tally, v, byQuestion, ct);
            foreach (var u in scores.Units.Where(u => unitGroup.TryGetValue(u.UnitId, out var g) && groups.Contains(g)))
                // Entered like the points of a file: two decimals, as the council reads them.
                pointRows.AddRange(u.Criteria.Where(c => c.Points is not null)
                    .Select(c => new SurveyPointRow(u.Code, c.Code, Math.Round(c.Points!.Value, 2, MidpointRounding.AwayFromZero))));
        }
        // A unit the round heard but the cycle lacks stays in the rows, so the report names it and nothing is written.
        var heard = tally.Units.Keys.Where(id => !unitGroup.ContainsKey(id)).ToList();
        if (heard.Count > 0)
            pointRows.AddRange(await db.Units.AsNoTracking().Where(u => heard.Contains(u.Id)).OrderBy(u => u.Code).Select(u => new SurveyPointRow(u.Code, "", null)).ToListAsync(ct));
        if (pointRows.Count == 0) return Failure.Refused("Đợt khảo sát chưa có điểm tiêu chí nào.");
        return await SetSurveyPointsAsync(cycleId, new SurveyPointsInput($"Khảo sát {round.Name} (đợt {round.Id})", pointRows), actor, ct);
    }
}
