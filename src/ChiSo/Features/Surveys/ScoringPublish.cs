using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

/// <summary>Publishes a round's scores into the index workspace as <c>IndexResult</c> scores, through
/// <see cref="FrameworkImporter"/> (the one audited path that writes results): one result per unit for the round's year,
/// in the framework version valid that year.
/// <para>SIPAS: components and areas as criterion scores, the overall percent as the total. Sociological survey: the
/// scored criteria only and no total, since the survey scores only part of a unit's index; it happens only when the
/// caller names the target framework. The usual path for sociological points is the unit assessment:
/// <c>AssessmentService.SurveyPointsFromRoundAsync</c> puts them into a cycle, where they join the appraisal points.</para></summary>
public static class ScoringPublish
{
    public static async Task<ImportReport?> PublishAsync(ChiSoDb db, FrameworkImporter importer, int roundId, string? frameworkKey,
        Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Questionnaire).FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return null;
        var kind = round.Questionnaire!.Kind;
        if (string.IsNullOrWhiteSpace(frameworkKey))
        {
            if (kind == SurveyKind.Sociological)
                return ImportReport.Refused([new ImportProblem(
                    "Cần ghi rõ bộ chỉ số nhận kết quả (framework). Bộ chỉ số CCHC của sở, ngành, quận, huyện chưa có trong hệ thống; " +
                    "ghi vào 'par-province' chỉ là tạm thời và phải được chọn rõ.") { Where = "framework" }]);
            frameworkKey = round.Questionnaire.Framework;
        }
        var framework = await db.Frameworks.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Key == frameworkKey, ct);
        if (framework is null)
            return ImportReport.Refused([new ImportProblem($"Không có bộ chỉ số '{frameworkKey}'.") { Where = "framework" }]);
        var version = framework.VersionFor(round.Year);
        if (version is null)
            return ImportReport.Refused([new ImportProblem($"Bộ chỉ số '{frameworkKey}' không có phiên bản áp dụng cho năm {round.Year}.") { Where = "framework" }]);

        var scores = (await RoundScoring.ScoreAsync(db, roundId, actor, ct))!;
        var existing = await db.Results.AsNoTracking().Where(r => r.VersionId == version.Id && r.Year == round.Year)
            .ToDictionaryAsync(r => r.UnitId, ct);
        var results = new List<ResultDocument>();
        foreach (var u in scores.Units.Where(u => u.Responses > 0))
        {
            var values = new Dictionary<string, decimal>();
            decimal? total = null;
            if (kind == SurveyKind.Sipas && u.Sipas is { } s)
            {
                foreach (var line in s.Components.Concat(s.Areas).Where(l => l.Percent.Value is not null))
                    values[line.Code] = Percent(line.Percent.Value!.Value);
                total = s.Overall.Value is { } o ? Percent(o) : null;
            }
            else
                foreach (var c in u.Criteria.Where(c => c.Points is not null))
                    values[c.Code] = c.Points!.Value;
            if (values.Count == 0) continue;
            var old = existing.GetValueOrDefault(u.UnitId);
            // The importer overwrites the headline fields of a result; keep what is already published there.
            results.Add(new ResultDocument
            {
                Unit = u.Code, Year = round.Year, Version = version.Label,
                Total = kind == SurveyKind.Sipas ? total : old?.Total,
                Rank = old?.Rank, RankOf = old?.RankOf, Band = old?.Band, PublishedOn = old?.PublishedOn, Notes = old?.Notes,
                Source = old?.Source ?? $"Khảo sát {round.Name}",
                Scores = values,
            });
        }
        if (results.Count == 0)
            return ImportReport.Refused([new ImportProblem("Đợt khảo sát chưa có kết quả nào để công bố.")]);
        var doc = new FrameworkDocument
        {
            Key = framework.Key, Name = framework.Name, NameEn = framework.NameEn, Publisher = framework.Publisher,
            Scale = framework.Scale == FrameworkScale.Percent ? "percent" : "points",
            RollUp = framework.RollUp == RollUp.None ? "none" : "sum",
            Results = results,
        };
        return await importer.WriteAsync(doc, actor, $"Kết quả khảo sát {round.Name}", ct);
    }

    static decimal Percent(double value) => Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);
}
