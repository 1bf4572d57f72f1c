using System.Net.Http.Json;
using ChiSo.Data;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Surveys.Design;

/// <summary>Opening and closing a round is in the audit log, in words and under who did it, whichever door it came through.</summary>
public abstract class RoundStatusAuditTests(Provider provider)
{
    static async Task<int> PlannedRoundAsync(ChiSoDb db)
    {
        var qid = await db.Questionnaires.Where(q => q.Key == "par-sociological").Select(q => q.Id).SingleAsync();
        var round = await Rounds.CreateAsync(db, new RoundRequest(2025, "Thử nhật ký", qid, new DateOnly(2025, 10, 1), new DateOnly(2025, 12, 30)), Actors.Admin());
        Assert.Null((await Rounds.SetQuotasAsync(db, round.Value, [new QuotaRequest("SNV", "dept-civil-servants", 400, null)], Actors.Admin())).Errors);
        return round.Value;
    }

    static async Task<List<AuditEntry>> StatusRowsAsync(TestDatabase database, int round)
    {
        await using var db = database.NewContext();
        return await db.Audit.AsNoTracking().Where(a => a.Subject == $"survey-round:{round}" && a.Field == "status").OrderBy(a => a.Seq).ToListAsync();
    }

    [Fact]
    public async Task Opening_and_closing_through_the_service_are_audited_in_words_and_the_chain_holds()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 10, 1, 1, 30, 0, TimeSpan.Zero));
        int id;
        await using (var db = database.NewContext())
        {
            id = await PlannedRoundAsync(db);
            Assert.Null((await Rounds.SetStatusAsync(db, id, RoundStatus.Open, Actors.Admin("mo.dot"), clock)).Errors);
            // The same status again changes nothing, so it writes nothing.
            Assert.Null((await Rounds.SetStatusAsync(db, id, RoundStatus.Open, Actors.Admin("mo.dot"), clock)).Errors);
            clock.Advance(TimeSpan.FromDays(20));
            Assert.Null((await Rounds.SetStatusAsync(db, id, RoundStatus.Closed, Actors.Admin("dong.dot"), clock)).Errors);
        }

        var rows = await StatusRowsAsync(database, id);
        Assert.Equal([("mo.dot", "Nháp", "Đang mở"), ("dong.dot", "Đang mở", "Đã đóng")], rows.Select(r => (r.User, r.OldValue, r.NewValue)));
        // Under the time of the clock the service is given (the server's, or a test's), not the machine's.
        Assert.Equal([new DateTime(2025, 10, 1, 1, 30, 0), new DateTime(2025, 10, 21, 1, 30, 0)], rows.Select(r => r.At));
        Assert.All(rows, r => Assert.NotNull(r.Hash));

        await using var read = database.NewContext();
        var line = AuditText.Describe(rows[1], await CriterionNames.LoadAsync(read), c => c);
        Assert.Equal(("Đợt khảo sát số " + id, "Trạng thái", "Đang mở", "Đã đóng"), (line.Subject, line.Field, line.Old, line.New));
        Assert.Contains("không nhận phiếu mới", line.Reason);
        Assert.True((await AuditChain.VerifyAsync(read, Actors.Admin())).Whole);
    }

    [Fact]
    public async Task A_refused_opening_writes_no_audit_row()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var qid = await db.Questionnaires.Where(q => q.Key == "sipas").Select(q => q.Id).SingleAsync();
        var empty = await Rounds.CreateAsync(db, new RoundRequest(2025, "Rỗng", qid, new DateOnly(2025, 10, 1), new DateOnly(2025, 12, 30)), Actors.Admin());
        Assert.NotNull((await Rounds.SetStatusAsync(db, empty.Value, RoundStatus.Open, Actors.Admin(), TimeProvider.System)).Errors);
        Assert.Empty(await StatusRowsAsync(database, empty.Value));
    }

    [Fact]
    public async Task Opening_and_closing_through_the_API_are_audited_under_the_signed_in_user()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int id;
        await using (var db = database.NewContext()) id = await PlannedRoundAsync(db);
        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();
        (await client.PostAsJsonAsync($"/api/surveys/rounds/{id}/status", new { status = "Open" })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync($"/api/surveys/rounds/{id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();

        var rows = await StatusRowsAsync(database, id);
        Assert.Equal([("Nháp", "Đang mở"), ("Đang mở", "Đã đóng")], rows.Select(r => (r.OldValue, r.NewValue)));
        Assert.All(rows, r => Assert.Contains("test-admin", r.User));
    }

    [Fact]
    public async Task Opening_and_closing_through_the_CLI_are_audited_under_the_operator()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int id;
        await using (var db = database.NewContext()) id = await PlannedRoundAsync(db);
        var opened = await Cli.RunAsync(database, "survey", "status", id.ToString(), "Open", "--json");
        Assert.Equal("Open", opened.GetProperty("status").GetString());
        await Cli.RunAsync(database, "survey", "status", id.ToString(), "Closed", "--json");

        var rows = await StatusRowsAsync(database, id);
        Assert.Equal([("Nháp", "Đang mở"), ("Đang mở", "Đã đóng")], rows.Select(r => (r.OldValue, r.NewValue)));
        Assert.All(rows, r => Assert.StartsWith("CLI (", r.User));
    }
}

public sealed class RoundStatusAuditSqliteTests() : RoundStatusAuditTests(Provider.Sqlite);

public sealed class RoundStatusAuditPostgresTests() : RoundStatusAuditTests(Provider.Postgres);
