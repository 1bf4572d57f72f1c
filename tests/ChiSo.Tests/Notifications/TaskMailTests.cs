using System.Text;
using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Notifications;
using ChiSo.Features.Plans;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Notifications;

/// <summary>Deadline mails (the unit's reminder and the user's notice) name the task by its words, its plan by its title,
/// the deadline as dd/MM/yyyy and link to the task's page at the public address; the two read the same.</summary>
public abstract class TaskMailTests(Provider provider)
{
    /// <summary>The mail's subject and body as a person reads them (the sink keeps the raw message, base64 or
    /// quoted-printable, with encoded headers).</summary>
    static string Readable(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var i and >= 0 ? i : raw.IndexOf("\n\n", StringComparison.Ordinal);
        var (headers, body) = (raw[..split], raw[split..].Trim());
        if (Regex.IsMatch(headers, "Content-Transfer-Encoding: base64", RegexOptions.IgnoreCase))
            body = Encoding.UTF8.GetString(Convert.FromBase64String(Regex.Replace(body, @"\s", "")));
        else if (Regex.IsMatch(headers, "Content-Transfer-Encoding: quoted-printable", RegexOptions.IgnoreCase))
        {
            var bytes = new List<byte>();
            var soft = Regex.Replace(body, "=\r?\n", "");
            for (var k = 0; k < soft.Length; k++)
                if (soft[k] == '=' && k + 2 < soft.Length) { bytes.Add(Convert.ToByte(soft.Substring(k + 1, 2), 16)); k += 2; }
                else bytes.AddRange(Encoding.UTF8.GetBytes(soft[k].ToString()));
            body = Encoding.UTF8.GetString([.. bytes]);
        }
        var subject = string.Concat(Regex.Matches(headers, @"=\?utf-8\?B\?([^?]*)\?=", RegexOptions.IgnoreCase)
            .Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))));
        return subject + "\n" + body;
    }

    [Fact]
    public async Task A_deadline_mail_names_the_task_its_plan_and_the_date_and_links_to_the_task_page()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        await using var sink = new SmtpSink();
        Notification reminder;
        string planTitle;
        await using (var db = database.NewContext())
        {
            var from = new DateOnly(2024, 1, 1);
            var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: "SNV"), from);
            var snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
            reminder = Reminders.For(set!, from, snv, within: 3 * 365).Where(n => n.Kind == NotificationKind.Reminder && n.Role == AgencyRole.Lead).OrderBy(n => n.Due).First();
            var id = reminder.TaskId;
            planTitle = await db.PlanTasks.Where(t => t.Id == id).Select(t => t.Plan!.Title).SingleAsync();
        }
        var clock = new FakeTimeProvider(new DateTimeOffset(reminder.Due.AddDays(-3).ToDateTime(new TimeOnly(3, 0)), TimeSpan.Zero));
        var userName = await app.UserAsync(Roles.UnitEditor, "SNV");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = sink.Port.ToString(), ["Smtp:From"] = "chiso@chiso.test",
            ["Reminders:Recipients:SNV"] = "cchc@snv.chiso.test", ["Notifications:BaseUrl"] = "https://chiso.hanoi.gov.vn/",
        }).Build();
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();

        Assert.True(await new RemindersMailer(scopes, config, clock, NullLogger<RemindersMailer>.Instance).RunOnceAsync(CancellationToken.None) > 0);
        Assert.True(await new NoticeMailer(scopes, config, clock, NullLogger<NoticeMailer>.Instance).RunOnceAsync(CancellationToken.None) > 0);

        var link = $"https://chiso.hanoi.gov.vn/tasks/{reminder.TaskId}";
        var mails = sink.Messages.Select(m => (Raw: m, Text: Readable(m))).ToList();
        var toUnit = Assert.Single(mails, m => m.Raw.Contains("cchc@snv.chiso.test", StringComparison.Ordinal) && m.Text.Contains(link, StringComparison.Ordinal)).Text;
        var toUser = mails.First(m => m.Raw.Contains(userName + "@chiso.test", StringComparison.Ordinal) && m.Text.Contains(link, StringComparison.Ordinal)).Text;
        foreach (var mail in new[] { toUnit, toUser })
        {
            Assert.Contains($"Còn 3 ngày đến hạn nhiệm vụ {reminder.Number} “", mail);
            Assert.Contains(reminder.Description, mail);
            Assert.Contains($"kế hoạch “{planTitle}”", mail);
            Assert.Contains($"Hạn {reminder.Due:dd/MM/yyyy}", mail);
            Assert.Contains($"Xem chi tiết: {link}", mail);
            Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}", mail.Split('\n', 2)[1]);
        }
        // The unit is greeted by its name, the user by theirs.
        Assert.Contains("Kính gửi Sở Nội vụ", toUnit);
    }
}

public sealed class TaskMailSqliteTests() : TaskMailTests(Provider.Sqlite);

public sealed class TaskMailPostgresTests() : TaskMailTests(Provider.Postgres);
