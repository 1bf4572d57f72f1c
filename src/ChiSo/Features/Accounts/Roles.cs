using System.Security.Claims;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Accounts;

/// <summary>The roles of seed 002's procedure. Stored as Identity roles; a user may hold several.</summary>
public static class Roles
{
    /// <summary>The standing agency (Sở Nội vụ): opens cycles, edits frameworks, reopens, publishes.</summary>
    public const string Admin = "admin";
    public const string UnitEditor = "unit-editor";
    public const string UnitHead = "unit-head";
    public const string Appraiser = "appraiser";
    public const string SurveyInstitute = "survey-institute";
    /// <summary>City leaders: read everything, change nothing.</summary>
    public const string Leader = "leader";

    public static readonly IReadOnlyList<string> All = [Admin, UnitEditor, UnitHead, Appraiser, SurveyInstitute, Leader];

    public static string Label(string role) => role switch
    {
        Admin => "Cơ quan thường trực",
        UnitEditor => "Cán bộ nhập liệu của đơn vị",
        UnitHead => "Thủ trưởng đơn vị",
        Appraiser => "Thành viên thẩm định",
        SurveyInstitute => "Đơn vị điều tra xã hội học",
        Leader => "Lãnh đạo",
        _ => role,
    };
}

/// <summary>Authorization policy names, one per kind of access; route groups and pages name these.</summary>
public static class Policies
{
    /// <summary>Any signed-in user.</summary>
    public const string Staff = "staff";
    public const string Admin = "admin";
    /// <summary>Admin or the survey institute.</summary>
    public const string Surveys = "surveys";
    /// <summary>Anyone with a part in the unit assessment (admin, unit editor or head, appraiser, leader, survey institute); what each
    /// may see and change is checked per unit and criterion by the assessment service.</summary>
    public const string Assessment = "assessment";
    /// <summary>Admin or the survey institute, for entering the assessment's survey points.</summary>
    public const string SurveyPoints = "survey-points";
    /// <summary>Reads of surveys: admin, the survey institute, leaders.</summary>
    public const string SurveysRead = "surveys-read";
    /// <summary>Admin or leader: the change log.</summary>
    public const string Oversight = "oversight";
    /// <summary>Admin, a unit's editor or head: filing task progress and periodic reports; the handler checks the unit.</summary>
    public const string Filing = "filing";

    /// <summary>The roles each policy admits (Staff: any signed-in user). The web host builds its policies from this;
    /// docs/decisions/0007 shows it as a table.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [Admin] = [Roles.Admin],
        [Surveys] = [Roles.Admin, Roles.SurveyInstitute],
        [SurveysRead] = [Roles.Admin, Roles.SurveyInstitute, Roles.Leader],
        [Oversight] = [Roles.Admin, Roles.Leader],
        [Filing] = [Roles.Admin, Roles.UnitEditor, Roles.UnitHead],
        [Assessment] = [Roles.Admin, Roles.UnitEditor, Roles.UnitHead, Roles.Appraiser, Roles.Leader, Roles.SurveyInstitute],
        [SurveyPoints] = [Roles.Admin, Roles.SurveyInstitute],
    };
}

/// <summary>The claim that carries a unit user's unit id.</summary>
public static class ChiSoClaims
{
    public const string UnitId = "chiso:unit";
    public const string DisplayName = "chiso:name";
}

/// <summary>Who is acting, as the services see it: the web user, the CLI operator (who has the machine and so acts as
/// the standing agency), an account named by the CLI's <c>--as</c>, or nobody (<see cref="Anonymous"/>).
/// <see cref="Name"/> is how the audit log names them: "display name (user name)".</summary>
public sealed record Actor(string UserId, string Name, IReadOnlySet<string> RoleSet, int? UnitId)
{
    /// <summary>No one signed in: may answer a public survey form, nothing else.</summary>
    public static readonly Actor Anonymous = new("", "ẩn danh", new HashSet<string>(), null);

    public bool IsSignedIn => UserId.Length > 0;
    public bool Is(string role) => RoleSet.Contains(role);
    public bool IsAdmin => Is(Roles.Admin);
    /// <summary>Reads everything: the standing agency and leaders.</summary>
    public bool ReadsAll => Is(Roles.Admin) || Is(Roles.Leader);

    /// <summary>Whether this user may file a task's progress or a periodic report for the unit: the standing agency
    /// for any unit, a unit's editor or head for their own.</summary>
    public bool MayFileFor(int unitId) => IsAdmin || (UnitId == unitId && (Is(Roles.UnitEditor) || Is(Roles.UnitHead)));

    /// <summary>The service's refusal: throws <see cref="AccessDenied"/> with the reason (Vietnamese) unless allowed.
    /// The hosts turn it into 403 problem+json, a message on the page, or exit code 3 in the CLI.</summary>
    public void Require(bool allowed, string why)
    {
        if (!allowed) throw new AccessDenied(IsSignedIn ? why : "Cần đăng nhập. " + why);
    }

    /// <summary>Refuses unless the actor is the standing agency; <paramref name="what"/> completes "Chỉ cơ quan thường trực được …".</summary>
    public void RequireAdmin(string what) => Require(IsAdmin, $"Chỉ cơ quan thường trực (Sở Nội vụ) được {what}.");

    /// <summary>The app itself, loading its built-in data on start-up or by <c>./chiso seed</c>.</summary>
    public static readonly Actor System = new("system", "system", new HashSet<string> { Roles.Admin }, null);

    public static Actor Cli() => new("cli", "CLI (" + Environment.UserName + ")", new HashSet<string> { Roles.Admin }, null);

    public static Actor From(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true }) return Anonymous;
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet();
        var unit = int.TryParse(user.FindFirstValue(ChiSoClaims.UnitId), out var u) ? u : (int?)null;
        var login = user.Identity.Name ?? id;
        var display = user.FindFirstValue(ChiSoClaims.DisplayName);
        return new Actor(id, display is null || display == login ? login : $"{display} ({login})", roles, unit);
    }

    /// <summary>The account's roles and unit as the web sign-in would give them, for the CLI's <c>--as</c>; null when there
    /// is no such account.</summary>
    public static async Task<Actor?> LoadAsync(ChiSo.Data.ChiSoDb db, string userName, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName, ct);
        if (user is null) return null;
        var roles = await db.UserRoles.Where(ur => ur.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
        var name = user.DisplayName == user.UserName ? user.UserName! : $"{user.DisplayName} ({user.UserName})";
        return new Actor(user.Id, name, roles.ToHashSet(), user.UnitId);
    }
}

/// <summary>A service refused an action to its actor. Not a bug: the hosts map it once (403 problem+json, a Vietnamese
/// message on the page, exit code 3 in the CLI).</summary>
public sealed class AccessDenied(string message) : Exception(message);
