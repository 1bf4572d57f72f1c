using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace ChiSo.Tests.Surveys.Collection;

/// <summary>The attacker of issue 14: answers come in through the public API (dossier-bound SIPAS links with codes of the
/// one-stop shop's known format, and one-time tokens of a closed group), one by one and in a burst; then, holding a copy of
/// the database and the full list of dossier codes and tokens but not the server secret, the test tries every unkeyed scheme
/// ChiSo ever used and the order the rows are stored in. Nothing may link a code or a token to an answer.</summary>
public abstract class AnonymityTests(Provider provider, ITestOutputHelper output)
{
    const string Citizens = "citizens", Delegates = "dept-civil-servants";
    const int Dossiers = 60, OneByOne = 20, TokenCount = 12;

    // The receipt number of a dossier at a one-stop shop: agency, day, the day's sequence number.
    static string Code(int n) => string.Create(CultureInfo.InvariantCulture, $"000.00.12.H26-241105-{n + 1:0000}");

    [Fact]
    public async Task With_the_database_and_every_code_and_token_but_not_the_secret_no_answer_can_be_linked()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        OpenRound sipas, par;
        List<string> tokens;
        await using (var db = database.NewContext())
        {
            sipas = await CollectionBuilder.OpenRoundAsync(db, "sipas", [Citizens]);
            par = await CollectionBuilder.OpenRoundAsync(db, "par-sociological", [Delegates]);
            tokens = (await Tokens.GenerateAsync(db, ChiSoApp.Markers, par.Id, par.Unit, Delegates, TokenCount, Actors.Admin())).Value!.Tokens.Select(t => t.Token).ToList();
        }
        var scales = sipas.Form.Questions.Where(q => q.For(Citizens) && q.IsScale).Take(3).Select(q => q.Code).ToArray();
        var codes = Enumerable.Range(0, Dossiers).Select(Code).ToList();

        await using (var app = new ChiSoApp(database))
        {
            using var client = app.AnonymousClient();
            Task<HttpResponseMessage> Dossier(int n, string? code = null) => client.PostAsJsonAsync($"/api/surveys/rounds/{sipas.Id}/responses",
                new { unit = sipas.Unit, group = Citizens, answers = Numbered(sipas.Form, scales, n), dossier = code ?? codes[n], seconds = 600 });
            Task<HttpResponseMessage> Token(int n) => client.PostAsJsonAsync($"/api/surveys/rounds/{par.Id}/responses",
                new { unit = par.Unit, group = Delegates, answers = CollectionBuilder.ValidAnswers(par.Form, Delegates, n), token = tokens[n], seconds = 600 });

            for (var n = 0; n < OneByOne; n++) await CreatedAsync(Dossier(n));
            for (var n = 0; n < TokenCount / 2; n++) await CreatedAsync(Token(n));
            // A burst, as at a counter's busy hour: held behind another connection's write lock until all of it has queued, so the
            // writer takes it in one or two batches (the case where insert order could line up with the answers).
            List<Task<HttpResponseMessage>> burst;
            await using (await HoldWritesAsync(database))
            {
                burst = [.. Enumerable.Range(OneByOne, Dossiers - OneByOne).Select(n => Dossier(n)), .. Enumerable.Range(TokenCount / 2, TokenCount / 2).Select(Token)];
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            foreach (var r in burst) await CreatedAsync(r);

            // The app holds the secret: one answer per dossier (whatever its case) and per token still holds.
            Assert.Equal(HttpStatusCode.Conflict, (await Dossier(0, codes[0].ToLowerInvariant())).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await Dossier(45)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Token(0)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Token(TokenCount - 1)).StatusCode);
        }

        // The evaluator's knowledge (not the attacker's): which stored answer came from which dossier, and each dossier's marker.
        Dictionary<int, long> responseOf;
        await using (var db = database.NewContext())
            responseOf = (await db.SurveyResponses.AsNoTracking().Where(r => r.RoundId == sipas.Id).ToListAsync())
                .ToDictionary(r => NumberOf(r.Answers, scales), r => r.Id);
        Assert.Equal(Dossiers, responseOf.Count);
        var markerOf = codes.Select((c, n) => (Marker: ChiSoApp.Markers.Dossier(sipas.Id, c).Keyed, n)).ToDictionary(x => x.Marker, x => x.n);

