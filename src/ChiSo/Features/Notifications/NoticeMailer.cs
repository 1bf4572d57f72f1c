using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChiSo.Features.Notifications;

/// <summary>E-mails each user's unread notices once, when <c>Smtp:Host</c> is set and the account has an e-mail address.
/// Every pass derives the notices again and makes a <see cref="NoticeMailed"/> row for each one not yet owed (its unique key
/// keeps several instances, or a pass that overlaps the previous one, from making two); the row is then claimed, sent and
/// marked (<see cref="MailClaims"/>), so an instance killed mid-send leaves it for a later pass instead of losing it. The scheduler
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
            var unread = (await notices.ListAsync(actor, ct)).Where(n => !n.Read).ToList();
            if (unread.Count == 0) continue;
            var owed = await RowsAsync(db, actor.UserId, ct);
            foreach (var n in unread.Where(n => !owed.ContainsKey(n.Key)))
            {
                db.NoticesMailed.Add(new NoticeMailed { UserId = actor.UserId, Key = n.Key });
                // Made meanwhile by another instance: it is read back below and sent if still pending.
                try { await db.SaveChangesAsync(ct); }
                catch (DbUpdateException) { }
                db.ChangeTracker.Clear();
            }
            if (unread.Any(n => !owed.ContainsKey(n.Key))) owed = await RowsAsync(db, actor.UserId, ct);
            foreach (var n in unread)
            {
                if (!owed.TryGetValue(n.Key, out var row) || !MailClaims.Pending(row, clock.GetUtcNow().UtcDateTime)) continue;
                if (await MailClaims.SendOnceAsync(db.NoticesMailed.Where(m => m.Id == row.Id), row.Attempts, clock,
                        () => RemindersMailer.SendMailAsync(config, user.Email!, user.DisplayName, n.Title, n.Text, n.Link, ct), log,
                        $"thông báo {n.Key} tới {user.Email}", ct))
                    sent++;
            }
        }
        return sent;
    }

    static async Task<Dictionary<string, NoticeMailed>> RowsAsync(ChiSoDb db, string userId, CancellationToken ct) =>
        await db.NoticesMailed.AsNoTracking().Where(m => m.UserId == userId).ToDictionaryAsync(m => m.Key, ct);
}
