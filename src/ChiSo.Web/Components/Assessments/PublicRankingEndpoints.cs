using ChiSo.Features.Assessments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChiSo.Web.Components.Assessments;

/// <summary>The published rankings for everyone, no sign-in: endpoints that render components directly (no router, no
/// layout, no circuit), like the public survey form, so a phone gets plain HTML. Before publication a cycle's ranking
/// is not found here.</summary>
public static class PublicRankingEndpoints
{
    public static void MapPublicRankings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/xep-hang", List).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/xep-hang/{id:int}", Show).AllowAnonymous().ExcludeFromDescription();
    }

    static async Task<RazorComponentResult> List(AssessmentService s, CancellationToken ct) =>
        new RazorComponentResult<PublicRankingList>(new Dictionary<string, object?>
        {
            [nameof(PublicRankingList.Cycles)] = (await s.ListCyclesAsync(ct)).Where(c => c.Status == CycleStatus.Published).ToList(),
        });

    static async Task<RazorComponentResult> Show(int id, AssessmentService s, CancellationToken ct)
    {
        var ranking = await s.RankingAsync(id, null, ct);
        if (!ranking.Ok)
            return new RazorComponentResult<PublicRankingMessage>(new Dictionary<string, object?>
            {
                [nameof(PublicRankingMessage.Title)] = L.T("Không tìm thấy kết quả xếp hạng", "Ranking not found"),
                [nameof(PublicRankingMessage.Message)] = L.T("Kỳ đánh giá này không có hoặc chưa công bố kết quả. Kết quả chỉ hiển thị sau khi Ủy ban nhân dân công bố.",
                    "This cycle does not exist or its results are not published yet."),
            }) { StatusCode = StatusCodes.Status404NotFound };
        return new RazorComponentResult<PublicRankingView>(new Dictionary<string, object?> { [nameof(PublicRankingView.Ranking)] = ranking.Value });
    }
}
