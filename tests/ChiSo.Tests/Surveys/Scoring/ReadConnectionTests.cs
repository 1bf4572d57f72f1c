using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Surveys.Scoring;

/// <summary>ConnectionStrings:Read (a streaming replica in bench/nation): a round's scores, progress and response list are
/// read from it, while answers are still written to ConnectionStrings:ChiSo. Two databases stand in for primary and replica
/// and are given different answers on purpose, so each figure says which one it came from.</summary>
public abstract class ReadConnectionTests(Provider provider)
{
    static SurveyResponse Row(OpenRound round, int unitId, string answers) => new()
    {
        RoundId = round.Id, UnitId = unitId, Group = "citizens", Channel = ResponseChannel.Paper,
        SubmittedOn = Rounds.Today(TimeProvider.System), Answers = answers, Review = ResponseReview.Accepted,
    };

    static async Task<JsonElement> JsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Statistics_read_from_the_read_connection_while_answers_are_written_to_the_primary()
    {
        await using var primary = await TestDatabase.CreateAsync(provider);
        await using var replica = await TestDatabase.CreateAsync(provider);
        OpenRound round;
        await using (var db = primary.NewContext()) round = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
        await using (var db = replica.NewContext())
        {
            var same = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"]);
            Assert.Equal(round.Id, same.Id);
            var unitId = await db.Units.Where(u => u.Code == round.Unit).Select(u => u.Id).SingleAsync();
            var answers = JsonSerializer.Serialize(CollectionBuilder.ValidAnswers(round.Form, "citizens"));
            db.SurveyResponses.AddRange(Row(round, unitId, answers), Row(round, unitId, answers), Row(round, unitId, answers));
            await db.SaveChangesAsync();
        }

        await using (var app = new ChiSoApp(primary, b => b.UseSetting("ConnectionStrings:Read", replica.ConnectionString)))
        {
            using var client = app.CreateClient();
            var posted = await client.PostAsJsonAsync($"/api/surveys/rounds/{round.Id}/responses",
                new { unit = round.Unit, group = "citizens", answers = CollectionBuilder.ValidAnswers(round.Form, "citizens", seed: 1), seconds = 600 });
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

            var scores = await JsonAsync(client, $"/api/surveys/rounds/{round.Id}/scores");
            Assert.Equal(3, scores.GetProperty("responses").GetInt32());
            var page = await JsonAsync(client, $"/api/surveys/rounds/{round.Id}/responses");
            Assert.Equal(3, page.GetProperty("items").GetArrayLength());
            Assert.All(page.GetProperty("items").EnumerateArray(), i => Assert.Equal("Paper", i.GetProperty("channel").GetString()));
            var progress = await JsonAsync(client, $"/api/surveys/rounds/{round.Id}/progress");
            Assert.Equal(3, progress.GetProperty("answers").GetInt32());
        }
        await using (var db = primary.NewContext())
            Assert.Equal(ResponseChannel.Api, (await db.SurveyResponses.SingleAsync(r => r.RoundId == round.Id)).Channel);
        await using (var db = replica.NewContext())
            Assert.Equal(3, await db.SurveyResponses.CountAsync(r => r.RoundId == round.Id));

        // Without the setting every read is the primary's (a leader: the admin of the first app already exists there).
        await using (var app = new ChiSoApp(primary))
        {
            using var client = await app.ClientAsync(Roles.Leader);
            Assert.Equal(1, (await JsonAsync(client, $"/api/surveys/rounds/{round.Id}/scores")).GetProperty("responses").GetInt32());
            Assert.Equal("Api", (await JsonAsync(client, $"/api/surveys/rounds/{round.Id}/responses")).GetProperty("items")[0].GetProperty("channel").GetString());
            Assert.Equal(1, (await JsonAsync(client, $"/api/surveys/rounds/{round.Id}/progress")).GetProperty("answers").GetInt32());
        }
    }
}

public sealed class ReadConnectionSqliteTests() : ReadConnectionTests(Provider.Sqlite);

public sealed class ReadConnectionPostgresTests() : ReadConnectionTests(Provider.Postgres);
