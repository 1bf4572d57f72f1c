using System.Net;
using System.Net.Mail;
using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChiSo.Features.Plans;

/// <summary>Sends the 7/3/1-day reminders by e-mail; the scheduler runs it hourly, only when <c>Smtp:Host</c> is configured,
/// on one instance of a cluster at a time (<see cref="Cluster.Scheduler"/>).
/// Units have no address in the registry yet, so addresses come from configuration:
/// <c>Reminders:Recipients:SNV = "cchc@snv.hanoi.gov.vn"</c> (units without one get in-app notifications only).
/// Other settings: Smtp:Port (25), Smtp:From, Smtp:User, Smtp:Password, Smtp:EnableSsl.
/// Each reminder is also inserted into <see cref="ReminderSent"/> first, and sent only when that insert passed the unique
/// key, so a pass run twice (by hand, or by two schedulers) sends nothing twice.</summary>
public sealed class RemindersMailer(IServiceScopeFactory scopes, IConfiguration config, TimeProvider clock, ILogger<RemindersMailer> log)
{
    /// <summary>One pass: returns how many reminders this instance sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var recipients = config.GetSection("Reminders:Recipients").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value)).ToDictionary(c => c.Key.ToUpperInvariant(), c => c.Value!);
        if (recipients.Count == 0) return 0;
        var today = TaskBoard.Today(clock);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(), today, ct);
        var sent = 0;
        foreach (var n in Reminders.For(set!, today).Where(n => n.Kind == NotificationKind.Reminder))
        {
            if (!recipients.TryGetValue(n.Unit.ToUpperInvariant(), out var to)) continue;
            var unitId = set!.Units.Values.First(u => u.Code == n.Unit).Id;
            var row = new ReminderSent { TaskId = n.TaskId, UnitId = unitId, Due = n.Due, DaysBefore = n.Days, SentAt = clock.GetUtcNow().UtcDateTime };
            db.RemindersSent.Add(row);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // Another instance (or an earlier pass) has it.
                db.ChangeTracker.Clear();
                continue;
            }
            try
            {
                await SendAsync(to, n, ct);
                sent++;
            }
            catch (Exception e) when (e is SmtpException or InvalidOperationException or IOException)
            {
                // Not sent: give the row back so that the next pass tries again.
                db.RemindersSent.Remove(row);
                await db.SaveChangesAsync(ct);
                log.LogWarning(e, "Không gửi được nhắc hạn nhiệm vụ {Task} tới {To}.", n.TaskId, to);
            }
        }
        return sent;
    }

    Task SendAsync(string to, Notification n, CancellationToken ct) => SendMailAsync(config, to, n.UnitName, n.Title, n.Text, n.Link, ct);

    /// <summary>Where a link in a mail points: the public address (Notifications:BaseUrl, else Surveys:PublicBaseUrl) and the
    /// page's path; the path alone when neither is set.</summary>
    public static string Absolute(IConfiguration config, string path) =>
        (config["Notifications:BaseUrl"] is { Length: > 0 } b ? b : config["Surveys:PublicBaseUrl"] is { Length: > 0 } s ? s : "").TrimEnd('/') + path;

    /// <summary>Every mail ChiSo sends reads the same: greeting, what happened, the details, and the page to open.</summary>
    public static Task SendMailAsync(IConfiguration config, string to, string greeted, string title, string text, string? link, CancellationToken ct) =>
        SendMailAsync(config, to, $"[ChiSo] {title}",
            $"Kính gửi {greeted},\n\n{title}.\n{text}\n" + (link is null ? "" : $"\nXem chi tiết: {Absolute(config, link)}\n"), ct);

    /// <summary>One plain-text UTF-8 mail through the configured server (Smtp:Host, Port, From, User, Password, EnableSsl).</summary>
    public static async Task SendMailAsync(IConfiguration config, string to, string subject, string body, CancellationToken ct)
    {
        using var smtp = new SmtpClient(config["Smtp:Host"], config.GetValue("Smtp:Port", 25))
        {
            EnableSsl = config.GetValue("Smtp:EnableSsl", false),
        };
        if (config["Smtp:User"] is { Length: > 0 } user) smtp.Credentials = new NetworkCredential(user, config["Smtp:Password"]);
        using var mail = new MailMessage(config["Smtp:From"] ?? "chiso@localhost", to)
        {
            Subject = subject,
            Body = body,
            SubjectEncoding = System.Text.Encoding.UTF8,
            BodyEncoding = System.Text.Encoding.UTF8,
        };
        await smtp.SendMailAsync(mail, ct);
    }
}
