using ChiSo.Features.Accounts;
using ChiSo.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Audit;

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Oversight);
        g.MapGet("/", List).WithSummary("Nhật ký thay đổi điểm: ai, khi nào, giá trị cũ, giá trị mới, lý do");
        g.MapGet("/verify", (ChiSoDb db, HttpContext http, CancellationToken ct) => AuditChain.VerifyAsync(db, Actor.From(http.User), ct)).WithSummary("Kiểm tra chuỗi mã băm của nhật ký: số bản ghi đã kiểm tra, bản ghi cuối, chỗ hỏng đầu tiên, " +
            "các kỳ xếp hạng công bố có bản ghi không còn khớp");
        g.MapGet("/head", Head).WithSummary("Bản ghi cuối của chuỗi nhật ký (số, mã, thời điểm), như in trên bảng xếp hạng và báo cáo");
        return g;
    }

    /// <summary>Entries whose subject starts with <paramref name="subject"/> (e.g. "result:par-province:2023"), newest first;
    /// with <paramref name="before"/>, the page of entries older than that row (paging by row, stable while rows are added).</summary>
    public static Task<List<AuditEntry>> ListAsync(ChiSoDb db, string? subject, string? field, int take, Actor actor, long? before = null,
        CancellationToken ct = default)
    {
        AuditChain.RequireRead(actor);
        return db.Audit.AsNoTracking()
            .Where(a => subject == null || a.Subject.StartsWith(subject))
            .Where(a => field == null || a.Field == field)
            .Where(a => before == null || a.Id < before)
            .OrderByDescending(a => a.Id).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct);
    }

    static async Task<Results<Ok<AuditHead>, NotFound>> Head(ChiSoDb db, CancellationToken ct) =>
        await AuditChain.HeadAsync(db, ct) is { } head ? TypedResults.Ok(head) : TypedResults.NotFound();

    static Task<List<AuditEntry>> List(string? subject, string? field, int? take, long? before, ChiSoDb db, HttpContext http, CancellationToken ct) =>
        ListAsync(db, subject, field, take ?? 200, Actor.From(http.User), before, ct);
}
