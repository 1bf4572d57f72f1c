using ChiSo.Features.Audit;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

/// <summary>Answers of one unit × group against its quota. Excluded answers do not count towards the quota;
/// flagged ones do until a reviewer excludes them. For closed groups the response rate is tokens used ÷ issued.</summary>
public sealed record QuotaProgress(string UnitCode, string UnitName, string Group, string GroupName, int Target, int Answers,
    int Flagged, int Excluded, int TokensIssued, int TokensUsed)
{
    /// <summary>Share of the quota filled (0–1+), null without a target.</summary>
    public double? Filled => Target > 0 ? (double)Answers / Target : null;
    public double? ResponseRate => TokensIssued > 0 ? (double)TokensUsed / TokensIssued : null;
}

public sealed record RoundProgress(int RoundId, string Name, int Year, RoundStatus Status, DateOnly OpensOn, DateOnly ClosesOn,
    int Target, int Answers, int Flagged, int Excluded, List<QuotaProgress> Quotas)
{
    public double? Filled => Target > 0 ? (double)Answers / Target : null;
}

/// <summary>A flagged (or already reviewed) answer as the reviewer sees it: no token, dossier or time of day exists to show.</summary>
public sealed record FlaggedResponse(long Id, string UnitCode, string Group, ResponseChannel Channel, DateOnly SubmittedOn, int? Seconds,
    ResponseReview Review, IReadOnlyList<string> Flags, string Answers);

public static class CollectionProgress
{
    public static async Task<RoundProgress?> LoadAsync(ChiSoDb db, int roundId, Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireRead(actor);
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Questionnaire!).ThenInclude(q => q.Groups)
            .FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return null;
        // One GROUP BY over the (round, unit, group) index; the quota and token tables are small.
        var counts = await db.SurveyResponses.Where(r => r.RoundId == roundId)
            .GroupBy(r => new { r.UnitId, r.Group, r.Review }).Select(g => new { g.Key.UnitId, g.Key.Group, g.Key.Review, N = g.Count() })
            .ToListAsync(ct);
        var tokens = await db.SurveyTokens.Where(t => t.RoundId == roundId)
            .GroupBy(t => new { t.UnitId, t.Group }).Select(g => new { g.Key.UnitId, g.Key.Group, Issued = g.Count(), Used = g.Count(t => t.Used) })
            .ToListAsync(ct);
        var quotas = await db.Set<RoundQuota>().Where(q => q.RoundId == roundId).Select(q => new { q.UnitId, q.Group, q.Target }).ToListAsync(ct);
        var keys = quotas.Select(q => (q.UnitId, q.Group)).Union(counts.Select(c => (c.UnitId, c.Group))).Distinct().ToList();
        var unitIds = keys.Select(k => k.UnitId).Distinct().ToList();
        var units = await db.Units.Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => new { u.Code, u.Name }, ct);
        var groups = round.Questionnaire!.Groups.ToDictionary(g => g.Code, g => g.Name);
        var rows = keys.Select(k =>
        {
            int Count(ResponseReview r) => counts.Where(c => c.UnitId == k.UnitId && c.Group == k.Group && c.Review == r).Sum(c => c.N);
            var t = tokens.FirstOrDefault(x => x.UnitId == k.UnitId && x.Group == k.Group);
            var excluded = Count(ResponseReview.Excluded);
            var flagged = Count(ResponseReview.Flagged);
            return new QuotaProgress(units[k.UnitId].Code, units[k.UnitId].Name, k.Group, groups.GetValueOrDefault(k.Group, k.Group),
                quotas.FirstOrDefault(q => q.UnitId == k.UnitId && q.Group == k.Group)?.Target ?? 0,
                Count(ResponseReview.Accepted) + flagged, flagged, excluded, t?.Issued ?? 0, t?.Used ?? 0);
        }).OrderBy(r => r.UnitCode, StringComparer.Ordinal).ThenBy(r => r.Group, StringComparer.Ordinal).ToList();
        return new RoundProgress(round.Id, round.Name, round.Year, round.Status, round.OpensOn, round.ClosesOn,
            rows.Sum(r => r.Target), rows.Sum(r => r.Answers), rows.Sum(r => r.Flagged), rows.Sum(r => r.Excluded), rows);
    }

    /// <summary>Answers that carry flags, flagged ones first, newest first; at most <paramref name="take"/>.</summary>
    public static async Task<List<FlaggedResponse>> FlaggedAsync(ChiSoDb db, int roundId, bool pendingOnly, Actor actor, int take = 200,
        CancellationToken ct = default)
    {
        Rounds.RequireRead(actor);
        var q = db.SurveyResponses.AsNoTracking().Where(r => r.RoundId == roundId && r.Flags != null);
        if (pendingOnly) q = q.Where(r => r.Review == ResponseReview.Flagged);
        var rows = await q.OrderByDescending(r => r.Id).Take(take)
            .Join(db.Units, r => r.UnitId, u => u.Id, (r, u) => new { r, u.Code }).ToListAsync(ct);
        return rows.Select(x => new FlaggedResponse(x.r.Id, x.Code, x.r.Group, x.r.Channel, x.r.SubmittedOn, x.r.Seconds, x.r.Review,
                x.r.Flags!.Split(',', StringSplitOptions.RemoveEmptyEntries), x.r.Answers))
            .OrderBy(x => x.Review == ResponseReview.Flagged ? 0 : 1).ToList();
    }

    /// <summary>A reviewer's decision on a flagged answer: accepted answers count, excluded ones are left out of quotas
    /// and scores. The flags stay, so the decision can be revisited. It changes the round's scores, so it is audited like
    /// any score change: who, when, the decision before and after, and the flags that called for it. False when the
    /// answer is not in the round or carries no flags.</summary>
    public static async Task<bool> ReviewAsync(ChiSoDb db, int roundId, long responseId, bool accept, Actor actor, TimeProvider clock,
        CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = await db.SurveyResponses.AsNoTracking().Where(r => r.Id == responseId && r.RoundId == roundId && r.Flags != null)
            .Select(r => new { r.Review, r.Flags }).FirstOrDefaultAsync(ct);
        if (before is null) return false;
        var after = accept ? ResponseReview.Accepted : ResponseReview.Excluded;
        await db.SurveyResponses.Where(r => r.Id == responseId).ExecuteUpdateAsync(u => u.SetProperty(r => r.Review, after), ct);
        await CountedAgainAsync(db, roundId, actor, clock, $"response:{responseId}", before.Review.ToString(), after.ToString(),
            "Xem xét phiếu bị gắn cờ: " + string.Join("; ", before.Flags!.Split(',').Select(CollectionRules.FlagLabel)), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>After a change to which answers count: the round's ReviewVersion moves, in the caller's transaction, so live
    /// scores (LiveScores) in every instance start their tally again instead of keeping rows counted under an old decision;
    /// and the audit log records it.</summary>
    internal static async Task CountedAgainAsync(ChiSoDb db, int roundId, Actor actor, TimeProvider clock, string field, string? oldValue,
        string? newValue, string reason, CancellationToken ct)
    {
        await db.SurveyRounds.Where(r => r.Id == roundId).ExecuteUpdateAsync(u => u.SetProperty(r => r.ReviewVersion, r => r.ReviewVersion + 1), ct);
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"survey-round:{roundId}", Field = field,
            OldValue = oldValue, NewValue = newValue, Reason = reason,
        });
        await db.SaveChangesAsync(ct);
    }
}
