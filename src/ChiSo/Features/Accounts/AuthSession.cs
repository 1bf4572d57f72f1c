using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ChiSo.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Features.Accounts;

/// <summary>A signed-in browser or API client. The cookie carries only a random key; the ticket (claims, expiry) lives
/// here, so ending a session takes effect on every app instance at its next request. <see cref="Id"/> is the SHA-256 of
/// the key: the table alone signs no one in.</summary>
public sealed class AuthSession
{
    public required string Id { get; set; }
    public required string UserId { get; set; }
    /// <summary>The serialised authentication ticket, protected with data protection (it names the user and roles).</summary>
    public required byte[] Ticket { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Sliding: moved on when the cookie handler renews the ticket.</summary>
    public DateTime ExpiresAt { get; set; }
    /// <summary>Updated at most once a minute, so a busy client does not write on every request.</summary>
    public DateTime LastSeenAt { get; set; }
}

internal sealed class AuthSessionConfiguration : IEntityTypeConfiguration<AuthSession>
{
    public void Configure(EntityTypeBuilder<AuthSession> b)
    {
        b.Property(s => s.Id).HasMaxLength(64);
        b.HasIndex(s => s.UserId);
        b.HasIndex(s => s.ExpiresAt);
        b.HasOne<ChiSoUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>An endpoint that signs someone in: the session the request arrives with is ended and ignored, so every
/// sign-in gets a new key (a cookie planted before the sign-in never becomes the new user's session).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class StartsSessionAttribute : Attribute;

/// <summary>The sessions table as the cookie handler's ticket store, and the checks and revocations built on it. No state
/// in the process: each call reads or writes the database that every instance shares.</summary>
public sealed class AuthSessions(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock) : ITicketStore
{
    /// <summary>The claim that names the session (its <see cref="AuthSession.Id"/>) in the principal, for the Blazor
    /// circuit's re-check, which has no cookie to read.</summary>
    public const string SessionClaim = "chiso:session";

    /// <summary>However active, a session ends after a working day and its user signs in again (OWASP ASVS 3.3.2).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(12);

    readonly IDataProtector protector = protection.CreateProtector("ChiSo.AuthSessions");

    DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static string IdOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var key = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var id = IdOf(key);
        var userId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("A session needs a signed-in user (no NameIdentifier claim).");
        Name(ticket, id);
        var now = Now;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        db.AuthSessions.Add(new AuthSession
        {
            Id = id, UserId = userId, Ticket = Protect(ticket), CreatedAt = now, ExpiresAt = ExpiryOf(ticket, now), LastSeenAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    /// <summary>Updates a session that still exists; never brings back one that was ended meanwhile (a request that read
    /// the session before a logout elsewhere may renew it after).</summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var id = IdOf(key);
        Name(ticket, id);
        var now = Now;
        var bytes = Protect(ticket);
        var expires = ExpiryOf(ticket, now);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ChiSoDb>().AuthSessions.Where(s => s.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Ticket, bytes).SetProperty(x => x.ExpiresAt, expires).SetProperty(x => x.LastSeenAt, now), cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null, CancellationToken.None);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => RetrieveAsync(key, null, cancellationToken);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        var id = IdOf(key);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        // Only the sign-in itself (the form's or the API's POST) drops the session it arrived with; merely opening the
        // login page signs nobody out.
        if (httpContext is not null && HttpMethods.IsPost(httpContext.Request.Method)
            && httpContext.GetEndpoint()?.Metadata.GetMetadata<StartsSessionAttribute>() is not null)
        {
            await db.AuthSessions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
            return null;
        }
        var now = Now;
        var row = await db.AuthSessions.AsNoTracking().Where(s => s.Id == id)
            .Select(s => new { s.Ticket, s.CreatedAt, s.ExpiresAt, s.LastSeenAt }).FirstOrDefaultAsync(cancellationToken);
        if (row is null) return null;
        if (row.ExpiresAt <= now || row.CreatedAt <= now - MaxAge)
        {
            await db.AuthSessions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
            return null;
        }
        if (now - row.LastSeenAt > TimeSpan.FromMinutes(1))
            await db.AuthSessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken);
        try
        {
            return TicketSerializer.Default.Deserialize(protector.Unprotect(row.Ticket));
        }
        catch (CryptographicException)
        {
            // The data-protection keys changed (lost or rotated out): the session cannot be read, so it is over.
            return null;
        }
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var id = IdOf(key);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ChiSoDb>().AuthSessions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Whether the session the principal was signed in with still holds: what an open Blazor circuit re-checks
    /// every few seconds. A principal without a session (none signed in through the cookie) does not hold.</summary>
    public async Task<bool> IsActiveAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.FindFirstValue(SessionClaim) is not { } id) return false;
        var now = Now;
        var since = now - MaxAge;
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ChiSoDb>().AuthSessions
            .AnyAsync(s => s.Id == id && s.ExpiresAt > now && s.CreatedAt > since, ct);
    }

    /// <summary>Ends every session of the user but <paramref name="except"/> (a session id): the next request of each is
    /// anonymous, on every instance. Runs on the caller's context, so it joins the caller's transaction.</summary>
    public static Task<int> EndAllAsync(ChiSoDb db, string userId, string? except = null, CancellationToken ct = default) =>
        db.AuthSessions.Where(s => s.UserId == userId && s.Id != except).ExecuteDeleteAsync(ct);

    /// <summary>Removes sessions that have expired: called now and then (on sign-in) rather than by a timer in each instance.</summary>
    public static Task<int> PruneAsync(ChiSoDb db, DateTime now, CancellationToken ct = default)
    {
        var since = now - MaxAge;
        return db.AuthSessions.Where(s => s.ExpiresAt <= now || s.CreatedAt <= since).ExecuteDeleteAsync(ct);
    }

    byte[] Protect(AuthenticationTicket ticket) => protector.Protect(TicketSerializer.Default.Serialize(ticket));

    static DateTime ExpiryOf(AuthenticationTicket ticket, DateTime now) =>
        ticket.Properties.ExpiresUtc?.UtcDateTime ?? now + TimeSpan.FromHours(8);

    /// <summary>Puts the session's id in the principal, replacing one copied from an earlier session.</summary>
    static void Name(AuthenticationTicket ticket, string id)
    {
        if (ticket.Principal.Identity is not ClaimsIdentity identity) return;
        foreach (var old in identity.FindAll(SessionClaim).ToList()) identity.RemoveClaim(old);
        identity.AddClaim(new Claim(SessionClaim, id));
    }
}
