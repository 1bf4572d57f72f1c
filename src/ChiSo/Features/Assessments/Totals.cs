using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

/// <summary>How a unit's points add up, and the unit's assessment as its screens show it.</summary>
public sealed partial class AssessmentService
{
    /// <summary>The points an item counts with now: survey points for survey criteria; for appraisal criteria the
    /// council's, else the appraiser's, else the unit's own.</summary>
    public static decimal? PointsOf(AssessmentItem item, Criterion c) =>
        c.Method == ScoringMethod.Survey ? item.SurveyPoints : item.FinalPoints ?? item.AppraisedPoints ?? item.SelfPoints;

    /// <summary>A criterion's effective kind: its own, else the nearest bonus or penalty ancestor's.</summary>
    static (CriterionKind Kind, Criterion? CapNode) KindOf(Criterion c, IReadOnlyDictionary<int, Criterion> byId)
    {
        (CriterionKind, Criterion?) found = (CriterionKind.Standard, null);
        for (Criterion? n = c; n is not null; n = n.ParentId is { } p ? byId.GetValueOrDefault(p) : null)
            if (n.Kind != CriterionKind.Standard) found = (n.Kind, n); // keep climbing: the top-most one carries the cap
        return found;
    }

    /// <summary>Standard points (appraisal + survey) + bonus − penalty, each bonus or penalty node capped at its max;
    /// the max counts the standard criteria that apply and were not answered "không áp dụng".</summary>
    public static UnitTotals Totals(IReadOnlyList<Criterion> tree, IEnumerable<AssessmentItem> items)
    {
        var byId = tree.ToDictionary(c => c.Id);
        decimal appraisal = 0, survey = 0, max = 0;
        var bonus = new Dictionary<int, decimal>();
        var penalty = new Dictionary<int, decimal>();
        foreach (var item in items)
        {
            var c = byId[item.CriterionId];
            var (kind, cap) = KindOf(c, byId);
            var p = PointsOf(item, c) ?? 0;
            if (kind == CriterionKind.Bonus) bonus[cap!.Id] = bonus.GetValueOrDefault(cap.Id) + p;
            else if (kind == CriterionKind.Penalty) penalty[cap!.Id] = penalty.GetValueOrDefault(cap.Id) + p;
            else
            {
                if (item.Answer == Answers.NotApplicable) continue;
                max += c.Max ?? 0;
                if (c.Method == ScoringMethod.Survey) survey += p; else appraisal += p;
            }
        }
        decimal Capped(Dictionary<int, decimal> d) => d.Sum(kv => Math.Min(kv.Value, byId[kv.Key].Max ?? kv.Value));
        var b = Capped(bonus);
        var pen = Capped(penalty);
        var total = appraisal + survey + b - pen;
        return new UnitTotals(appraisal, survey, b, pen, total, max, max > 0 ? Math.Round(total * 100 / max, 2, MidpointRounding.AwayFromZero) : 0);
    }

