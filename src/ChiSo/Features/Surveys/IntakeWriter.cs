using System.Threading.Channels;
using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChiSo.Features.Surveys;

/// <summary>A validated response waiting to be written. <see cref="Token"/> (closed groups) is spent and
/// <see cref="DossierHash"/> (open SIPAS links) recorded as used, but neither is stored with the response.</summary>
public sealed record PendingResponse(SurveyResponse Response, string? Token, string? DossierHash)
{
    internal TaskCompletionSource<IntakeOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Group commit for the intake (a singleton and hosted service). Each response in a transaction of its own
/// costs one fsync, which capped the intake at ~80–170 answers a second on SQLite; here one loop takes whatever has
/// queued up (up to <see cref="MaxBatch"/>) and writes it in ONE transaction: one fsync for many answers. Each caller
/// still gets the outcome of its own response (stored, token refused, dossier already used).</summary>
public sealed class IntakeWriter(IServiceScopeFactory scopes) : BackgroundService
{
    public const int MaxBatch = 256;

    readonly Channel<PendingResponse> queue = Channel.CreateUnbounded<PendingResponse>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a response and waits until its batch is committed (or refused for this response alone).</summary>
    public async Task<IntakeOutcome> WriteAsync(PendingResponse item, CancellationToken ct = default)
    {
        if (!queue.Writer.TryWrite(item)) throw new InvalidOperationException("Máy chủ đang dừng; phiếu chưa được lưu, xin gửi lại sau.");
        return await item.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Wait only for the first item; the rest of the batch is whatever queued while the previous one was written.
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
                await WriteBatchAsync(Take());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        // Shutting down: take no new answers, but store those already waiting, since their senders expect an outcome.
        queue.Writer.TryComplete();
        while (Take() is { Count: > 0 } rest) await WriteBatchAsync(rest);
    }

    List<PendingResponse> Take()
    {
        var batch = new List<PendingResponse>();
        while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item)) batch.Add(item);
        return batch;
    }

    async Task WriteBatchAsync(List<PendingResponse> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            try
            {
                Complete(batch, await StoreAsync(db, batch));
                return;
            }
            catch (DbUpdateException)
            {
                // A unique index refused one item (a dossier stored meanwhile by another app instance): the transaction
                // is rolled back, so write the items one by one, each in its own; the dossier pre-check, now seeing
                // the other instance's row, refuses only that one.
            }
            foreach (var item in batch)
            {
                try { Complete([item], await StoreAsync(db, [item])); }
                catch (Exception e) { item.Done.TrySetException(e); }
            }
        }
        catch (Exception e)
        {
            // The loop must survive a failed batch (database down, …): every waiting sender gets the error.
            foreach (var item in batch) item.Done.TrySetException(e);
        }
    }

    static void Complete(List<PendingResponse> items, IntakeOutcome[] outcomes)
    {
        for (var i = 0; i < items.Count; i++) items[i].Done.TrySetResult(outcomes[i]);
    }

    /// <summary>Spends tokens, records dossiers and inserts the responses of <paramref name="items"/> in one transaction.</summary>
    static async Task<IntakeOutcome[]> StoreAsync(ChiSoDb db, List<PendingResponse> items)
    {
        db.ChangeTracker.Clear();
        var outcomes = new IntakeOutcome[items.Count];
        await using var tx = await db.Database.BeginTransactionAsync();

        // Dossiers already used, in one query for the batch; within the batch the first of two wins.
        var hashes = items.Where(i => i.DossierHash is not null).Select(i => i.DossierHash!).Distinct().ToList();
        HashSet<(int RoundId, string Hash)> used = hashes.Count == 0 ? [] : (await db.UsedDossiers.AsNoTracking().Where(d => hashes.Contains(d.Hash))
            .Select(d => new { d.RoundId, d.Hash }).ToListAsync()).Select(d => (d.RoundId, d.Hash)).ToHashSet();

        for (var i = 0; i < items.Count; i++)
        {
            var (response, token, dossier) = items[i];
            if (token is not null && !await UseTokenAsync(db, response, token)) { outcomes[i] = IntakeOutcome.TokenRefused; continue; }
            if (dossier is not null)
            {
                if (!used.Add((response.RoundId, dossier))) { outcomes[i] = IntakeOutcome.DossierUsed; continue; }
                db.UsedDossiers.Add(new UsedDossier { RoundId = response.RoundId, Hash = dossier });
            }
            response.Id = 0; // a key left by a rolled-back attempt would be taken for an existing row
            db.SurveyResponses.Add(response);
            outcomes[i] = IntakeOutcome.Stored;
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        db.ChangeTracker.Clear();
        return outcomes;
    }

    /// <summary>One conditional UPDATE (… WHERE Hash = @h AND Used = false, and of this unit and group): of two uses of
    /// a token, in one batch or racing, exactly one sees a row. A token of another unit or group is left unused, so
    /// refusing it needs no rollback of the rest of the batch.</summary>
    static async Task<bool> UseTokenAsync(ChiSoDb db, SurveyResponse r, string token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100) return false;
        var hash = Tokens.Hash(token);
        return await db.SurveyTokens.Where(t => t.RoundId == r.RoundId && t.Hash == hash && !t.Used && t.UnitId == r.UnitId && t.Group == r.Group)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Used, true)) == 1;
    }
}
