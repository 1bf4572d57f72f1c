using ChiSo.Data;
using ChiSo.Features.Audit;
using ChiSo.Features.Units;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Accounts;

public sealed record UserRow(string Id, string UserName, string DisplayName, string? Email, IReadOnlyList<string> Roles,
    string? Unit, string? UnitName, bool Active, DateTimeOffset? LockedUntil);

/// <summary>A new account. <see cref="Unit"/> is a unit code or name; without <see cref="Password"/> a random one is made
/// and returned once.</summary>
public sealed record UserCreate(string? UserName, string? DisplayName, string? Email, List<string>? Roles, string? Unit, string? Password);

/// <summary>A change to an account; null leaves a field as it is, an empty <see cref="Unit"/> removes the unit.
/// <see cref="Active"/> false locks the account until turned on again; true also forgets the name's failed sign-ins.
/// A change of roles or unit, or a lock, ends the user's sessions.</summary>
public sealed record UserEdit(string? DisplayName, string? Email, List<string>? Roles, string? Unit, bool? Active);

public sealed record PasswordReset(string? Password);

/// <summary>The outcome of a change: the account as it now is (and a password made for it, shown once), or the errors.</summary>
public sealed record UserChange(UserRow? User = null, Dictionary<string, string[]>? Errors = null, bool NotFound = false, string? Password = null);

/// <summary>Account administration for the admin API, the admin page and the CLI. Every change of roles, unit,
/// activity, display name or password is in the audit log (subject "user:{userName}"; passwords are never written).
/// Changes that take access away or change what a session's claims say end the user's sessions (<see cref="AuthSessions"/>).</summary>
public sealed class UserAccounts(ChiSoDb db, UserManager<ChiSoUser> users, TimeProvider clock)
{
    /// <summary>Accounts are the standing agency's to create, change and read.</summary>
    public static bool MayManage(Actor actor) => actor.IsAdmin;

    static void RequireManage(Actor actor) =>
        actor.Require(MayManage(actor), "Chỉ quản trị của cơ quan thường trực được quản lý tài khoản.");