        var stolen = await StealAsync(database);

        // 1. No stored value is any unkeyed hash of a code or a token, in any case, nor contains a code or a token.
        var guesses = Guesses(codes, tokens, [sipas.Id, par.Id]);
        Assert.Contains(Sha($"{sipas.Id}:{codes[7]}"), guesses);   // the scheme of every version before 0014 is among the guesses
        var cells = stolen.SelectMany(t => t.Rows.SelectMany(r => r.Select(v => (t.Name, Value: Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""))))
            .ToList();
        Assert.Contains(cells, c => markerOf.ContainsKey(c.Value));
        Assert.DoesNotContain(cells, c => guesses.Contains(c.Value.ToLowerInvariant()));
        Assert.DoesNotContain(cells, c => codes.Any(code => c.Value.Contains(code, StringComparison.OrdinalIgnoreCase))
            || tokens.Any(token => c.Value.Contains(token, StringComparison.Ordinal)));

        // 2. The marker tables have no sequential or time column (and, on SQLite, no rowid).
        var dossiers = stolen.Single(t => t.Name == "UsedDossiers");
        var tokenRows = stolen.Single(t => t.Name == "SurveyTokens");
        Assert.Equal(["Hash", "Legacy", "RoundId"], dossiers.Columns.Order(StringComparer.Ordinal));
        Assert.Equal(["Group", "Hash", "Legacy", "RoundId", "UnitId", "Used"], tokenRows.Columns.Order(StringComparer.Ordinal));
        foreach (var t in new[] { dossiers, tokenRows })
        {
            Assert.False(t.Sequential, $"{t.Name} has a sequential column");
            Assert.DoesNotContain(t.Types, type => type.Contains("time", StringComparison.OrdinalIgnoreCase) || type.Contains("date", StringComparison.OrdinalIgnoreCase));
            if (provider == Provider.Sqlite) Assert.False(t.HasRowid, $"{t.Name} has a rowid");
        }
        Assert.Equal(Dossiers, dossiers.Rows.Count(r => Convert.ToInt32(r[dossiers.Columns.IndexOf("RoundId")], CultureInfo.InvariantCulture) == sipas.Id));

