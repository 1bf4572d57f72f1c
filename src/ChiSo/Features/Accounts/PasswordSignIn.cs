using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace ChiSo.Features.Accounts;

/// <summary>Signed in, or not (a wrong name or password, said the same way for both), or not even tried (a limit).</summary>
public sealed record SignInOutcome(bool Succeeded, LoginRefusal? Refused = null);

/// <summary>Changed, or the errors by field, or not even tried (a limit).</summary>
public sealed record PasswordChangeOutcome(Dictionary<string, string[]>? Errors = null, LoginRefusal? Refused = null);

/// <summary>Signing in with a password and changing one's own, for the API and the pages alike: the limits of
/// <see cref="LoginLimits"/> around Identity's password check, and the same hashing cost whether the name exists or not.</summary>
public sealed class PasswordSignIn(SignInManager<ChiSoUser> signIn, UserAccounts accounts, LoginLimits limits, DummyPassword dummy, TimeProvider clock)
{
    UserManager<ChiSoUser> Users => signIn.UserManager;

    public async Task<SignInOutcome> SignInAsync(string? userName, string? password, IPAddress? client, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password)) return new(false);
        var attempt = await limits.BeginAsync(client, userName, ct);
        if (attempt.Refused is not null) return new(false, attempt.Refused);
        if (attempt.Delay > TimeSpan.Zero) await Task.Delay(attempt.Delay, clock, ct);

        var user = await Users.FindByNameAsync(userName.Trim());
        bool matched;
        if (user is null || user.PasswordHash is null || await Users.IsLockedOutAsync(user))
        {
            // No account, or one an admin turned off: the same hashing as a real check, so the time taken does not say
            // which names exist; and the same answer.
            dummy.Verify(Users.PasswordHasher, password);
            matched = false;
        }
        else
            matched = (await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false)).Succeeded;
        await limits.EndAsync(attempt, matched, ct);
        return new(matched);
    }

    /// <summary>The signed-in user changes their own password: the current one is checked (and a wrong one counts as a
    /// failed sign-in), every other session of the user ends, and this one carries on with the new security stamp.</summary>
    public async Task<PasswordChangeOutcome> ChangePasswordAsync(ClaimsPrincipal principal, string? currentPassword, string? newPassword,
        IPAddress? client, CancellationToken ct = default)
    {
        var actor = Actor.From(principal);
        var login = principal.Identity?.Name;
        actor.Require(actor.IsSignedIn && login is not null, "Chỉ người đã đăng nhập mới đổi được mật khẩu của mình.");
        var session = principal.FindFirstValue(AuthSessions.SessionClaim);
        UserChange change;
        // A form refused before any password is checked (a field left empty, the same password twice) is not a guess.
        if (string.IsNullOrEmpty(currentPassword) || string.IsNullOrEmpty(newPassword) || currentPassword == newPassword)
            change = await accounts.ChangeOwnPasswordAsync(actor, currentPassword, newPassword, session, ct);
        else
        {
            var attempt = await limits.BeginAsync(client, login!, ct);
            if (attempt.Refused is not null) return new(Refused: attempt.Refused);
            if (attempt.Delay > TimeSpan.Zero) await Task.Delay(attempt.Delay, clock, ct);
            change = await accounts.ChangeOwnPasswordAsync(actor, currentPassword, newPassword, session, ct);
            // Only a wrong current password is reported on its field once both are given; a refused new one means the
            // current one was right.
            await limits.EndAsync(attempt, passwordMatched: change.Errors?.ContainsKey(UserAccounts.CurrentPasswordField) != true, ct);
        }
        if (change.NotFound) return new(new() { [UserAccounts.CurrentPasswordField] = ["Không còn tài khoản này."] });
        if (change.Errors is { } errors) return new(errors);
        if (await Users.FindByIdAsync(actor.UserId) is { } user) await signIn.RefreshSignInAsync(user);
        return new();
    }
}

/// <summary>A password hash of nothing anyone knows, made once per app with the app's hasher settings, so that checking
/// a password for an unknown name costs what checking a real one does.</summary>
public sealed class DummyPassword
{
    static readonly ChiSoUser Nobody = new() { DisplayName = "" };
    string? hash;

    public void Verify(IPasswordHasher<ChiSoUser> hasher, string password)
    {
        var h = LazyInitializer.EnsureInitialized(ref hash, () => hasher.HashPassword(Nobody, RandomNumberGenerator.GetHexString(32)));
        hasher.VerifyHashedPassword(Nobody, h, password);
    }
}
