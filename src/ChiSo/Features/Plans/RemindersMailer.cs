using System.Net;
using System.Net.Mail;
using ChiSo.Data;
using ChiSo.Features.Notifications;
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
/// Each reminder is claimed, sent, then marked sent (<see cref="MailClaims"/>): a row is inserted when the reminder falls
/// due, and every later pass tries a failed one again until the deadline is past or a nearer reminder for the same deadline
/// replaces it.</summary>
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
        var unitIds = set!.Units.Values.ToDictionary(u => u.Code, u => u.Id);
        // Everything due within the longest reminder's reach: today's reminders, and the deadlines a failed one still waits for.
        var near = Reminders.For(set, today, within: Reminders.DaysBefore.Max())
            .Where(n => n.Kind == NotificationKind.Reminder && recipients.ContainsKey(n.Unit.ToUpperInvariant()))
            .GroupBy(n => (n.TaskId, UnitId: unitIds[n.Unit], n.Due)).ToDictionary(g => g.Key, g => g.First());
        var made = (await db.RemindersSent.Where(r => r.Due >= today).Select(r => new { r.TaskId, r.UnitId, r.Due, r.DaysBefore }).ToListAsync(ct))
            .Select(r => (r.TaskId, r.UnitId, r.Due, r.DaysBefore)).ToHashSet();
        foreach (var ((taskId, unitId, due), n) in near)
        {
            if (!Reminders.DaysBefore.Contains(n.Days) || made.Contains((taskId, unitId, due, n.Days))) continue;
            db.RemindersSent.Add(new ReminderSent { TaskId = taskId, UnitId = unitId, Due = due, DaysBefore = n.Days });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // Made meanwhile by another instance: it is sent below if it is still pending.
            }
            db.ChangeTracker.Clear();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var pending = (await db.RemindersSent.AsNoTracking().Where(r => r.SentAt == null && r.Due >= today).ToListAsync(ct))
            .Where(r => MailClaims.Pending(r, now))
            // A nearer reminder of the same deadline replaces one that never went out.
            .GroupBy(r => (r.TaskId, r.UnitId, r.Due)).Select(g => g.MinBy(r => r.DaysBefore)!).ToList();
        var sent = 0;
        foreach (var row in pending)
        {
            // Done, or the unit no longer on the task: nothing to remind of.
            if (!near.TryGetValue((row.TaskId, row.UnitId, row.Due), out var n)) continue;
            // Newer reminders of the deadline (made by another pass since the read) win.
            if (await db.RemindersSent.AnyAsync(r => r.TaskId == row.TaskId && r.UnitId == row.UnitId && r.Due == row.Due && r.DaysBefore < row.DaysBefore, ct)) continue;
            var to = recipients[n.Unit.ToUpperInvariant()];
            if (await MailClaims.SendOnceAsync(db.RemindersSent.Where(r => r.Id == row.Id), row.Attempts, clock, () => SendAsync(to, n, ct), log,
                    $"nhắc hạn nhiệm vụ {n.TaskId} tới {to}", ct))
                sent++;
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
