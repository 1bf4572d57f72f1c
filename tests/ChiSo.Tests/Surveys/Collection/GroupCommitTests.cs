using System.Net;
using System.Net.Http.Json;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Surveys.Collection;

/// <summary>The group-commit writer under concurrent submissions: many answers at once are all stored (in shared
/// transactions), and a dossier or a token sent twice at the same moment is still used once.</summary>
public abstract class GroupCommitTests(Provider provider)
{
    [Fact]
    public async Task Concurrent_answers_are_all_stored_and_a_dossier_or_token_racing_itself_is_used_once()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        OpenRound round;
        await using (var db = database.NewContext())
            round = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var url = $"/api/surveys/rounds/{round.Id}/responses";
        Task<HttpResponseMessage> Post(int seed, string? dossier = null) => client.PostAsJsonAsync(url,
            new { unit = round.Unit, group = "citizens", answers = CollectionBuilder.ValidAnswers(round.Form, "citizens", seed), dossier, seconds = 600 });

        var all = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Post(i)));
        Assert.All(all, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await using (var db = database.NewContext())
        {
            Assert.Equal(50, await db.SurveyResponses.CountAsync(r => r.RoundId == round.Id));
            // The answers repeat every fifth seed: five originals, and each of the 45 others flagged, whether its twin came in
            // the same batch (one transaction, on PostgreSQL one round trip) or in an earlier one.
            Assert.Equal(45, await db.SurveyResponses.CountAsync(r => r.RoundId == round.Id && r.Flags == CollectionRules.Duplicate && r.Review == ResponseReview.Flagged));
        }

        var racing = await Task.WhenAll(Post(100, "000.00.12.H26-240115-0042"), Post(101, "000.00.12.h26-240115-0042"));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], racing.Select(r => r.StatusCode).Order());
        await using (var db = database.NewContext())
        {
            Assert.Equal(51, await db.SurveyResponses.CountAsync(r => r.RoundId == round.Id));
            Assert.Equal(1, await db.UsedDossiers.CountAsync(d => d.RoundId == round.Id));
        }

        // One token sent twice at once (likely in one batch): the second use is refused, only one answer stored.
        OpenRound closed;
        string token;
        await using (var db = database.NewContext())
        {
            closed = await CollectionBuilder.OpenRoundAsync(db, "par-sociological", ["dept-civil-servants"]);
            token = (await Tokens.GenerateAsync(db, ChiSoApp.Markers, closed.Id, closed.Unit, "dept-civil-servants", 1, Actors.Admin())).Value!.Tokens[0].Token;
        }
        var answers = CollectionBuilder.ValidAnswers(closed.Form, "dept-civil-servants");
        var twice = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.PostAsJsonAsync($"/api/surveys/rounds/{closed.Id}/responses",
            new { unit = closed.Unit, group = "dept-civil-servants", answers, token, seconds = 600 })));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Forbidden], twice.Select(r => r.StatusCode).Order());
        await using (var db = database.NewContext())
            Assert.Equal(1, await db.SurveyResponses.CountAsync(r => r.RoundId == closed.Id));
    }
}

public sealed class GroupCommitSqliteTests() : GroupCommitTests(Provider.Sqlite);

public sealed class GroupCommitPostgresTests() : GroupCommitTests(Provider.Postgres);
