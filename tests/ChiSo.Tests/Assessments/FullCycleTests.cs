using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static ChiSo.Tests.Assessments.AssessmentSetup;

namespace ChiSo.Tests.Assessments;

/// <summary>One cycle from opening to publication, with totals and ranks worked out by hand (see AssessmentSetup):
/// <code>
/// SNV  1.1 3,5 (adjusted to 3, explained, restored to 3,5)  1.2 Có 2  1.3 Một phần 2  survey 5
///      bonus 1,5 + 1,5 = 3 → capped 2   penalty 0      total 3,5+2+2+5+2 = 14,5 of 16 = 90,63 %  → 1, Xuất sắc
/// STP  1.1 4  1.2 không áp dụng (max 14)  1.3 Đầy đủ 4 → council 2   survey 4,8   penalty 1
///      total 4+2+4,8−1 = 9,8 of 14 = 70 %                                          → 2 (đồng hạng), Khá
/// STC  1.1 4 (no evidence, reason given)  1.2 Có 2  1.3 Một phần 2  survey 3,2
///      total 11,2 of 16 = 70 %                                                      → 2 (đồng hạng), Khá
/// </code></summary>
public abstract class FullCycleTests(Provider provider)
{
    [Fact]
    public async Task A_cycle_runs_from_opening_to_publication_with_hand_computed_totals_and_ranks()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, clock, id, units) = await OpenCycleAsync(db);
        var appraiser = await AppraiserAsync(db, "tham.dinh.1");
        Assert.True((await s.AssignAppraisersAsync(id, [new AssignmentSpec("tham.dinh.1", null, null)], Admin)).Ok);

        // SNV: evidence, scores, submission by the head.
        var snv = Editor(units["SNV"]);
        var evidence = await s.AddEvidenceAsync(id, "SNV", new EvidenceInput("Kế hoạch CCHC năm 2026", "12/KH-SNV", new DateOnly(2026, 1, 10), "Sở Nội vụ", null),
            "ke-hoach.pdf", Pdf(), snv);
        Assert.True(evidence.Ok, evidence.Error);
        await ScoreAsync(s, id, "SNV", "1.1", "3,5", snv, [evidence.Value.Id]);
        await ScoreAsync(s, id, "SNV", "1.2", "Có", snv);
        await ScoreAsync(s, id, "SNV", "1.3", "Một phần", snv);
        await ScoreAsync(s, id, "SNV", "3.1", "1.5", snv);
        await ScoreAsync(s, id, "SNV", "3.2", "có", snv);
        await ScoreAsync(s, id, "SNV", "4.1", "0", snv);
        var view = (await s.GetAsync(id, "SNV", snv)).Value;
        Assert.Equal(6, view.Progress.Answered);
        Assert.Equal(0, view.Progress.MissingEvidence);
        Assert.Equal(["1.1"], view.Evidence.Single().UsedBy);
        await Assert.ThrowsAsync<AccessDenied>(() => s.SubmitAsync(id, "SNV", snv));
        Assert.True((await s.SubmitAsync(id, "SNV", Head(units["SNV"]))).Ok);

        // STP: not applicable, a penalty; STC: no evidence but a reason.
        var stp = Editor(units["STP"]);
        await ScoreAsync(s, id, "STP", "1.1", "4", stp, noEvidence: "Văn bản mật, xuất trình khi thẩm định");
        await ScoreAsync(s, id, "STP", "1.2", "Không áp dụng", stp);
        await ScoreAsync(s, id, "STP", "1.3", "Đầy đủ", stp);
        await ScoreAsync(s, id, "STP", "3.1", "0", stp);
        await ScoreAsync(s, id, "STP", "3.2", "Không", stp);
        await ScoreAsync(s, id, "STP", "4.1", "1", stp);
        Assert.True((await s.SubmitAsync(id, "STP", Head(units["STP"]))).Ok);
        var stc = Editor(units["STC"]);
        await ScoreAsync(s, id, "STC", "1.1", "4", stc, noEvidence: "Chưa số hoá");
        await ScoreAsync(s, id, "STC", "1.2", "Có", stc);
        await ScoreAsync(s, id, "STC", "1.3", "Một phần", stc);
        await ScoreAsync(s, id, "STC", "3.1", "0", stc);
        await ScoreAsync(s, id, "STC", "3.2", "Không", stc);
        await ScoreAsync(s, id, "STC", "4.1", "0", stc);
        Assert.True((await s.SubmitAsync(id, "STC", Head(units["STC"]))).Ok);

        // Appraisal in January.
        clock.SetUtcNow(new DateTimeOffset(2027, 1, 5, 2, 0, 0, TimeSpan.Zero));
        var noReason = await s.AppraiseAsync(id, "SNV", "1.1", new AppraisalInput(AppraisalVerdict.Adjusted, 3, " ", await TokenAsync(s, id, "SNV", "1.1", appraiser)), appraiser);
        Assert.Equal(FailureKind.Invalid, noReason.Failure!.Kind);
        Assert.Contains("lý do", noReason.Error);
        await AppraiseAsync(s, id, "SNV", "1.1", appraiser, 3, "Kế hoạch ban hành muộn");
        foreach (var code in new[] { "1.2", "1.3", "3.1", "3.2", "4.1" }) await AppraiseAsync(s, id, "SNV", code, appraiser);
        foreach (var unit in new[] { "STP", "STC" })
            foreach (var code in new[] { "1.1", "1.2", "1.3", "3.1", "3.2", "4.1" }) await AppraiseAsync(s, id, unit, code, appraiser);
        var sent = await s.SendAppraisalAsync(id, "SNV", appraiser);
        Assert.Equal(UnitStage.Appraised, sent.Value.Stage);
        Assert.Equal(UnitStage.Explained, (await s.SendAppraisalAsync(id, "STP", appraiser)).Value.Stage); // nothing adjusted: nothing to explain
        Assert.Equal(UnitStage.Explained, (await s.SendAppraisalAsync(id, "STC", appraiser)).Value.Stage);

        // SNV explains with a new document inside the window; the appraiser restores 3,5.
        var decision = await s.AddEvidenceAsync(id, "SNV", new EvidenceInput("Quyết định ban hành kế hoạch", "5/QĐ-SNV", new DateOnly(2026, 1, 5), "Sở Nội vụ", null),
            "quyet-dinh.pdf", Pdf("quyet dinh"), snv);
        Assert.True(decision.Ok, decision.Error);
        var explained = await s.ExplainAsync(id, "SNV", "1.1", new ExplanationInput("Kế hoạch được ban hành ngày 05/01, đúng hạn.", [decision.Value.Id],
            await TokenAsync(s, id, "SNV", "1.1", snv)), snv);
        Assert.True(explained.Ok, explained.Error);
        Assert.True((await s.FinishExplanationAsync(id, "SNV", Head(units["SNV"]))).Ok);
        await AppraiseAsync(s, id, "SNV", "1.1", appraiser);
        var dialogue = (await s.DialogueAsync(id, "SNV", "1.1", snv)).Value;
        Assert.Equal([DialogueStep.SelfAssessment, DialogueStep.Appraisal, DialogueStep.Explanation, DialogueStep.Review], dialogue.Select(d => d.Step));

        // Council in March: quorum, then one change with its reason.
        clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 2, 0, 0, TimeSpan.Zero));
        var noQuorum = await s.FinaliseAsync(id, new CouncilInput(new DateOnly(2027, 3, 10), "01/BB-HĐTĐ", 9, 4, null, null), Admin);
        Assert.Contains("Không đủ số lượng", noQuorum.Error);
        var finalised = await s.FinaliseAsync(id, new CouncilInput(new DateOnly(2027, 3, 10), "01/BB-HĐTĐ", 9, 7, null,
            [new CouncilOverride("STP", "1.3", 2, "Hội đồng xác định mới thực hiện một phần")]), Admin);
        Assert.True(finalised.Ok, finalised.Error);

        // Survey points: a bad batch is refused whole, then the good one.
        var bad = await s.SetSurveyPointsAsync(id, new SurveyPointsInput("Báo cáo ĐT XHH 2026",
            [new("SNV", "2.1", 5), new("STP", "2.1", 7), new("Sở Không Có", "2.1", 1), new("STC", "1.1", 1)]), Admin);
        var report = Assert.IsType<SurveyPointsReport>(bad.Failure!.Current);
        Assert.Equal([2, 3, 4], report.Problems.Select(p => p.Row));
        Assert.Null((await s.GetAsync(id, "SNV", Admin)).Value.Items.Single(i => i.Code == "2.1").SurveyPoints);
        Assert.True((await s.SetSurveyPointsAsync(id, new SurveyPointsInput("Báo cáo ĐT XHH 2026",
            [new("SNV", "2.1", 5), new("STP", "2.1", 4.8m), new("STC", "2.1", 3.2m)]), Admin)).Ok);

        var ranking = (await s.RankingAsync(id, Leader)).Value.Groups.Single().Rows;
        var first = ranking[0];
        Assert.Equal(("SNV", 14.5m, 16m, 90.63m, 1, false, "Xuất sắc"), (first.UnitCode, first.Totals.Total, first.Totals.Max, first.Totals.Percent, first.Rank, first.Tied, first.Band));
        Assert.Equal((3.5m + 2 + 2, 5m, 2m, 0m), (first.Totals.Appraisal, first.Totals.Survey, first.Totals.Bonus, first.Totals.Penalty));
        var stpRow = ranking.Single(r => r.UnitCode == "STP");
        Assert.Equal((9.8m, 14m, 70m, 2, true, "Khá", 1m), (stpRow.Totals.Total, stpRow.Totals.Max, stpRow.Totals.Percent, stpRow.Rank, stpRow.Tied, stpRow.Band, stpRow.Totals.Penalty));
        var stcRow = ranking.Single(r => r.UnitCode == "STC");
        Assert.Equal((11.2m, 16m, 70m, 2, true), (stcRow.Totals.Total, stcRow.Totals.Max, stcRow.Totals.Percent, stcRow.Rank, stcRow.Tied));
        Assert.Equal("2 (đồng hạng)", stcRow.RankText);

        // Publication freezes everything and lands in the index workspace.
        var published = await s.PublishAsync(id, new DateOnly(2027, 3, 20), Admin);
        Assert.True(published.Ok, published.Error);
        Assert.False(published.Value.Provisional);
        var result = await db.Results.Include(r => r.Scores).SingleAsync(r => r.UnitId == units["SNV"] && r.Year == 2026);
        Assert.Equal((14.5m, 1, 3, "Xuất sắc"), (result.Total, result.Rank, result.RankOf, result.Band));
        var frozen = await s.AppraiseAsync(id, "STC", "1.1", new AppraisalInput(AppraisalVerdict.Adjusted, 1, "muộn", Guid.Empty), appraiser);
        Assert.Equal(FailureKind.Refused, frozen.Failure!.Kind);
        Assert.Contains("đã công bố", frozen.Error);
        Assert.True((await s.RankingAsync(id, null)).Ok); // the public may now read it

        // Every score change is audited with who, old, new and why.
        var audit = await db.Audit.Where(a => a.Subject == $"assessment:2026:{id}:SNV" && a.Field == "1.1:appraisal").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([(null, "3", "Điều chỉnh: Kế hoạch ban hành muộn"), ("3", "3.5", "Công nhận")],
            audit.Select(a => (a.OldValue, a.NewValue, a.Reason)));
        Assert.All(audit, a => Assert.Equal(appraiser.Name, a.User));
        var council = await db.Audit.SingleAsync(a => a.Subject == $"assessment:2026:{id}:STP" && a.Field == "1.3:final");
        Assert.Equal(("4", "2", "Hội đồng xác định mới thực hiện một phần"), (council.OldValue, council.NewValue, council.Reason));
    }
}

public sealed class FullCycleSqliteTests() : FullCycleTests(Provider.Sqlite);

public sealed class FullCyclePostgresTests() : FullCycleTests(Provider.Postgres);
