using System.Data.Common;
using ChiSo.Data;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Surveys.Design;

/// <summary>Rounds, sample plans and one-time tokens against a real database of the test's own.</summary>
public abstract class RoundAndTokenTests(Provider provider)
{
    /// <summary>A draft sociological round of 2025 with a quota for the Department of Home Affairs' civil servants.</summary>
    static async Task<int> RoundAsync(ChiSoDb db, string questionnaire = "par-sociological")
    {
        var qid = await db.Questionnaires.Where(q => q.Key == questionnaire).Select(q => q.Id).SingleAsync();
        var round = await Rounds.CreateAsync(db, new RoundRequest(2025, "Thử", qid, new DateOnly(2025, 10, 1), new DateOnly(2025, 12, 30)), Actors.Admin());
        Assert.Null(round.Errors);
        var quota = await Rounds.SetQuotasAsync(db, round.Value, [new QuotaRequest("SNV", "dept-civil-servants", 400, null)], Actors.Admin());
        Assert.Null(quota.Errors);
        return round.Value;
    }

    [Fact]
    public async Task Quota_targets_follow_the_ministry_formula_or_are_set_directly_and_bad_rows_write_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await RoundAsync(db);

        var change = await Rounds.SetQuotasAsync(db, id,
        [
            new QuotaRequest("STP", "dept-civil-servants", 10_000, null),   // 10000 / (1 + 10000 · 0.0025) = 384.6 → 385
            new QuotaRequest("STC", "dept-civil-servants", 1_000, 120),     // target given: it wins
            new QuotaRequest("SNV", "dept-civil-servants", 50, null),       // update: 50 / 1.125 = 44.4 → 45
        ], Actors.Admin());
        Assert.Null(change.Errors);
        var bad = await Rounds.SetQuotasAsync(db, id, [new QuotaRequest("STP", "dept-civil-servants", 1, null), new QuotaRequest("ZZZ", "nobody", null, null)], Actors.Admin());
        Assert.Equal(["quotas[1]"], bad.Errors!.Keys);
        Assert.Equal(3, bad.Errors["quotas[1]"].Length);

