using System.Net.Mail;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChiSo.Features.Notifications;

/// <summary>E-mails each user's unread notices once, when <c>Smtp:Host</c> is set and the account has an e-mail address.
/// Every pass derives the notices again; a notice is sent only by the instance whose insert into <see cref="NoticeMailed"/>
/// passed the unique key, so several instances (or a pass that overlaps the previous one) never send it twice. The scheduler
/// (<see cref="Cluster.Scheduler"/>) runs a pass every half hour (<c>Notifications:Every</c>).</summary>
public sealed class NoticeMailer(IServiceScopeFactory scopes, IConfiguration config, TimeProvider clock, ILogger<NoticeMailer> log)
{
    /// <summary>One pass over every account with an address: returns how many mails this instance sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        var notices = new NoticeService(db, clock, config);
        // A locked account gets nothing; SQLite cannot compare the lock's offset date in SQL, and the accounts are few.
        var now = clock.GetUtcNow();
        var users = (await db.Users.AsNoTracking().Where(u => u.Email != null && u.Email != "")
            .Select(u => new { u.UserName, u.Email, u.DisplayName, u.LockoutEnd }).ToListAsync(ct))
            .Where(u => u.LockoutEnd is null || u.LockoutEnd < now).ToList();
        var sent = 0;
        foreach (var user in users)
        {
            if (await Actor.LoadAsync(db, user.UserName!, ct) is not { } actor) continue;
            foreach (var n in (await notices.ListAsync(actor, ct)).Where(n => !n.Read))
            {
                var row = new NoticeMailed { UserId = actor.UserId, Key = n.Key, SentAt = clock.GetUtcNow().UtcDateTime };
                db.Set<NoticeMailed>().Add(row);
                try { await db.SaveChangesAsync(ct); }
                catch (DbUpdateException)
                {
                    // Sent already, by an earlier pass or another instance.
                    db.ChangeTracker.Clear();
                    continue;
                }
                try
                {
                    await RemindersMailer.SendMailAsync(config, user.Email!, user.DisplayName, n.Title, n.Text, n.Link, ct);
                    sent++;
                }
                catch (Exception e) when (e is SmtpException or InvalidOperationException or IOException)
                {
                    // Not sent: give the row back so that the next pass tries again.
                    db.Set<NoticeMailed>().Remove(row);
                    await db.SaveChangesAsync(ct);
                    log.LogWarning(e, "Không gửi được thông báo {Key} tới {To}.", n.Key, user.Email);
                }
            }
        }
        return sent;
    }
}
