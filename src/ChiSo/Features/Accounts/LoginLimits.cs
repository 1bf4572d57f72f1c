using System.Net;
using System.Net.Sockets;
using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace ChiSo.Features.Accounts;

/// <summary>A password check that failed (or is under way): from which client address, for which name. Rows live for the
/// limits' window only; every app instance counts the same rows.</summary>
public sealed class LoginFailure
{
    public long Id { get; set; }
    /// <summary>The client's address (IPv6: its /64, which one household or office holds whole).</summary>
    public required string Address { get; set; }
    /// <summary>The name as typed, normalised as Identity does (upper case), whether an account has it or not.</summary>
    public required string UserName { get; set; }
    public DateTime At { get; set; }
}

internal sealed class LoginFailureConfiguration : IEntityTypeConfiguration<LoginFailure>
{
    public void Configure(EntityTypeBuilder<LoginFailure> b)
    {
        b.Property(f => f.Address).HasMaxLength(64);
        b.Property(f => f.UserName).HasMaxLength(LoginLimits.NameLength);
        b.HasIndex(f => new { f.Address, f.At });
        b.HasIndex(f => new { f.UserName, f.At });
        b.HasIndex(f => f.At);
    }
}

/// <summary>The sign-in limits (configuration section Accounts:LoginLimits); docs/decisions/0015 says why these figures.</summary>
public sealed class LoginLimitOptions
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Failures of one name from one address within <see cref="Window"/> before that pair waits.</summary>
    public int PerAddressAndName { get; set; } = 5;
    /// <summary>Failures from one address, whatever the names, before the address waits.</summary>
    public int PerAddress { get; set; } = 30;
    /// <summary>Failures of one name from all addresses after which each attempt on it is delayed (never refused).</summary>
    public int SlowNameAfter { get; set; } = 20;
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Why a sign-in was not even tried, and when it may be (the Retry-After of the 429).</summary>
public sealed record LoginRefusal(TimeSpan RetryAfter, string Message)
{
    public int RetryAfterSeconds => (int)Math.Ceiling(RetryAfter.TotalSeconds);
}

/// <summary>A password check under way: its row counts as a failure until the password is found right.</summary>
public sealed record LoginAttempt(LoginFailure Row, LoginRefusal? Refused, TimeSpan Delay);

/// <summary>Limits on password guessing, kept in the database so that every instance applies the same counts. Per address
/// and name, so a guesser elsewhere cannot lock out the real user (nor the first admin); per address across names; per
/// name across addresses only a delay, for the same reason.</summary>
public sealed class LoginLimits(ChiSoDb db, TimeProvider clock, IOptions<LoginLimitOptions> options)
{
    public const int NameLength = 256;

    public static string AddressOf(IPAddress? ip)
    {
        if (ip is null) return "?";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static string NameOf(string userName)
    {
        var name = userName.Trim().ToUpperInvariant();
        return name.Length <= NameLength ? name : name[..NameLength];
    }

    /// <summary>Counts the attempt first and checks the limits after, so that a burst of parallel guesses cannot all pass
    /// the check before any of them is counted.</summary>
    public async Task<LoginAttempt> BeginAsync(IPAddress? client, string userName, CancellationToken ct = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - o.Window;
        var row = new LoginFailure { Address = AddressOf(client), UserName = NameOf(userName), At = now };
        db.LoginFailures.Add(row);
        await db.SaveChangesAsync(ct);

        var fromAddress = await db.LoginFailures.AsNoTracking().Where(f => f.Address == row.Address && f.At > since && f.Id != row.Id)
            .Select(f => new { f.UserName, f.At }).ToListAsync(ct);
        var pairWait = Wait(fromAddress.Where(f => f.UserName == row.UserName).Select(f => f.At), o.PerAddressAndName, o.Window, now);
        var addressWait = Wait(fromAddress.Select(f => f.At), o.PerAddress, o.Window, now);
        if (pairWait is not null || addressWait is not null)
        {
            db.LoginFailures.Remove(row);
            await db.SaveChangesAsync(ct);
            return addressWait >= (pairWait ?? TimeSpan.Zero)
                ? new(row, new(addressWait.Value, $"Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn. Hãy thử lại sau {Minutes(addressWait.Value)} phút."), TimeSpan.Zero)
                : new(row, new(pairWait!.Value, $"Đã đăng nhập sai {o.PerAddressAndName} lần với tên này từ máy của bạn. Hãy thử lại sau "
                    + $"{Minutes(pairWait.Value)} phút, hoặc đề nghị quản trị đặt lại mật khẩu."), TimeSpan.Zero);
        }
        var byName = await db.LoginFailures.CountAsync(f => f.UserName == row.UserName && f.At > since && f.Id != row.Id, ct);
        return new(row, null, byName >= o.SlowNameAfter ? o.SlowDelay : TimeSpan.Zero);
    }

    /// <summary>Ends a checked attempt: a wrong password stays counted; a right one clears the failures of its address and
    /// name. Either way, failures and sessions past their time are removed, so no instance needs a timer for it.</summary>
    public async Task EndAsync(LoginAttempt attempt, bool passwordMatched, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (passwordMatched)
            await db.LoginFailures.Where(f => f.Address == attempt.Row.Address && f.UserName == attempt.Row.UserName).ExecuteDeleteAsync(ct);
        var old = now - options.Value.Window;
        await db.LoginFailures.Where(f => f.At <= old).ExecuteDeleteAsync(ct);
        await AuthSessions.PruneAsync(db, now, ct);
    }

    /// <summary>Forgets the failures recorded against a name: an admin who resets the password or turns the account back
    /// on lets its user in from anywhere at once.</summary>
    public static Task<int> ForgetAsync(ChiSoDb db, string userName, CancellationToken ct = default)
    {
        var name = NameOf(userName);
        return db.LoginFailures.Where(f => f.UserName == name).ExecuteDeleteAsync(ct);
    }

    /// <summary>With <paramref name="limit"/> or more earlier failures in the window, how long until fewer remain: the
    /// limit-th latest leaves the window then.</summary>
    static TimeSpan? Wait(IEnumerable<DateTime> earlier, int limit, TimeSpan window, DateTime now)
    {
        var latest = earlier.OrderDescending().Take(limit).ToList();
        if (latest.Count < limit) return null;
        var wait = latest[^1] + window - now;
        return wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1);
    }

    static int Minutes(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
}