        // 3. The stored order of the markers does not give the answers' order. The burst's answers went in one or two batches;
        // within the largest (on PostgreSQL the rows of one transaction share an xmin) the markers' order — SQLite's storage
        // order, PostgreSQL's heap order (ctid) and statement order (cmin) — is compared with the answers' ids.
        var hash = dossiers.Columns.IndexOf("Hash");
        var burstRows = dossiers.Rows.Where(r => markerOf.TryGetValue((string)r[hash]!, out var n) && n >= OneByOne).ToList();
        var batches = burstRows.GroupBy(r => provider == Provider.Sqlite ? "" : r[^2]).Select(g => g.ToList()).OrderByDescending(g => g.Count).ToList();
        var batch = batches[0];
        output.WriteLine($"{provider}: burst in batches of {string.Join(", ", batches.Select(b => b.Count))}");
        Assert.True(batch.Count >= 20, $"the burst was not batched: {string.Join(", ", batches.Select(b => b.Count))}");
        var orders = provider == Provider.Sqlite
            ? new Dictionary<string, List<object?[]>> { ["storage"] = batch }
            : new Dictionary<string, List<object?[]>> { ["ctid"] = [.. batch.OrderBy(r => Ctid((string)r[^3]!))], ["cmin"] = [.. batch.OrderBy(r => long.Parse((string)r[^1]!, CultureInfo.InvariantCulture))] };
        foreach (var (name, rows) in orders)
        {
            var ids = rows.Select(r => responseOf[markerOf[(string)r[hash]!]]).ToList();
            var rho = Spearman(ids);
            output.WriteLine($"{provider}: {name} order of {ids.Count} markers against the answers' ids: Spearman ρ = {rho:0.000}");
            Assert.NotEqual(ids.Order(), ids);
            Assert.True(Math.Abs(rho) < Unrelated(ids.Count), $"{name}: the markers' order follows the answers' (ρ = {rho:0.000})");
        }
        var oneByOne = dossiers.Rows.Where(r => markerOf.TryGetValue((string)r[hash]!, out var n) && n < OneByOne);
        var across = (provider == Provider.Sqlite ? oneByOne : oneByOne.OrderBy(r => Ctid((string)r[^3]!))).Select(r => responseOf[markerOf[(string)r[hash]!]]).ToList();
        // Recorded, not asserted on PostgreSQL: one answer per transaction leaves the heap in the answers' order (decision 0014 says
        // why this is harmless without the secret). SQLite keeps the markers in key order whatever the batches.
        output.WriteLine($"{provider}: stored order of the {across.Count} markers of answers sent one by one, against their ids: ρ = {Spearman(across):0.000}");
        if (provider == Provider.Sqlite)
        {
            var all = dossiers.Rows.Where(r => markerOf.ContainsKey((string)r[hash]!)).Select(r => responseOf[markerOf[(string)r[hash]!]]).ToList();
            output.WriteLine($"{provider}: storage order of all {all.Count} markers against the answers' ids: ρ = {Spearman(all):0.000}");
            Assert.True(Math.Abs(Spearman(all)) < Unrelated(all.Count));
        }
    }

    static async Task CreatedAsync(Task<HttpResponseMessage> sent)
    {
        var response = await sent;
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A valid answer whose first three scale questions spell <paramref name="n"/> in base 5: every answer differs.</summary>
    static Dictionary<string, string?> Numbered(CollectionForm form, string[] scales, int n)
    {
        var answers = CollectionBuilder.ValidAnswers(form, Citizens);
        for (var i = 0; i < scales.Length; i++) answers[scales[i]] = (n / (int)Math.Pow(5, i) % 5 + 1).ToString(CultureInfo.InvariantCulture);
        return answers;
    }

    static int NumberOf(string packed, string[] scales)
    {
        var answers = JsonSerializer.Deserialize<Dictionary<string, string>>(packed)!;
        return scales.Select((code, i) => (int.Parse(answers[code], CultureInfo.InvariantCulture) - 1) * (int)Math.Pow(5, i)).Sum();
    }

    static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Every unkeyed marker one could compute from the codes and tokens: SHA-256 of the value alone and of
    /// "{round}:{value}", for the value as given, in upper and in lower case; and the values themselves.</summary>
    static HashSet<string> Guesses(List<string> codes, List<string> tokens, int[] rounds)
    {
        var guesses = new HashSet<string>();
        foreach (var value in codes.Concat(tokens))
            foreach (var v in new[] { value, value.ToUpperInvariant(), value.ToLowerInvariant() })
            {
                guesses.Add(v.ToLowerInvariant());
                guesses.Add(Sha(v));
                guesses.Add(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(v))).ToLowerInvariant());
                foreach (var r in rounds) guesses.Add(Sha($"{r}:{v}"));
            }
        return guesses;
    }

    /// <summary>Spearman's rank correlation between the position in a list and the rank of its value.</summary>
    static double Spearman(List<long> values)
    {
        var rank = values.Order().Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i);
        double n = values.Count, d2 = values.Select((v, i) => Math.Pow(i - rank[v], 2)).Sum();
        return 1 - 6 * d2 / (n * (n * n - 1));
    }

    /// <summary>A bound on |ρ| that an order unrelated to the answers exceeds about once in 10^5 runs (4.5 standard deviations
    /// of ρ for n random ranks), while an order that follows the answers, even loosely, is far above it.</summary>
    static double Unrelated(int n) => Math.Min(0.8, 4.5 / Math.Sqrt(n - 1));

    static (int Page, int Item) Ctid(string ctid)
    {
        var parts = ctid.Trim('(', ')').Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A table as a raw connection reads it, every column; on PostgreSQL each row ends with its ctid, xmin and cmin
    /// (ordering and transaction columns every PostgreSQL table has: decision 0014 says what they still tell),
    /// on SQLite with its rowid when the table has one. <see cref="Sequential"/>: an integer column counting the rows.</summary>
    sealed record Table(string Name, List<string> Columns, List<string> Types, List<object?[]> Rows, bool HasRowid, bool Sequential);

    async Task<List<Table>> StealAsync(TestDatabase database)
    {
        var tables = new List<Table>();
        if (provider == Provider.Sqlite)
        {
            // A copy of the file, as a backup thief or a reader of the disk would have it (every connection is closed: no WAL).
            SqliteConnection.ClearAllPools();
            var copy = Path.Combine(Path.GetTempPath(), $"chiso-stolen-{Guid.NewGuid():N}.db");
            File.Copy(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource, copy);
            try
            {
                await using var c = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
                await c.OpenAsync();
                foreach (var name in await ListAsync(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
                {
                    var info = await RowsAsync(c, $"PRAGMA table_info(\"{name}\")");
                    var columns = info.Select(r => (string)r[1]!).ToList();
                    var types = info.Select(r => (string)r[2]!).ToList();
                    var hasRowid = (await ListAsync(c, $"SELECT sql FROM sqlite_master WHERE name = '{name}'"))[0].Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase) is false;
                    var rows = await RowsAsync(c, hasRowid ? $"SELECT *, rowid FROM \"{name}\"" : $"SELECT * FROM \"{name}\"");
                    tables.Add(new Table(name, columns, types, rows, hasRowid, Sequential(rows, columns.Count)));
                }
            }
            finally { foreach (var f in new[] { copy, copy + "-wal", copy + "-shm" }) File.Delete(f); }
            return tables;
        }
        await using var pg = new NpgsqlConnection(database.ConnectionString);
        await pg.OpenAsync();
        foreach (var name in await ListAsync(pg, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"))
        {
            var info = await RowsAsync(pg, $"SELECT column_name, data_type, is_identity, coalesce(column_default, '') FROM information_schema.columns " +
                $"WHERE table_schema = 'public' AND table_name = '{name}' ORDER BY ordinal_position");
            var rows = await RowsAsync(pg, $"SELECT t.*, t.ctid::text, t.xmin::text, t.cmin::text FROM \"{name}\" t");
            var generated = info.Any(r => (string)r[2]! == "YES" || ((string)r[3]!).StartsWith("nextval", StringComparison.Ordinal));
            tables.Add(new Table(name, info.Select(r => (string)r[0]!).ToList(), info.Select(r => (string)r[1]!).ToList(), rows, false,
                generated || Sequential(rows, info.Count)));
        }
        return tables;
    }

    /// <summary>Whether a column holds integers that number the rows 1, 2, 3 … (in any order).</summary>
    static bool Sequential(List<object?[]> rows, int columns)
    {
        if (rows.Count < 3) return false;
        for (var i = 0; i < columns; i++)
        {
            if (rows[0][i] is not (int or long or short)) continue;
            var values = rows.Select(r => Convert.ToInt64(r[i], CultureInfo.InvariantCulture)).Order().ToList();
            if (values.Distinct().Count() == values.Count && values[^1] - values[0] == values.Count - 1) return true;
        }
        return false;
    }

    static async Task<List<string>> ListAsync(DbConnection c, string sql) => [.. (await RowsAsync(c, sql)).Select(r => (string)r[0]!)];

    static async Task<List<object?[]>> RowsAsync(DbConnection c, string sql)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = await reader.IsDBNullAsync(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Another connection holds the marker tables' write lock until disposed: the intake's writer waits, and what comes
    /// in meanwhile queues up for its next batch.</summary>
    static async Task<IAsyncDisposable> HoldWritesAsync(TestDatabase database)
    {
        DbConnection c = database.Provider == Provider.Sqlite ? new SqliteConnection(database.ConnectionString) : new NpgsqlConnection(database.ConnectionString);
        await c.OpenAsync();
        var tx = await c.BeginTransactionAsync();
        await using (var command = c.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = database.Provider == Provider.Sqlite
                ? "DELETE FROM \"UsedDossiers\" WHERE 0"   // a write: the transaction now holds SQLite's one write lock
                : "LOCK TABLE \"UsedDossiers\", \"SurveyTokens\" IN SHARE ROW EXCLUSIVE MODE";
            await command.ExecuteNonQueryAsync();
        }
        return new Held(c, tx);
    }

    sealed class Held(DbConnection c, DbTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.CommitAsync();
            await c.DisposeAsync();
        }
    }
}

public sealed class AnonymitySqliteTests(ITestOutputHelper output) : AnonymityTests(Provider.Sqlite, output);

public sealed class AnonymityPostgresTests(ITestOutputHelper output) : AnonymityTests(Provider.Postgres, output);
