using ChiSo.Features.Accounts;
using ChiSo.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Audit;

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Oversight);
        g.MapGet("/", List).WithSummary("Nhật ký thay đổi điểm: ai, khi nào, giá trị cũ, giá trị mới, lý do");
        return g;
    }

    /// <summary>Entries whose subject starts with <paramref name="subject"/> (e.g. "result:par-province:2023"), newest first.</summary>
    public static Task<List<AuditEntry>> ListAsync(ChiSoDb db, string? subject, string? field, int take, CancellationToken ct = default) =>
        db.Audit.AsNoTracking()
            .Where(a => subject == null || a.Subject.StartsWith(subject))
            .Where(a => field == null || a.Field == field)
            .OrderByDescending(a => a.Id).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct);

    static Task<List<AuditEntry>> List(string? subject, string? field, int? take, ChiSoDb db, CancellationToken ct) =>
        ListAsync(db, subject, field, take ?? 200, ct);
}
