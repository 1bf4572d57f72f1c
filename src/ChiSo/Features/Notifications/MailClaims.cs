using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ChiSo.Features.Notifications;

/// <summary>A mail the app owes once (a deadline reminder, a notice): its row is made when it falls due, its unique key
/// keeping a second pass or instance from making another, and it is sent by claim → send → mark.</summary>
public interface IMailClaim
{
    /// <summary>When the mail server accepted the mail; null while pending.</summary>
    DateTime? SentAt { get; set; }
    /// <summary>When a pass last took it to send; null when nobody holds it (new, or the last send failed).</summary>
    DateTime? ClaimedAt { get; set; }
    /// <summary>Sends tried; also the token a pass claims with, so two passes never both take it.</summary>
    int Attempts { get; set; }
    /// <summary>Why the last send failed (the mail server's answer); null once sent.</summary>
    string? Problem { get; set; }
}

/// <summary>Claim → send → mark for the rows of <see cref="IMailClaim"/>: a pass takes a pending row by a conditional update on
/// its attempt count, sends, and stamps it sent only once the mail server accepted the mail. A refused or failed send
/// releases the claim with the server's answer, so a later pass tries again; a claim left by an instance that died mid-send
/// is taken again after <see cref="StaleClaim"/>. A mail is thus sent at least once, and twice only when an instance died
/// between the server's acceptance and the mark.</summary>
public static class MailClaims
{
    /// <summary>How long a claim without an outcome blocks other passes: far longer than one send takes.</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(15);

    /// <summary>Whether a pass reading <paramref name="row"/> at <paramref name="now"/> should try to claim it.</summary>
    public static bool Pending(IMailClaim row, DateTime now) => row.SentAt is null && (row.ClaimedAt is null || row.ClaimedAt < now - StaleClaim);

    /// <summary>Claims the row (the query selects it alone) as read with <paramref name="attempts"/>, sends, marks: true when
    /// this pass sent it; false when another pass holds or sent it, or the send failed (then logged and left for a later pass).</summary>
    public static async Task<bool> SendOnceAsync<T>(IQueryable<T> row, int attempts, TimeProvider clock, Func<Task> send, ILogger log,
        string what, CancellationToken ct) where T : class, IMailClaim
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var stale = now - StaleClaim;
        var claimed = await row.Where(r => r.SentAt == null && r.Attempts == attempts && (r.ClaimedAt == null || r.ClaimedAt < stale))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ClaimedAt, now).SetProperty(r => r.Attempts, attempts + 1), ct);
        if (claimed == 0) return false;
        try
        {
            await send();
        }
        catch (Exception e) when (e is SmtpException or InvalidOperationException or IOException)
        {
            var problem = e.Message.Length > 500 ? e.Message[..500] : e.Message;
            await row.ExecuteUpdateAsync(u => u.SetProperty(r => r.ClaimedAt, (DateTime?)null).SetProperty(r => r.Problem, problem), ct);
            log.LogWarning(e, "Không gửi được {What} (lần {Attempt}); lượt sau gửi lại.", what, attempts + 1);
            return false;
        }
        var at = clock.GetUtcNow().UtcDateTime;
        await row.ExecuteUpdateAsync(u => u.SetProperty(r => r.SentAt, at).SetProperty(r => r.Problem, (string?)null), ct);
        return true;
    }
}
