using System.Security.Claims;
using ChiSo.Data;
using ChiSo.Features.Plans;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChiSo.Features.Accounts;

/// <summary>The per-unit check of filing endpoints (task progress, periodic reports): the route policy admits admin and
/// unit editors and heads; this admits a unit user only for their own unit.</summary>
public static class UnitScope
{
    /// <summary>A 403 problem when the signed-in user may not file for the unit with this code; null when they may, or
    /// when the code names no unit (the service then answers 404 or a validation problem as before).</summary>
    public static async Task<ProblemHttpResult?> RefuseAsync(HttpContext http, ChiSoDb db, string? unitCode, CancellationToken ct) =>
        await RefusalAsync(http.User, db, unitCode, ct) is { } why
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: Title, detail: why)
            : null;

    public const string Title = "Không có quyền báo cáo cho đơn vị này";

    /// <summary>Why this user may not file for the unit (for the pages, which file through the services); null when they may.</summary>
    public static async Task<string?> RefusalAsync(ClaimsPrincipal user, ChiSoDb db, string? unitCode, CancellationToken ct = default)
    {
        var actor = Actor.From(user);
        if (actor.IsAdmin || string.IsNullOrWhiteSpace(unitCode)) return null;
        var unit = await TaskBoardQueries.FindUnitAsync(db, unitCode, ct);
        return unit is null || actor.MayFileFor(unit.Id) ? null
            : $"Tài khoản chỉ báo cáo được cho đơn vị của mình; {unit.Name} không phải đơn vị của tài khoản.";
    }
}
