using ChiSo.Features.Accounts;
using ChiSo.Features.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChiSo.Features.Assessments;

/// <summary>The assessment's documents as files: a unit's scorecard (Word, PDF), the ranking (Excel, Word) and the
/// heat map (Excel). Mapped on the /api/cycles group, so its policy applies; who sees which unit is decided by the
/// service, exactly as for the JSON endpoints. File names are ASCII ("phieu-ket-qua-SNV-2025.pdf").</summary>
public static class AssessmentExportsApi
{
    public static RouteGroupBuilder MapAssessmentExports(this RouteGroupBuilder g)
    {
        g.MapGet("/{id:int}/units/{unit}/scorecard.docx", async (int id, string unit, AssessmentService s, TimeProvider clock, HttpContext http, CancellationToken ct) =>
                await s.ScorecardAsync(id, unit, Actor.From(http.User), ct) is var o && o.Ok
                    ? File(w => AssessmentWord.WriteScorecard(o.Value, Today(clock), w), ContentTypes.Docx, o.Value.FileStem + ".docx")
                    : o.ToHttp())
            .WithSummary("Phiếu kết quả của đơn vị (Word, thể thức văn bản hành chính)");
        g.MapGet("/{id:int}/units/{unit}/scorecard.pdf", async (int id, string unit, AssessmentService s, HttpContext http, CancellationToken ct) =>
                await s.ScorecardAsync(id, unit, Actor.From(http.User), ct) is var o && o.Ok
                    ? File(w => ScorecardPdf.Write(o.Value, w), ContentTypes.Pdf, o.Value.FileStem + ".pdf")
                    : o.ToHttp())
            .WithSummary("Phiếu kết quả của đơn vị (PDF)");
        g.MapGet("/{id:int}/ranking.xlsx", async (int id, AssessmentService s, HttpContext http, CancellationToken ct) =>
                await s.RankingAsync(id, Actor.From(http.User), ct) is var o && o.Ok
                    ? File(w => AssessmentExcel.WriteRanking(o.Value, w), ContentTypes.Xlsx, $"bang-xep-hang-{o.Value.Year}.xlsx")
                    : o.ToHttp())
            .WithSummary("Bảng xếp hạng (Excel, mỗi nhóm một trang tính)");
        g.MapGet("/{id:int}/ranking.docx", async (int id, AssessmentService s, HttpContext http, CancellationToken ct) =>
                await s.RankingAsync(id, Actor.From(http.User), ct) is var o && o.Ok
                    ? File(w => AssessmentWord.WriteRanking(o.Value, w), ContentTypes.Docx, $"bang-xep-hang-{o.Value.Year}.docx")
                    : o.ToHttp())
            .WithSummary("Bảng xếp hạng (Word, phụ lục kèm quyết định công bố)");
        g.MapGet("/{id:int}/heatmap.xlsx", async (int id, AssessmentService s, HttpContext http, CancellationToken ct) =>
                await s.HeatMapAsync(id, Actor.From(http.User), ct) is var o && o.Ok
                    ? File(w => AssessmentExcel.WriteHeatMap(o.Value, w), ContentTypes.Xlsx, $"ban-do-nhiet-ky-{id}.xlsx")
                    : o.ToHttp())
            .WithSummary("Bản đồ nhiệt điểm bị mất (Excel, mỗi nhóm một trang tính, dòng tổng theo tiêu chí)");
        return g;
    }

    static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime + ViText.VietnamOffset);

    static IResult File(Action<Stream> write, string contentType, string name)
    {
        var ms = new MemoryStream();
        write(ms);
        ms.Position = 0;
        return TypedResults.File(ms, contentType, name);
    }
}
