using System.Collections.Concurrent;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

/// <summary>The scores page and API while a round collects (a singleton): a new answer shows at the next read, without
/// reading the whole round again. Each app instance keeps a running tally per round and, on every read, adds only the
/// responses stored since (Id above the last one counted: one range read on the key), then scores the tally (quotas,
/// units and criteria are re-read, a few small queries).
/// <para>What lives in the database decides when the tally starts again, so every instance stays right: the round's
/// <see cref="SurveyRound.ReviewVersion"/> (an accepted or excluded answer changes an already counted row) and its
/// questionnaire. On SQLite an Id is handed out inside the write transaction, which the database runs one at a time, so Ids
/// become visible in order. On PostgreSQL, with several instances (or a paper import racing the intake), a lower Id can
/// commit after a higher one has been read, so there the tally is also started again every <see cref="Restart"/>, which
/// bounds how long such an answer can be missing. A restart (or a review decision) costs one read of the whole round
/// (seconds at 10^6 responses, bench/README.md). Publishing and the Excel download always score from scratch
/// (<see cref="RoundScoring.ScoreAsync(ChiSoDb, int, CancellationToken)"/>).</para></summary>
public sealed class LiveScores(TimeProvider clock)
{
    public static readonly TimeSpan Restart = TimeSpan.FromMinutes(5);

    sealed class Running
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public ScoringTally? Tally;
        public int QuestionnaireId;
        public int ReviewVersion;
        public long LastId;
        public DateTimeOffset Started;
    }

    readonly ConcurrentDictionary<int, Running> rounds = new();

    public async Task<RoundScores?> ScoreAsync(ChiSoDb db, int roundId, Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireRead(actor);
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Quotas).Include(r => r.Questionnaire)
            .FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null)
        {
            rounds.TryRemove(roundId, out _);
            return null;
        }
        var running = rounds.GetOrAdd(roundId, _ => new Running());
        await running.Gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            // The last Id first, then the rows up to it: an answer committed meanwhile is read next time, never twice.
            var lastId = await db.SurveyResponses.MaxAsync(r => (long?)r.Id, ct) ?? 0;
            if (running.Tally is null || running.QuestionnaireId != round.QuestionnaireId || running.ReviewVersion != round.ReviewVersion
                || (now - running.Started >= Restart && !db.Database.IsSqlite()))
            {
                var tally = new ScoringTally(new ScoringLayout(await RoundScoring.LoadQuestionnaireAsync(db, round.QuestionnaireId, ct)));
                await RoundScoring.AddResponsesAsync(db, roundId, tally, long.MinValue, lastId, ct);
                (running.Tally, running.QuestionnaireId, running.ReviewVersion, running.Started) = (tally, round.QuestionnaireId, round.ReviewVersion, now);
            }
            else if (lastId > running.LastId)
                await RoundScoring.AddResponsesAsync(db, roundId, running.Tally, running.LastId + 1, lastId, ct);
            running.LastId = lastId;
            return await RoundScoring.ScoreAsync(db, round, running.Tally, ct);
        }
        catch
        {
            // A read that failed half-way may have added part of a range: start again next time.
            running.Tally = null;
            throw;
        }
        finally
        {
            running.Gate.Release();
        }
    }
}
