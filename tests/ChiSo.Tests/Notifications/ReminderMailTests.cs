using ChiSo.Data;
using ChiSo.Features.Plans;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Notifications;

/// <summary>The e-mail reminders are claimed, sent, then marked sent: a mail server that refuses loses no reminder, the next
/// pass sends it, and no pass or instance sends it twice.</summary>
public abstract class ReminderMailTests(Provider provider)
{
    [Fact]
    public async Task A_reminder_the_mail_server_refused_is_kept_and_sent_once_by_a_later_pass()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var sink = new SmtpSink { Refuse = true };
        FakeTimeProvider clock;
        await using (var db = database.NewContext())
        {
            var from = new DateOnly(2024, 1, 1);
            var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: "SNV"), from);
            var snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
            var due = Reminders.For(set!, from, snv, within: 3 * 365).Where(n => n.Kind == NotificationKind.Reminder).Min(n => n.Due);
            // Ten in the morning in Hanoi, seven days before the deadline.
            clock = new FakeTimeProvider(new DateTimeOffset(due.AddDays(-7).ToDateTime(new TimeOnly(3, 0)), TimeSpan.Zero));
        }
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.ProviderName,
            ["ConnectionStrings:ChiSo"] = database.ConnectionString,
            ["Security:Secret"] = TestDatabase.ServerSecret,
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = sink.Port.ToString(),
            ["Smtp:From"] = "chiso@chiso.test",
            ["Reminders:Recipients:SNV"] = "cchc@snv.chiso.test",
        }).Build();
        await using var services = new ServiceCollection().AddChiSoData(config).BuildServiceProvider();
        // Two instances' mailers over one database.
        RemindersMailer Mailer() => new(services.GetRequiredService<IServiceScopeFactory>(), config, clock, NullLogger<RemindersMailer>.Instance);
        async Task<List<ReminderSent>> RowsAsync()
        {
            await using var db = database.NewContext();
            return await db.RemindersSent.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
        }

        Assert.Equal(0, await Mailer().RunOnceAsync(default));
        var refused = await RowsAsync();
        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            Assert.Null(r.SentAt);
            Assert.Null(r.ClaimedAt);
            Assert.Equal(1, r.Attempts);
            Assert.Equal(7, r.DaysBefore);
            Assert.False(string.IsNullOrEmpty(r.Problem));
        });
        Assert.Empty(sink.Messages);

        // The mail server is back an hour later: the next pass sends each reminder once.
        sink.Refuse = false;
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(refused.Count, await Mailer().RunOnceAsync(default));
        var sent = await RowsAsync();
        Assert.Equal(refused.Select(r => r.Id), sent.Select(r => r.Id));
        Assert.All(sent, r =>
        {
            Assert.Equal(clock.GetUtcNow().UtcDateTime, r.SentAt!.Value, TimeSpan.FromSeconds(1));
            Assert.Null(r.Problem);
            Assert.Equal(2, r.Attempts);
        });
        Assert.Equal(refused.Count, sink.Messages.Count);
        Assert.All(sink.Messages, m => Assert.Contains("cchc@snv.chiso.test", m));

        // Another pass, here or on another instance: nothing more.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Mailer().RunOnceAsync(default));
        Assert.Equal(0, await Mailer().RunOnceAsync(default));
        Assert.Equal(refused.Count, sink.Messages.Count);
        Assert.Equal(refused.Count, (await RowsAsync()).Count);
    }
}

public sealed class ReminderMailSqliteTests() : ReminderMailTests(Provider.Sqlite);

public sealed class ReminderMailPostgresTests() : ReminderMailTests(Provider.Postgres);