        var detail = (await Rounds.GetAsync(db, id, new DateOnly(2025, 11, 1)))!;
        Assert.Equal([("SNV", 50, 45), ("STC", 1_000, 120), ("STP", 10_000, 385)],
            detail.Quotas.Select(q => (q.UnitCode, q.Population!.Value, q.Target)));
        Assert.Equal(550, detail.Round.Target);
        Assert.True(detail.Quotas.All(q => q.Closed));
    }

    [Fact]
    public async Task Only_an_open_round_within_its_dates_takes_answers()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var id = await RoundAsync(db);
        var round = await db.SurveyRounds.AsNoTracking().SingleAsync(r => r.Id == id);
        Assert.False(Rounds.RoundIsOpen(round, new DateOnly(2025, 11, 1)));

        Assert.Null((await Rounds.SetStatusAsync(db, id, RoundStatus.Open, Actors.Admin(), TimeProvider.System)).Errors);
        round = await db.SurveyRounds.AsNoTracking().SingleAsync(r => r.Id == id);
        Assert.False(Rounds.RoundIsOpen(round, new DateOnly(2025, 9, 30)));
        Assert.True(Rounds.RoundIsOpen(round, new DateOnly(2025, 10, 1)));
        Assert.True(Rounds.RoundIsOpen(round, new DateOnly(2025, 12, 30)));
        Assert.False(Rounds.RoundIsOpen(round, new DateOnly(2025, 12, 31)));

        Assert.Null((await Rounds.SetStatusAsync(db, id, RoundStatus.Closed, Actors.Admin(), TimeProvider.System)).Errors);
        round = await db.SurveyRounds.AsNoTracking().SingleAsync(r => r.Id == id);
        Assert.False(Rounds.RoundIsOpen(round, new DateOnly(2025, 11, 1)));

        // A round without a sample plan cannot open.
        var qid = await db.Questionnaires.Where(q => q.Key == "sipas").Select(q => q.Id).SingleAsync();
        var empty = await Rounds.CreateAsync(db, new RoundRequest(2025, "Rỗng", qid, new DateOnly(2025, 10, 1), new DateOnly(2025, 12, 30)), Actors.Admin());
        Assert.NotNull((await Rounds.SetStatusAsync(db, empty.Value, RoundStatus.Open, Actors.Admin(), TimeProvider.System)).Errors);
        Assert.NotNull((await Rounds.CreateAsync(db, new RoundRequest(2025, "Ngược", qid, new DateOnly(2025, 12, 1), new DateOnly(2025, 10, 1)), Actors.Admin())).Errors);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes_and_the_plain_token_appears_nowhere_in_the_database()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var tokens = new List<string>();
        await using (var db = database.NewContext())
        {
            var id = await RoundAsync(db);
            var issued = await Tokens.GenerateAsync(db, ChiSoApp.Markers, id, "SNV", "dept-civil-servants", 20, Actors.Admin());
            tokens = issued.Value!.Tokens.Select(t => t.Token).ToList();
            Assert.Equal(20, tokens.Distinct().Count());
            Assert.All(tokens, t => Assert.True(t.Length >= 12 && t.All(c => char.IsAsciiLetterOrDigit(c))));
            Assert.All(issued.Value.Tokens, t => Assert.Equal($"/khao-sat/{id}/SNV?g=dept-civil-servants&t={t.Token}", t.Url));
            var hashes = await db.SurveyTokens.Where(t => t.RoundId == id).Select(t => t.Hash).ToListAsync();
            Assert.Equal(tokens.Select(t => ChiSoApp.Markers.Token(id, t).Keyed).Order(), hashes.Order());
            Assert.All(hashes, h => Assert.Equal(64, h.Length));

            // Open groups answer by link; tokens are refused for them.
            Assert.NotNull((await Tokens.GenerateAsync(db, ChiSoApp.Markers, id, "SNV", "businesses", 1, Actors.Admin())).Errors);
            // And for a unit × group outside the sample plan.
            Assert.NotNull((await Tokens.GenerateAsync(db, ChiSoApp.Markers, id, "STP", "dept-civil-servants", 1, Actors.Admin())).Errors);
        }

        var text = await EveryTextValueAsync(database);
        Assert.NotEmpty(text);
        Assert.All(tokens, t => Assert.DoesNotContain(text, v => v.Contains(t, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_token_is_used_once_and_of_two_simultaneous_uses_exactly_one_succeeds()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int id;
        List<string> tokens;
        int unitId;
        await using (var db = database.NewContext())
        {
            id = await RoundAsync(db);
            tokens = (await Tokens.GenerateAsync(db, ChiSoApp.Markers, id, "SNV", "dept-civil-servants", 6, Actors.Admin())).Value!.Tokens.Select(t => t.Token).ToList();
            unitId = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();

            Assert.Equal((unitId, "dept-civil-servants"), await Tokens.FindUnusedAsync(db, ChiSoApp.Markers, id, tokens[0]));
            Assert.Equal((unitId, "dept-civil-servants"), await Tokens.TryUseTokenAsync(db, ChiSoApp.Markers, id, tokens[0]));
            Assert.Null(await Tokens.TryUseTokenAsync(db, ChiSoApp.Markers, id, tokens[0]));
            Assert.Null(await Tokens.FindUnusedAsync(db, ChiSoApp.Markers, id, tokens[0]));
            Assert.Null(await Tokens.TryUseTokenAsync(db, ChiSoApp.Markers, id + 1, tokens[1]));   // another round's token
            Assert.Null(await Tokens.TryUseTokenAsync(db, ChiSoApp.Markers, id, "khongphaima123456"));
        }

        foreach (var token in tokens.Skip(1))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                await using var db = database.NewContext();
                return await Tokens.TryUseTokenAsync(db, ChiSoApp.Markers, id, token);
            })));
            Assert.Single(results, r => r is not null);
        }
        await using (var db = database.NewContext())
            Assert.Equal(6, await db.SurveyTokens.CountAsync(t => t.RoundId == id && t.Used));
    }

    /// <summary>Every text cell of every table the model maps, read back through plain SQL.</summary>
    static async Task<List<string>> EveryTextValueAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().ToList();
        var values = new List<string>();
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        foreach (var table in tables)
        {
            await using DbCommand cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    if (!await reader.IsDBNullAsync(i) && reader.GetValue(i) is string s) values.Add(s);
        }
        return values;
    }
}

public sealed class RoundAndTokenSqliteTests() : RoundAndTokenTests(Provider.Sqlite);

public sealed class RoundAndTokenPostgresTests() : RoundAndTokenTests(Provider.Postgres);
