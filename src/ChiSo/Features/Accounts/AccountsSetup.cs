using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using ChiSo.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChiSo.Features.Accounts;

/// <summary>Identity as both hosts use it (the web adds sign-in and cookies), the six roles, and the first admin.</summary>
public static class AccountsSetup
{
    public const string FirstAdmin = "admin";
    public const string FirstAdminName = "Quản trị Sở Nội vụ";
    public const string PasswordFile = "initial-admin-password.txt";

    /// <summary>Lockout end of a deactivated account: far enough to mean "until an admin turns it back on".</summary>
    public static readonly DateTimeOffset Deactivated = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static IdentityBuilder AddChiSoIdentity(this IServiceCollection services) =>
        services.AddScoped<IPasswordHasher<ChiSoUser>, NormalPasswordHasher>().AddIdentityCore<ChiSoUser>(o =>
            {
                o.Password.RequiredLength = 8;
                // Identity's lockout end is how an admin turns an account off (Deactivated); failed sign-ins no longer lock an
                // account (anyone could lock out anyone): LoginLimits slows guessers per address and name instead.
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ChiSoDb>()
            .AddErrorDescriber<VietnameseIdentityErrors>()
            .AddClaimsPrincipalFactory<ChiSoClaimsFactory>();

    /// <summary>Adds the roles that are missing; safe to run on every start.</summary>
    public static async Task EnsureRolesAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var have = (await db.Roles.Select(r => r.Name!).ToListAsync(ct)).ToHashSet();
        foreach (var role in Roles.All.Where(r => !have.Contains(r)))
            db.Roles.Add(new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>When nobody can sign in yet, creates <c>admin</c> with Accounts:InitialAdminPassword, or a random
    /// password that is logged once and, on SQLite, written next to the database file. Returns the file written, if any.</summary>
    public static async Task<string?> EnsureFirstAdminAsync(IServiceProvider services, IConfiguration config, ILogger logger, CancellationToken ct = default)
    {
        var users = services.GetRequiredService<UserManager<ChiSoUser>>();
        if (await users.Users.AnyAsync(ct)) return null;
        await EnsureRolesAsync(services.GetRequiredService<ChiSoDb>(), ct);
        var configured = config["Accounts:InitialAdminPassword"];
        var password = string.IsNullOrEmpty(configured) ? NewPassword() : configured;
        var admin = new ChiSoUser { UserName = FirstAdmin, DisplayName = FirstAdminName };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
            throw new InvalidOperationException("Không tạo được tài khoản quản trị đầu tiên: " + string.Join(" ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(admin, Roles.Admin);
        if (!string.IsNullOrEmpty(configured))
        {
            logger.LogInformation("Created the first admin account '{User}' with the password from Accounts:InitialAdminPassword.", FirstAdmin);
            return null;
        }
        string? file = null;
        if (DatabaseSetup.Provider(config) == "sqlite")
        {
            file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(DatabaseSetup.SqliteFile(config))) ?? ".", PasswordFile);
            // A file left from an earlier database holds a password that no longer works: replaced, owner-only from the start.
            File.Delete(file);
            OwnerOnlyFiles.WriteAllText(file, $"{FirstAdmin}\n{password}\n");
        }
        // Logged once, on purpose: the operator needs it to sign in the first time and should change it then.
        logger.LogWarning("Created the first admin account '{User}' with the random password {Password} (also in {File}). Change it after signing in.",
            FirstAdmin, password, file ?? "the log only");
        return file;
    }

    /// <summary>A random password that meets the password rules: lower, upper, digits and a dash, 19 characters.</summary>
    public static string NewPassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz", 5) + "-" + RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ", 5)
        + "-" + RandomNumberGenerator.GetString("23456789", 4) + "-" + RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 3);
}

/// <summary>Adds the display name and the unit to the cookie's claims, so <see cref="Actor.From"/> needs no query.</summary>
public sealed class ChiSoClaimsFactory(UserManager<ChiSoUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ChiSoUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ChiSoUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ChiSoClaims.DisplayName, user.DisplayName));
        if (user.UnitId is { } unit) identity.AddClaim(new Claim(ChiSoClaims.UnitId, unit.ToString(CultureInfo.InvariantCulture)));
        return identity;
    }
}

/// <summary>Identity's messages in Vietnamese (the ones a user or admin can meet).</summary>
public sealed class VietnameseIdentityErrors : IdentityErrorDescriber
{
    static IdentityError E(string code, string text) => new() { Code = code, Description = text };
    public override IdentityError DefaultError() => E(nameof(DefaultError), "Đã có lỗi, chưa ghi được.");
    public override IdentityError ConcurrencyFailure() => E(nameof(ConcurrencyFailure), "Tài khoản vừa được người khác sửa; hãy tải lại.");
    public override IdentityError DuplicateUserName(string userName) => E(nameof(DuplicateUserName), $"Tên đăng nhập '{userName}' đã có người dùng.");
    public override IdentityError InvalidUserName(string? userName) => E(nameof(InvalidUserName), $"Tên đăng nhập '{userName}' chỉ được gồm chữ không dấu, số và các dấu - . _ @ +.");
    public override IdentityError DuplicateEmail(string email) => E(nameof(DuplicateEmail), $"Thư điện tử '{email}' đã có tài khoản khác dùng.");
    public override IdentityError InvalidEmail(string? email) => E(nameof(InvalidEmail), $"Thư điện tử '{email}' không hợp lệ.");
    public override IdentityError PasswordMismatch() => E(nameof(PasswordMismatch), "Mật khẩu hiện tại không đúng.");
    public override IdentityError PasswordTooShort(int length) => E(nameof(PasswordTooShort), $"Mật khẩu phải có ít nhất {length} ký tự.");
    public override IdentityError PasswordRequiresDigit() => E(nameof(PasswordRequiresDigit), "Mật khẩu phải có ít nhất một chữ số.");
    public override IdentityError PasswordRequiresLower() => E(nameof(PasswordRequiresLower), "Mật khẩu phải có ít nhất một chữ thường.");
    public override IdentityError PasswordRequiresUpper() => E(nameof(PasswordRequiresUpper), "Mật khẩu phải có ít nhất một chữ hoa.");
    public override IdentityError PasswordRequiresNonAlphanumeric() => E(nameof(PasswordRequiresNonAlphanumeric), "Mật khẩu phải có ít nhất một ký tự đặc biệt (ví dụ - ! @ #).");
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => E(nameof(PasswordRequiresUniqueChars), $"Mật khẩu phải có ít nhất {uniqueChars} ký tự khác nhau.");
    public override IdentityError UserAlreadyInRole(string role) => E(nameof(UserAlreadyInRole), $"Tài khoản đã có vai trò {Roles.Label(role)}.");
}
