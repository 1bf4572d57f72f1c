using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using ChiSo.Data;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChiSo.Tests.Surveys.Collection;

/// <summary>Markers written before decision 0014 (plain SHA-256, numbered rows) after the upgrade: used tokens lose their plain
/// hash, unused ones still work once and then take a keyed marker, dossiers that answered an open round are still refused,
/// and closing a round drops what is left of its legacy markers.</summary>
public abstract class LegacyMarkersTests(Provider provider)
{
    static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task Legacy_markers_keep_one_answer_per_dossier_and_token_until_the_round_closes_and_then_go()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        OpenRound open, closed, tokens;
        await using (var db = database.NewContext())
        {
            open = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
            closed = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"], status: RoundStatus.Closed);
            tokens = await CollectionBuilder.OpenRoundAsync(db, "par-sociological", ["dept-civil-servants"]);
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_SecretsAnonymity", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);

            // What the earlier version wrote: numbered rows with plain hashes.
            var unit = await db.Units.Where(u => u.Code == tokens.Unit).Select(u => u.Id).SingleAsync();
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"UsedDossiers\" (\"RoundId\", \"Hash\") VALUES ({0}, {1}), ({0}, {2}), ({3}, {4})",
                open.Id, Sha($"{open.Id}:HS-0001"), Sha($"{open.Id}:HS-0002"), closed.Id, Sha($"{closed.Id}:HS-0003"));
            foreach (var (token, used) in new[] { ("chuadungmotlan01", false), ("dadungroi0000002", true), ("chuadungmotlan03", false) })
                await db.Database.ExecuteSqlRawAsync("INSERT INTO \"SurveyTokens\" (\"RoundId\", \"UnitId\", \"Group\", \"Hash\", \"Used\") VALUES ({0}, {1}, {2}, {3}, {4})",
                    tokens.Id, unit, "dept-civil-servants", Sha(token), used);
            await db.Database.MigrateAsync();
        }

        await using (var db = database.NewContext())
        {
            var dossiers = await db.UsedDossiers.AsNoTracking().ToListAsync();
            Assert.Equal([Sha($"{open.Id}:HS-0001"), Sha($"{open.Id}:HS-0002")], dossiers.Where(d => d.RoundId == open.Id).Select(d => d.Hash).Order());
            Assert.All(dossiers, d => Assert.True(d.Legacy));
            Assert.DoesNotContain(dossiers, d => d.RoundId == closed.Id);   // a closed round takes no answers: nothing to check
            var rows = await db.SurveyTokens.AsNoTracking().Where(t => t.RoundId == tokens.Id).ToListAsync();
            Assert.Equal(3, rows.Count);
            Assert.DoesNotContain(rows, t => t.Hash == Sha("dadungroi0000002"));
            Assert.Single(rows, t => t.Used && !t.Legacy);
            Assert.Equal(2, rows.Count(t => t.Legacy && !t.Used));
            if (provider == Provider.Sqlite)
                foreach (var table in new[] { "UsedDossiers", "SurveyTokens" })
                    Assert.Contains("WITHOUT ROWID", await db.Database.SqlQuery<string>($"SELECT sql AS \"Value\" FROM sqlite_master WHERE name = {table}").SingleAsync());
        }

        await using (var app = new ChiSoApp(database))
        {
            using var client = app.AnonymousClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            Task<HttpResponseMessage> Dossier(string code, int seed) => client.PostAsJsonAsync($"/api/surveys/rounds/{open.Id}/responses",
                new { unit = open.Unit, group = "citizens", answers = CollectionBuilder.ValidAnswers(open.Form, "citizens", seed), dossier = code, seconds = 600 });
            Task<HttpResponseMessage> Token(string token) => client.PostAsJsonAsync($"/api/surveys/rounds/{tokens.Id}/responses",
                new { unit = tokens.Unit, group = "dept-civil-servants", answers = CollectionBuilder.ValidAnswers(tokens.Form, "dept-civil-servants"), token, seconds = 600 });

            Assert.Equal(HttpStatusCode.Conflict, (await Dossier("hs-0001", 1)).StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync($"/khao-sat/{open.Id}/{open.Unit}?g=citizens&d=HS-0002")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await Dossier("HS-0009", 2)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/khao-sat/{tokens.Id}/{tokens.Unit}?g=dept-civil-servants&t=chuadungmotlan01")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await Token("chuadungmotlan01")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Token("chuadungmotlan01")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Token("dadungroi0000002")).StatusCode);
        }

        await using (var db = database.NewContext())
        {
            // Used after the upgrade: it now carries its keyed marker, its plain hash is gone.
            var used = await db.SurveyTokens.AsNoTracking().SingleAsync(t => t.Hash == ChiSoApp.Markers.Token(tokens.Id, "chuadungmotlan01").Keyed);
            Assert.True(used.Used);
            Assert.False(used.Legacy);

            Assert.Null((await Rounds.SetStatusAsync(db, open.Id, RoundStatus.Closed, Actors.Admin(), TimeProvider.System)).Errors);
            Assert.Null((await Rounds.SetStatusAsync(db, tokens.Id, RoundStatus.Closed, Actors.Admin(), TimeProvider.System)).Errors);
            var left = await db.UsedDossiers.AsNoTracking().Where(d => d.RoundId == open.Id).ToListAsync();
            Assert.Equal(ChiSoApp.Markers.Dossier(open.Id, "HS-0009").Keyed, Assert.Single(left).Hash);
            var rows = await db.SurveyTokens.AsNoTracking().Where(t => t.RoundId == tokens.Id).ToListAsync();
            Assert.Equal(3, rows.Count);   // still counted as issued
            Assert.DoesNotContain(rows, t => t.Legacy || t.Hash == Sha("chuadungmotlan03"));
            Assert.Equal(2, rows.Count(t => t.Used));
        }
    }
}

public sealed class LegacyMarkersSqliteTests() : LegacyMarkersTests(Provider.Sqlite);

public sealed class LegacyMarkersPostgresTests() : LegacyMarkersTests(Provider.Postgres);
