using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ChiSo.Features.Accounts;

/// <summary>Passwords hashed and checked as <see cref="ViText.Normal"/> keeps text (NFC; NIST SP 800-63B asks for a
/// normalised password), so a password with Vietnamese letters typed on a Mac (decomposed) and on Windows (composed)
/// is the same password, whichever door sets or checks it: the login page and the API normalise what they read, an
/// interactive page or the CLI may not.</summary>
public sealed class NormalPasswordHasher(IOptions<PasswordHasherOptions> options) : IPasswordHasher<ChiSoUser>
{
    readonly PasswordHasher<ChiSoUser> inner = new(options);

    public string HashPassword(ChiSoUser user, string password) => inner.HashPassword(user, ViText.Normal(password));

    public PasswordVerificationResult VerifyHashedPassword(ChiSoUser user, string hashedPassword, string providedPassword) =>
        inner.VerifyHashedPassword(user, hashedPassword, ViText.Normal(providedPassword));
}