    async Task<UnitAssessment> ViewAsync(UnitContext x, Actor actor, CancellationToken ct)
    {
        var cu = x.CycleUnit;
        var items = cu.Items.ToDictionary(i => i.CriterionId);
        var rows = new List<ItemView>();
        var byParent = x.Tree.ToLookup(c => c.ParentId);
        var canAppraiseStage = AppraisalOpen(x);
        (decimal Points, decimal Max, bool Any) Walk(Criterion c, int depth)
        {
            if (!c.AppliesToKind(cu.Unit!.Kind)) return (0, 0, false);
            var index = rows.Count;
            rows.Add(null!);
            var children = byParent[c.Id].OrderBy(k => k.Order).ToList();
            if (children.Count == 0)
            {
                var item = items.GetValueOrDefault(c.Id);
                rows[index] = Row(c, depth, item, canAppraiseStage && Appraises(actor, x, c));
                var na = item?.Answer == Answers.NotApplicable;
                return (item is null ? 0 : PointsOf(item, c) ?? 0, na ? 0 : c.Max ?? 0, item is not null && PointsOf(item, c) is not null);
            }
            decimal points = 0, max = 0;
            var any = false;
            foreach (var child in children)
            {
                var r = Walk(child, depth + 1);
                // Under a node grouping bonus and penalty (5666's ninth content) a penalty takes off and no cap adds to the max.
                var capped = child.Kind == CriterionKind.Standard ? r.Points : Math.Min(r.Points, child.Max ?? r.Points);
                points += child.Kind == CriterionKind.Penalty ? -capped : capped;
                max += child.Kind == CriterionKind.Standard ? r.Max : 0;
                any |= r.Any;
            }
            rows[index] = new ItemView(c.Code, c.Name, depth, false, c.Max, c.Method, c.Kind, c.Answer, null, [], false, c.Rule, false,
                null, null, null, null, [], false, null, null, null, null, null, null, null, null, null, null,
                any ? c.Kind == CriterionKind.Standard ? points : Math.Min(points, c.Max ?? points) : null, false, null, false);
            return (points, max, any);
        }
        foreach (var root in byParent[null].OrderBy(c => c.Order)) Walk(root, 0);
        var appraisalItems = cu.Items.Where(i => x.Tree.First(c => c.Id == i.CriterionId).Method == ScoringMethod.Appraisal).ToList();
        var progress = new AssessmentProgress(appraisalItems.Count, appraisalItems.Count(i => i.Answer is not null),
            appraisalItems.Count(i => MissingEvidence(x.Tree.First(c => c.Id == i.CriterionId), i)),
            appraisalItems.Count(i => i.Verdict is not null), appraisalItems.Count(i => i.Verdict == AppraisalVerdict.Adjusted),
            appraisalItems.Count(i => i.Explanation is not null));
        var canEdit = MayEdit(actor, x);
        return new UnitAssessment(x.Cycle.Id, x.Cycle.Year, x.Cycle.Name, x.Cycle.Status, cu.Unit!.Code, cu.Unit.Name, cu.Group!.Name, cu.Stage,
            StageLabel(cu.Stage), x.Cycle.SelfAssessmentDue, cu.SubmittedAt, cu.SubmittedBy, cu.ExplanationDue, cu.Concurrency, rows, progress,
            await EvidenceViewsAsync(cu.Id, ct), Totals(x.Tree, cu.Items),
            canEdit, canEdit && (actor.IsAdmin || actor.Is(Roles.UnitHead)),
            x.Cycle.Status == CycleStatus.Open && cu.Stage == UnitStage.Appraised && Now <= cu.ExplanationDue && (actor.IsAdmin || IsUnitUser(actor, cu)),
            canAppraiseStage && rows.Any(r => r.CanAppraise));
    }

    static ItemView Row(Criterion c, int depth, AssessmentItem? i, bool canAppraise) => new(
        c.Code, c.Name, depth, true, c.Max, c.Method, c.Kind, c.Answer, c.Step, c.Levels, c.AllowNotApplicable, c.Rule, c.EvidenceRequired,
        i?.Answer, i?.SelfPoints, i?.Basis, i?.NoEvidenceReason, i?.Evidence.Select(e => e.EvidenceId).Order().ToList() ?? [],
        i is not null && MissingEvidence(c, i), i?.Verdict, i?.AppraisedPoints, i?.AppraisalReason, i?.AppraisedBy, i?.AppraisedAt,
        i?.Explanation, i?.ExplainedAt, i?.SurveyPoints, i?.FinalPoints, i?.FinalReason, i is null ? null : PointsOf(i, c),
        i?.Answer == Answers.NotApplicable, i?.Concurrency, canAppraise && c.Method == ScoringMethod.Appraisal);

    async Task<ItemView> ItemViewAsync(UnitContext x, int itemId, Actor actor, CancellationToken ct)
    {
        var item = await db.AssessmentItems.AsNoTracking().Include(i => i.Evidence).FirstAsync(i => i.Id == itemId, ct);
        var c = x.Tree.First(c => c.Id == item.CriterionId);
        return Row(c, c.Code.Count(ch => ch == '.'), item, AppraisalOpen(x) && Appraises(actor, x, c));
    }

    /// <summary>Whether appraisers may save now: a first appraisal once submitted, a review once explained or once the
    /// explanation window has closed.</summary>
    bool AppraisalOpen(UnitContext x) => x.Cycle.Status == CycleStatus.Open && AwaitsAppraisal(x.CycleUnit);

    bool AwaitsAppraisal(CycleUnit cu) =>
        cu.Stage == UnitStage.Submitted || cu.Stage == UnitStage.Explained || (cu.Stage == UnitStage.Appraised && Now > cu.ExplanationDue);
}
