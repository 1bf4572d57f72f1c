using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using ChiSo.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChiSo.Features.Surveys;

/// <summary>A validated response waiting to be written. The token's marker (closed groups) is spent and the dossier's
/// (open SIPAS links) recorded as used, but neither is stored with the response; a response has one or the other, never both.
/// The writer adds the duplicate flag to <see cref="Response"/> when an identical answer of the same unit, group and day is
/// already stored (or earlier in the same batch).</summary>
public sealed record PendingResponse(SurveyResponse Response, Marker? Token, Marker? Dossier)
{
    internal TaskCompletionSource<IntakeOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Group commit for the intake (a singleton and hosted service). Each response in a transaction of its own
/// costs one fsync, which capped the intake at ~80–170 answers a second on SQLite; here one loop takes whatever has
/// queued up (up to <see cref="MaxBatch"/>) and writes it in ONE transaction: one fsync for many answers. Each caller
/// still gets the outcome of its own response (stored, token refused, dossier already used).
/// <para>The loop keeps one connection open and writes with prepared ADO.NET commands (docs/decisions/0012): EF's change
/// tracking and SQL generation cost more than the insert itself at thousands of answers a second.</para></summary>
public sealed class IntakeWriter(IServiceScopeFactory scopes) : BackgroundService
{
    public const int MaxBatch = 256;

    readonly Channel<PendingResponse> queue = Channel.CreateUnbounded<PendingResponse>(new UnboundedChannelOptions { SingleReader = true });
    AsyncServiceScope? scope;
    IntakeCommands? commands;

    /// <summary>Queues a response and waits until its batch is committed (or refused for this response alone).</summary>
    public async Task<IntakeOutcome> WriteAsync(PendingResponse item, CancellationToken ct = default)
    {
        if (!queue.Writer.TryWrite(item)) throw new InvalidOperationException("Máy chủ đang dừng; phiếu chưa được lưu, xin gửi lại sau.");
        return await item.Done.Task.WaitAsync(ct);
    }

