using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Surveys;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

/// <summary>Brings a sociological survey round's points into a cycle: each unit's criterion points, matched by
/// criterion code, rescaled from the round framework's max to the cycle framework's max (the share of the max a
/// unit earned is what the survey measures), then entered like any survey points: all or nothing, audited.</summary>
public sealed partial class AssessmentService
{
    public async Task<Outcome<SurveyPointsReport>> SurveyPointsFromRoundAsync(int cycleId, int roundId, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin || actor.Is(Roles.SurveyInstitute), "Chỉ đơn vị điều tra xã hội học hoặc cơ quan thường trực được nhập điểm điều tra.");
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Questionnaire).FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return Failure.NotFound("đợt khảo sát");
        if (round.Questionnaire!.Kind != SurveyKind.Sociological) return Failure.Refused("Chỉ đợt điều tra xã hội học cho điểm các tiêu chí của Chỉ số CCHC.");
        var cycle = await db.Cycles.AsNoTracking().Include(c => c.Groups).FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null) return Failure.NotFound("kỳ đánh giá");
        var scores = (await RoundScoring.ScoreAsync(db, roundId, actor, ct))!;
        var versions = cycle.Groups.Select(g => g.FrameworkVersionId).ToList();
        var units = await db.CycleUnits.AsNoTracking().Where(u => u.CycleId == cycleId).ToDictionaryAsync(u => u.UnitId, u => u.GroupId, ct);
        var maxes = await db.Criteria.AsNoTracking().Where(c => versions.Contains(c.VersionId))
            .Select(c => new { c.VersionId, c.Code, c.Max }).ToListAsync(ct);
        var rows = new List<SurveyPointRow>();
        foreach (var u in scores.Units)
            foreach (var c in u.Criteria.Where(c => c.Points is not null))
            {
                var versionId = units.TryGetValue(u.UnitId, out var groupId) ? cycle.Groups.First(g => g.Id == groupId).FrameworkVersionId : (int?)null;
                var target = maxes.FirstOrDefault(m => m.VersionId == versionId && m.Code == c.Code)?.Max;
                var points = target is { } tm && c.Max is > 0 ? Math.Round(c.Points!.Value / c.Max.Value * tm, 2, MidpointRounding.AwayFromZero) : c.Points;
                // A unit or criterion the cycle lacks stays in the rows, so the report names it and nothing is written.
                rows.Add(new SurveyPointRow(u.Code, c.Code, points));
            }
        if (rows.Count == 0) return Failure.Refused("Đợt khảo sát chưa có điểm tiêu chí nào.");
        return await SetSurveyPointsAsync(cycleId, new SurveyPointsInput($"Khảo sát {round.Name} (đợt {round.Id})", rows), actor, ct);
    }
}