    public async Task<List<UserRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        var list = await db.Users.AsNoTracking().Include(u => u.Unit).OrderBy(u => u.UserName).ToListAsync(ct);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
        return list.Select(u => Row(u, roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).ToList())).ToList();
    }

    public async Task<UserRow?> FindAsync(string idOrUserName, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().Include(u => u.Unit)
            .FirstOrDefaultAsync(u => u.Id == idOrUserName || u.NormalizedUserName == idOrUserName.ToUpperInvariant(), ct);
        return user is null ? null : Row(user, [.. await users.GetRolesAsync(user)]);
    }

    UserRow Row(ChiSoUser u, List<string> roles) =>
        new(u.Id, u.UserName!, u.DisplayName, u.Email, Roles.All.Where(roles.Contains).ToList(), u.Unit?.Code, u.Unit?.Name,
            u.LockoutEnd != AccountsSetup.Deactivated, u.LockoutEnd > clock.GetUtcNow() && u.LockoutEnd != AccountsSetup.Deactivated ? u.LockoutEnd : null);

    public async Task<UserChange> CreateAsync(UserCreate request, Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        var who = actor.Name;
        var errors = new Dictionary<string, string[]>();
        var userName = request.UserName?.Trim();
        if (string.IsNullOrEmpty(userName)) errors["userName"] = ["Cần tên đăng nhập."];
        var displayName = request.DisplayName?.Trim();
        if (string.IsNullOrEmpty(displayName)) errors["displayName"] = ["Cần họ tên hoặc tên hiển thị."];
        var roles = await CheckRolesAndUnitAsync(request.Roles ?? [], request.Unit, errors, ct);
        if (errors.Count > 0) return new(Errors: errors);

        var password = string.IsNullOrEmpty(request.Password) ? AccountsSetup.NewPassword() : request.Password;
        var user = new ChiSoUser { UserName = userName, DisplayName = displayName!, Email = Blank(request.Email), UnitId = roles.Unit?.Id };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return new(Errors: Errors(created, "password"));
        await users.AddToRolesAsync(user, roles.Roles);
        Audit(who, userName!, "created", null, $"{displayName}; {string.Join(", ", roles.Roles)}; {roles.Unit?.Code}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(await FindAsync(user.Id, ct), Password: string.IsNullOrEmpty(request.Password) ? password : null);
    }

    public async Task<UserChange> EditAsync(string id, UserEdit edit, Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        var who = actor.Name;
        var user = await users.FindByIdAsync(id) ?? await users.FindByNameAsync(id);
        if (user is null) return new(NotFound: true);
        var errors = new Dictionary<string, string[]>();
        if (edit.DisplayName is not null && string.IsNullOrWhiteSpace(edit.DisplayName)) errors["displayName"] = ["Cần họ tên hoặc tên hiển thị."];
        var current = (await users.GetRolesAsync(user)).ToList();
        var oldUnit = user.UnitId is { } uid ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == uid, ct) : null;
        var checkedRoles = await CheckRolesAndUnitAsync(edit.Roles ?? current, edit.Unit ?? oldUnit?.Code, errors, ct);
        if (errors.Count > 0) return new(Errors: errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var name = user.UserName!;
        if (edit.DisplayName is { } dn && dn.Trim() != user.DisplayName)
        {
            Audit(who, name, "displayName", user.DisplayName, dn.Trim());
            user.DisplayName = dn.Trim();
        }
        if (edit.Email is not null && Blank(edit.Email) != user.Email)
        {
            Audit(who, name, "email", user.Email, Blank(edit.Email));
            user.Email = Blank(edit.Email);
        }
        if (checkedRoles.Unit?.Id != user.UnitId)
        {
            Audit(who, name, "unit", oldUnit?.Code, checkedRoles.Unit?.Code);
            user.UnitId = checkedRoles.Unit?.Id;
        }
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) return new(Errors: Errors(updated, "user"));
        if (!checkedRoles.Roles.Order().SequenceEqual(current.Order()))
        {
            Audit(who, name, "roles", string.Join(", ", current.Order()), string.Join(", ", checkedRoles.Roles.Order()));
            await users.RemoveFromRolesAsync(user, current.Except(checkedRoles.Roles));
            await users.AddToRolesAsync(user, checkedRoles.Roles.Except(current));
        }
        var endSessions = checkedRoles.Unit?.Id != oldUnit?.Id || !checkedRoles.Roles.Order().SequenceEqual(current.Order());
        if (edit.Active is { } active)
        {
            var wasActive = user.LockoutEnd != AccountsSetup.Deactivated;
            if (active != wasActive) Audit(who, name, "active", wasActive ? "có" : "không", active ? "có" : "không");
            await users.SetLockoutEndDateAsync(user, active ? null : AccountsSetup.Deactivated);
            if (active)
            {
                await users.ResetAccessFailedCountAsync(user);
                await LoginLimits.ForgetAsync(db, name, ct);
            }
            endSessions |= !active;
        }
        await users.UpdateSecurityStampAsync(user);
        // Signed in with the old roles or unit, or no longer allowed in: every session ends, on every instance.
        if (endSessions) await AuthSessions.EndAllAsync(db, user.Id, ct: ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(await FindAsync(user.Id, ct));
    }

    public async Task<UserChange> ResetPasswordAsync(string id, string? password, Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        var who = actor.Name;
        var user = await users.FindByIdAsync(id) ?? await users.FindByNameAsync(id);
        if (user is null) return new(NotFound: true);
        var generated = string.IsNullOrEmpty(password);
        var newPassword = generated ? AccountsSetup.NewPassword() : password!;
        // Checked first, so that a refused password leaves the old one in place.
        var problems = new List<IdentityError>();
        foreach (var v in users.PasswordValidators) problems.AddRange((await v.ValidateAsync(users, user, newPassword)).Errors);
        if (problems.Count > 0) return new(Errors: new() { ["password"] = problems.Select(e => e.Description).ToArray() });
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await users.RemovePasswordAsync(user);
        var added = await users.AddPasswordAsync(user, newPassword);
        if (!added.Succeeded) return new(Errors: Errors(added, "password"));
        await users.SetLockoutEndDateAsync(user, user.LockoutEnd == AccountsSetup.Deactivated ? user.LockoutEnd : null);
        await users.ResetAccessFailedCountAsync(user);
        await LoginLimits.ForgetAsync(db, user.UserName!, ct);
        // Whoever held a session with the old password (perhaps the one who guessed it) is out.
        await AuthSessions.EndAllAsync(db, user.Id, ct: ct);
        Audit(who, user.UserName!, "password", null, "đặt lại");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(await FindAsync(user.Id, ct), Password: generated ? newPassword : null);
    }

    public const string CurrentPasswordField = "currentPassword";
    public const string NewPasswordField = "newPassword";

    /// <summary>The actor changes their own password, giving the current one. Every session of theirs but
    /// <paramref name="keepSession"/> (the one they are using) ends. A wrong current password is an error on
    /// <see cref="CurrentPasswordField"/>; the audit says that the password changed, never what to.</summary>
    public async Task<UserChange> ChangeOwnPasswordAsync(Actor actor, string? currentPassword, string? newPassword, string? keepSession,
        CancellationToken ct = default)
    {
        actor.Require(actor.IsSignedIn, "Chỉ người đã đăng nhập mới đổi được mật khẩu của mình.");
        var user = await users.FindByIdAsync(actor.UserId);
        if (user is null) return new(NotFound: true);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(currentPassword)) errors[CurrentPasswordField] = ["Cần mật khẩu hiện tại."];
        if (string.IsNullOrEmpty(newPassword)) errors[NewPasswordField] = ["Cần mật khẩu mới."];
        else if (newPassword == currentPassword) errors[NewPasswordField] = ["Mật khẩu mới phải khác mật khẩu hiện tại."];
        if (errors.Count > 0) return new(Errors: errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await users.ChangePasswordAsync(user, currentPassword!, newPassword!);
        if (!changed.Succeeded)
            return new(Errors: changed.Errors.GroupBy(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? CurrentPasswordField : NewPasswordField)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
        await AuthSessions.EndAllAsync(db, user.Id, keepSession, ct);
        Audit(actor.Name, user.UserName!, "password", null, "tự đổi");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(await FindAsync(user.Id, ct));
    }

    /// <summary>Roles must be known, at least one; a unit editor or head must have a unit; a unit must exist.</summary>
    async Task<(List<string> Roles, Unit? Unit)> CheckRolesAndUnitAsync(List<string> roles, string? unit, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var clean = roles.Select(r => r.Trim().ToLowerInvariant()).Distinct().ToList();
        var unknown = clean.Where(r => !Roles.All.Contains(r)).ToList();
        if (clean.Count == 0) errors["roles"] = ["Cần ít nhất một vai trò."];
        else if (unknown.Count > 0) errors["roles"] = [$"Không có vai trò {string.Join(", ", unknown)} (có: {string.Join(", ", Roles.All)})."];
        Unit? found = null;
        if (!string.IsNullOrWhiteSpace(unit))
        {
            found = (await UnitDirectory.LoadAsync(db, ct)).Find(unit);
            if (found is null) errors["unit"] = [$"Không có đơn vị '{unit}'."];
        }
        else if (clean.Contains(Roles.UnitEditor) || clean.Contains(Roles.UnitHead))
            errors["unit"] = ["Cán bộ nhập liệu và thủ trưởng đơn vị phải thuộc một đơn vị."];
        return (clean, found);
    }

    void Audit(string who, string userName, string field, string? old, string? @new) =>
        db.Audit.Add(new AuditEntry { At = clock.GetUtcNow().UtcDateTime, User = who, Subject = "user:" + userName, Field = field, OldValue = old, NewValue = @new });

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    static Dictionary<string, string[]> Errors(IdentityResult result, string fallback) =>
        result.Errors.GroupBy(e => e.Code switch
        {
            nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.InvalidUserName) => "userName",
            nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.InvalidEmail) => "email",
            _ when e.Code.StartsWith("Password", StringComparison.Ordinal) => "password",
            _ => fallback,
        }).ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
}