    CancellationToken stopping;
    Task? checkpoints;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
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
        await CloseAsync();
        if (checkpoints is not null) await checkpoints;
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
            var sql = commands ??= await OpenAsync();
            try
            {
                Complete(batch, await sql.StoreAsync(batch));
                return;
            }
            catch (DbException)
            {
                // Something unforeseen refused one item (a foreign key, a constraint): the transaction is rolled back, so
                // write the items one by one, each in its own, and only the faulty one fails.
            }
            var failed = false;
            foreach (var item in batch)
            {
                try { Complete([item], await sql.StoreAsync([item])); }
                catch (Exception e) { item.Done.TrySetException(e); failed = true; }
            }
            if (failed) await CloseAsync();
        }
        catch (Exception e)
        {
            // The loop must survive a failed batch (database down, …): every waiting sender gets the error, and the next
            // batch opens a fresh connection.
            foreach (var item in batch) item.Done.TrySetException(e);
            await CloseAsync();
        }
    }

    async Task<IntakeCommands> OpenAsync()
    {
        scope = scopes.CreateAsyncScope();
        var db = scope.Value.ServiceProvider.GetRequiredService<ChiSoDb>();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        if (connection is SqliteConnection)
        {
            // In WAL mode (DatabaseSetup) a commit need not wait for the disk when synchronous is NORMAL: the database stays
            // consistent after a crash; see docs/decisions/0012 for what a power cut can cost. PostgreSQL keeps its own
            // durability (synchronous_commit on): production's choice is not relaxed here.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0";
            await pragma.ExecuteNonQueryAsync();
            checkpoints ??= Task.Run(() => CheckpointAsync(connection.ConnectionString, stopping));
        }
        return await IntakeCommands.PrepareAsync(connection);
    }

    async Task CloseAsync()
    {
        // The writer's pragmas (no autocheckpoint) stay with a SQLite connection: it must not go back to the pool for
        // others to use, so the pool lets it close.
        if (commands?.Connection is SqliteConnection sqlite) SqliteConnection.ClearPool(sqlite);
        if (commands is not null) await commands.DisposeAsync();
        commands = null;
        if (scope is { } s) await s.DisposeAsync();
        scope = null;
    }

    /// <summary>SQLite: the writer's connection does not checkpoint (wal_autocheckpoint 0 above). A checkpoint copies the WAL into
    /// the database file and waits for the disk; on the writer, every answer queued behind it waited too, and the intake's p99
    /// jumped. This loop checkpoints from a connection of its own once a second; PASSIVE never blocks the writer.</summary>
    static async Task CheckpointAsync(string connectionString, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        await using var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            while (await timer.WaitForNextTickAsync(ct))
            {
                try { await checkpoint.ExecuteNonQueryAsync(ct); }
                catch (SqliteException) { } // busy or locked for a moment: the next second tries again
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    static void Complete(List<PendingResponse> items, IntakeOutcome[] outcomes)
    {
        for (var i = 0; i < items.Count; i++) items[i].Done.TrySetResult(outcomes[i]);
    }
}

/// <summary>The writer's statements, prepared once on its connection and reused for every batch. The same SQL runs on
/// SQLite and PostgreSQL (quoted names, ON CONFLICT DO NOTHING, TRUE).</summary>
sealed class IntakeCommands : IAsyncDisposable
{
    readonly DbConnection connection;
    public DbConnection Connection => connection;
    readonly DbCommand useToken, useDossier, findDuplicate, insert;

    IntakeCommands(DbConnection connection)
    {
        this.connection = connection;
        // One conditional UPDATE: of two uses of a token, in one batch or racing in two instances, exactly one sees a row.
        // A token of another unit or group is left unused, so refusing it needs no rollback of the rest of the batch. A token
        // issued before decision 0014 is found by its plain hash, on rows flagged legacy only, and takes its keyed marker as it
        // is used, so the plain hash of a used token stays nowhere.
        useToken = Command("UPDATE \"SurveyTokens\" SET \"Used\" = TRUE, \"Hash\" = @h, \"Legacy\" = FALSE WHERE (\"Hash\" = @h OR (\"Legacy\" AND \"Hash\" = @l)) AND \"RoundId\" = @r " +
            "AND \"UnitId\" = @u AND \"Group\" = @g AND NOT \"Used\"",
            ("@h", DbType.String), ("@l", DbType.String), ("@r", DbType.Int32), ("@u", DbType.Int32), ("@g", DbType.String));
        // The key (RoundId, Hash) decides: a dossier already stored, by this batch or by another instance, adds no row, and the
        // answer is refused without rolling back the others. A dossier that answered before decision 0014 left a legacy row
        // with its plain hash, which refuses it too.
        useDossier = Command("INSERT INTO \"UsedDossiers\" (\"RoundId\", \"Hash\", \"Legacy\") SELECT @r, @h, FALSE WHERE NOT EXISTS " +
            "(SELECT 1 FROM \"UsedDossiers\" WHERE \"RoundId\" = @r AND \"Hash\" = @l AND \"Legacy\") ON CONFLICT DO NOTHING",
            ("@r", DbType.Int32), ("@h", DbType.String), ("@l", DbType.String));
        findDuplicate = Command("SELECT 1 FROM \"SurveyResponses\" WHERE " + SameAnswer + " LIMIT 1",
            ("@r", DbType.Int32), ("@x", DbType.Int64), ("@u", DbType.Int32), ("@g", DbType.String), ("@d", DbType.Date), ("@a", DbType.String));
        insert = Command(InsertSql + " VALUES (@r, @u, @g, @c, @d, @a, @x, @s, @v, @f, @b)", InsertParameters);
    }

    // A duplicate: an identical answer of the same unit, group and day, already stored (earlier in this transaction too).
    const string SameAnswer = "\"RoundId\" = @r AND \"AnswersHash\" = @x AND \"UnitId\" = @u AND \"Group\" = @g AND \"SubmittedOn\" = @d AND \"Answers\" = @a";

    const string InsertSql = "INSERT INTO \"SurveyResponses\" (\"RoundId\", \"UnitId\", \"Group\", \"Channel\", \"SubmittedOn\", \"Answers\", " +
        "\"AnswersHash\", \"Seconds\", \"Review\", \"Flags\", \"BatchId\")";

    /// <summary>PostgreSQL: one statement stores the answer and flags it as a duplicate, so a whole batch goes in one round
    /// trip. (On SQLite this form costs twice the look-up and plain insert, measured by the paper import check.)</summary>
    static readonly string InsertFlaggingDuplicateSql = InsertSql + " SELECT @r, @u, @g, @c, @d, @a, @x, @s, " +
        $"CASE WHEN dup.found THEN '{nameof(ResponseReview.Flagged)}' ELSE @v END, " +
        $"CASE WHEN NOT dup.found THEN @f WHEN @f IS NULL THEN '{CollectionRules.Duplicate}' ELSE @f || ',{CollectionRules.Duplicate}' END, @b " +
        "FROM (SELECT EXISTS (SELECT 1 FROM \"SurveyResponses\" WHERE " + SameAnswer + ") AS found) AS dup RETURNING \"Flags\"";

    static readonly (string Name, DbType Type)[] InsertParameters =
    [
        ("@r", DbType.Int32), ("@u", DbType.Int32), ("@g", DbType.String), ("@c", DbType.String), ("@d", DbType.Date), ("@a", DbType.String),
        ("@x", DbType.Int64), ("@s", DbType.Int32), ("@v", DbType.String), ("@f", DbType.String), ("@b", DbType.Int32),
    ];

    static void SetInsert(DbParameterCollection p, SurveyResponse r)
    {
        object?[] values = [r.RoundId, r.UnitId, r.Group, r.Channel.ToString(), r.SubmittedOn, r.Answers, r.AnswersHash, r.Seconds,
            r.Review.ToString(), r.Flags, r.BatchId];
        for (var i = 0; i < values.Length; i++) p[i].Value = values[i] ?? DBNull.Value;
    }

    static void FlagDuplicate(SurveyResponse r)
    {
        r.Flags = r.Flags is null ? CollectionRules.Duplicate : r.Flags + "," + CollectionRules.Duplicate;
        r.Review = ResponseReview.Flagged;
    }

    /// <summary>Prepares the statements on an open connection: the writer's own, or a paper import's (inside its transaction).</summary>
    public static async Task<IntakeCommands> PrepareAsync(DbConnection connection)
    {
        var commands = new IntakeCommands(connection);
        foreach (var c in commands.All) await c.PrepareAsync();
        return commands;
    }

    DbCommand[] All => [useToken, useDossier, findDuplicate, insert];

    DbCommand Command(string sql, params (string Name, DbType Type)[] parameters)
    {
        var c = connection.CreateCommand();
        c.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            var p = c.CreateParameter();
            p.ParameterName = name;
            p.DbType = type;
            p.Value = DBNull.Value;
            c.Parameters.Add(p);
        }
        return c;
    }

    static void Set(DbCommand c, int i, object? value) => c.Parameters[i].Value = value ?? DBNull.Value;

    /// <summary>Spends tokens, records dossiers, flags duplicates and inserts the responses of <paramref name="items"/> in one
    /// transaction: its own, committed here, or the caller's <paramref name="outer"/> (a paper import), left to the caller.</summary>
    public async Task<IntakeOutcome[]> StoreAsync(List<PendingResponse> items, DbTransaction? outer = null)
    {
        var outcomes = new IntakeOutcome[items.Count];
        await using var own = outer is null ? await connection.BeginTransactionAsync() : null;
        var tx = outer ?? own!;
        foreach (var c in All) c.Transaction = tx;
        // Tokens and dossiers first, one by one: whether an answer is stored depends on each one's outcome. They are written
        // in the order of their markers, not of the answers, so neither the rows' storage order (PostgreSQL's heap) nor the
        // statements' order within the transaction can be laid against the answers' ids (docs/decisions/0014).
        var accepted = new bool[items.Count];
        foreach (var i in Enumerable.Range(0, items.Count).OrderBy(i => (items[i].Token ?? items[i].Dossier)?.Keyed, StringComparer.Ordinal))
        {
            var (r, token, dossier) = items[i];
            if (token is { } t)
            {
                Set(useToken, 0, t.Keyed); Set(useToken, 1, t.Legacy); Set(useToken, 2, r.RoundId); Set(useToken, 3, r.UnitId); Set(useToken, 4, r.Group);
                if (await useToken.ExecuteNonQueryAsync() != 1)
                {
                    outcomes[i] = IntakeOutcome.TokenRefused;
                    continue;
                }
            }
            else if (dossier is { } d)
            {
                Set(useDossier, 0, r.RoundId); Set(useDossier, 1, d.Keyed); Set(useDossier, 2, d.Legacy);
                if (await useDossier.ExecuteNonQueryAsync() != 1)
                {
                    outcomes[i] = IntakeOutcome.DossierUsed;
                    continue;
                }
            }
            accepted[i] = true;
            outcomes[i] = IntakeOutcome.Stored;
        }
        var stored = new List<SurveyResponse>(items.Count);
        for (var i = 0; i < items.Count; i++)
            if (accepted[i])
            {
                items[i].Response.AnswersHash ??= SurveyResponse.HashOf(items[i].Response.Answers);
                stored.Add(items[i].Response);
            }
        if (connection.CanCreateBatch && stored.Count > 1)
        {
            // PostgreSQL: all the inserts in one round trip, each one seeing the ones before it.
            await using var batch = connection.CreateBatch();
            batch.Transaction = tx;
            foreach (var r in stored)
            {
                var c = batch.CreateBatchCommand();
                c.CommandText = InsertFlaggingDuplicateSql;
                foreach (var (name, type) in InsertParameters)
                {
                    var p = c.CreateParameter();
                    p.ParameterName = name;
                    p.DbType = type;
                    c.Parameters.Add(p);
                }
                SetInsert(c.Parameters, r);
                batch.BatchCommands.Add(c);
            }
            // Npgsql prepares the statement once per connection and reuses it for every batch after.
            await batch.PrepareAsync();
            await using var reader = await batch.ExecuteReaderAsync();
            foreach (var r in stored)
            {
                await reader.ReadAsync();
                if (!reader.IsDBNull(0) && reader.GetString(0) != r.Flags) FlagDuplicate(r);
                await reader.NextResultAsync();
            }
        }
        else
            foreach (var r in stored)
            {
                // SQLite: a prepared look-up and a prepared plain insert, no round trip to save.
                Set(findDuplicate, 0, r.RoundId); Set(findDuplicate, 1, r.AnswersHash); Set(findDuplicate, 2, r.UnitId);
                Set(findDuplicate, 3, r.Group); Set(findDuplicate, 4, r.SubmittedOn); Set(findDuplicate, 5, r.Answers);
                if (await findDuplicate.ExecuteScalarAsync() is not null) FlagDuplicate(r);
                SetInsert(insert.Parameters, r);
                await insert.ExecuteNonQueryAsync();
            }
        if (own is not null) await own.CommitAsync();
        return outcomes;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in All) await c.DisposeAsync();
    }
}
