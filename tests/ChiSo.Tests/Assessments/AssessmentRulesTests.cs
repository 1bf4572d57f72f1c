using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Files;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static ChiSo.Tests.Assessments.AssessmentSetup;

namespace ChiSo.Tests.Assessments;

/// <summary>Bad input gets a clear Vietnamese refusal and changes nothing; units and appraisers reach only what is
/// theirs; two appraisers saving one criterion at once: one wins, the other gets a conflict with the saved value.</summary>
public abstract class AssessmentRulesTests(Provider provider)
{
    static async Task<int> AuditCountAsync(global::ChiSo.Data.ChiSoDb db) => await db.Audit.CountAsync(a => a.Subject.StartsWith("assessment:"));

    [Fact]
    public async Task Scores_out_of_range_off_step_or_of_the_wrong_type_are_refused_and_change_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, _, id, units) = await OpenCycleAsync(db);
        var editor = Editor(units["SNV"]);
        var before = await AuditCountAsync(db);
        async Task<string?> Try(string code, string answer) => (await s.SaveSelfScoreAsync(id, "SNV", code,
            new SelfScoreInput(answer, null, null, null, await TokenAsync(s, id, "SNV", code, editor)), editor)).Error;

        Assert.Contains("vượt điểm tối đa 4", await Try("1.1", "4,5"));
        Assert.Contains("bội số của 0,5", await Try("1.1", "3,25"));
        Assert.Contains("không được âm", await Try("1.1", "-1"));
        Assert.Contains("không phải một số điểm", await Try("1.1", "ba điểm"));
        Assert.Contains("\"Có\" hoặc \"Không\"", await Try("1.2", "có lẽ"));
        Assert.Contains("chọn một mức: Đầy đủ; Một phần; Không", await Try("1.3", "Gần đủ"));
        Assert.Contains("không cho phép trả lời \"không áp dụng\"", await Try("1.3", "KAD"));
        Assert.Contains("điều tra xã hội học", await Try("2.1", "5"));
        Assert.Equal(before, await AuditCountAsync(db));
        Assert.All((await s.GetAsync(id, "SNV", editor)).Value.Items, i => Assert.Null(i.Answer));
    }

    [Fact]
    public async Task Evidence_too_large_or_of_the_wrong_type_is_refused_and_versions_are_kept()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, _, id, units) = await OpenCycleAsync(db);
        var editor = Editor(units["SNV"]);
        var meta = new EvidenceInput("Báo cáo", null, null, null, null);
        Assert.Contains("lớn hơn 20 MB", (await s.AddEvidenceAsync(id, "SNV", meta, "lon.pdf", [.. Pdf(), .. new byte[UploadedFiles.MaxBytes]], editor)).Error);
        Assert.Contains("không được nhận", (await s.AddEvidenceAsync(id, "SNV", meta, "virus.exe", [0x4D, 0x5A, 0x90, 0], editor)).Error);
        Assert.Contains("không phải tệp PDF", (await s.AddEvidenceAsync(id, "SNV", meta, "gia.pdf", "MZ not a pdf"u8.ToArray(), editor)).Error);
        Assert.Contains("Cần tên tài liệu", (await s.AddEvidenceAsync(id, "SNV", meta with { Title = " " }, "a.pdf", Pdf(), editor)).Error);
        Assert.Equal(0, await db.Evidence.CountAsync());

        var v1 = (await s.AddEvidenceAsync(id, "SNV", meta, "bao-cao.pdf", Pdf("v1"), editor)).Value;
        await ScoreAsync(s, id, "SNV", "1.1", "4", editor, [v1.Id]);
        var v2 = await s.AddEvidenceAsync(id, "SNV", meta with { Replaces = v1.Id }, "bao-cao-sua.pdf", Pdf("v2"), editor);
        Assert.True(v2.Ok, v2.Error);
        Assert.Equal((2, v1.Id), (v2.Value.Version, v2.Value.PreviousId));
        var list = (await s.GetAsync(id, "SNV", editor)).Value.Evidence;
        Assert.True(list.Single(e => e.Id == v1.Id).Superseded);
        Assert.Equal(["1.1"], list.Single(e => e.Id == v2.Value.Id).UsedBy); // the criterion moved to the new version
        var old = await s.EvidenceFileAsync(id, "SNV", v1.Id, editor);
        Assert.Equal(Pdf("v1"), old.Value.Content); // the old version is still there
    }

    [Fact]
    public async Task Submission_needs_every_answer_and_evidence_and_the_deadline_holds_until_the_standing_agency_reopens()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, clock, id, units) = await OpenCycleAsync(db);
        var editor = Editor(units["SNV"]);
        var head = Head(units["SNV"]);
        var incomplete = await s.SubmitAsync(id, "SNV", head);
        Assert.Equal(FailureKind.Invalid, incomplete.Failure!.Kind);
        Assert.Contains("Tiêu chí 1.1 chưa được chấm.", incomplete.Error);
        foreach (var (code, answer) in new[] { ("1.1", "4"), ("1.2", "Có"), ("1.3", "Không"), ("3.1", "0"), ("3.2", "Không"), ("4.1", "0") })
            await ScoreAsync(s, id, "SNV", code, answer, editor);
        Assert.Contains("Tiêu chí 1.1 cần tài liệu kiểm chứng", (await s.SubmitAsync(id, "SNV", head)).Error);
        await ScoreAsync(s, id, "SNV", "1.1", "4", editor, noEvidence: "Đang chờ số hoá");

        clock.SetUtcNow(Due.AddSeconds(1));
        var late = await s.SubmitAsync(id, "SNV", head);
        Assert.Equal(FailureKind.Refused, late.Failure!.Kind);
        Assert.Contains("Đã quá hạn tự đánh giá (23:59 22/12/2026)", late.Error);
        Assert.Contains("quá hạn", (await s.SaveSelfScoreAsync(id, "SNV", "1.2", new SelfScoreInput("Không", null, null, null,
            await TokenAsync(s, id, "SNV", "1.2", editor)), editor)).Error);
        Assert.Equal(UnitStage.Draft, (await s.GetAsync(id, "SNV", head)).Value.Stage);
        Assert.True((await s.SummaryAsync(id)).Units.Single(u => u.Code == "SNV").Late);

        // The standing agency may submit on the unit's behalf after the deadline, and reopen it with a reason.
        Assert.True((await s.SubmitAsync(id, "SNV", Admin)).Ok);
        await Assert.ThrowsAsync<AccessDenied>(() => s.ReopenAsync(id, "SNV", new ReasonInput("sửa"), head));
        Assert.Contains("lý do", (await s.ReopenAsync(id, "SNV", new ReasonInput(" "), Admin)).Error);
        Assert.True((await s.ReopenAsync(id, "SNV", new ReasonInput("Đơn vị đề nghị sửa tiêu chí 1.3"), Admin)).Ok);
        Assert.Equal(UnitStage.Draft, (await s.GetAsync(id, "SNV", Admin)).Value.Stage);
    }

    [Fact]
    public async Task A_unit_reaches_only_its_own_assessment_and_an_appraiser_only_the_units_and_fields_assigned()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, _, id, units) = await OpenCycleAsync(db);
        var stpEditor = Editor(units["STP"]);
        await Assert.ThrowsAsync<AccessDenied>(() => s.GetAsync(id, "SNV", stpEditor));
        await Assert.ThrowsAsync<AccessDenied>(() => s.SaveSelfScoreAsync(id, "SNV", "1.1", new SelfScoreInput("4", null, null, null, Guid.Empty), stpEditor));
        await Assert.ThrowsAsync<AccessDenied>(() => s.AddEvidenceAsync(id, "SNV", new EvidenceInput("x", null, null, null, null), "a.pdf", Pdf(), stpEditor));
        await Assert.ThrowsAsync<AccessDenied>(() => s.RankingAsync(id, stpEditor));
        await Assert.ThrowsAsync<AccessDenied>(() => s.HeatMapAsync(id, stpEditor));
        await Assert.ThrowsAsync<AccessDenied>(() => s.FinaliseAsync(id, new CouncilInput(new DateOnly(2027, 3, 1), "x", 5, 5, null, null), stpEditor));
        await Assert.ThrowsAsync<AccessDenied>(() => s.SetSurveyPointsAsync(id, new SurveyPointsInput("x", []), stpEditor));
        await Assert.ThrowsAsync<AccessDenied>(() => s.AppraiseAsync(id, "STP", "1.1", new AppraisalInput(AppraisalVerdict.Accepted, null, null, Guid.Empty), stpEditor));
        Assert.True((await s.GetAsync(id, "SNV", Leader)).Ok); // leaders read all, change nothing
        await Assert.ThrowsAsync<AccessDenied>(() => s.SaveSelfScoreAsync(id, "SNV", "1.1", new SelfScoreInput("4", null, null, null, Guid.Empty), Leader));

        // One appraiser has field 1 of SNV only; another has nothing.
        var fieldOne = await AppraiserAsync(db, "linh.vuc.1");
        var idle = await AppraiserAsync(db, "chua.phan.cong");
        Assert.True((await s.AssignAppraisersAsync(id, [new AssignmentSpec("linh.vuc.1", "SNV", "1")], Admin)).Ok);
        Assert.Contains("Không có tài khoản 'khong.ton.tai'", (await s.AssignAppraisersAsync(id, [new AssignmentSpec("khong.ton.tai", null, null)], Admin)).Error);
        var snv = Editor(units["SNV"]);
        await ScoreAsync(s, id, "SNV", "1.1", "4", snv, noEvidence: "x");
        foreach (var (code, answer) in new[] { ("1.2", "Có"), ("1.3", "Không"), ("3.1", "0"), ("3.2", "Không"), ("4.1", "0") })
            await ScoreAsync(s, id, "SNV", code, answer, snv);
        Assert.True((await s.SubmitAsync(id, "SNV", Head(units["SNV"]))).Ok);
        await Assert.ThrowsAsync<AccessDenied>(() => s.GetAsync(id, "SNV", idle));
        await Assert.ThrowsAsync<AccessDenied>(() => s.GetAsync(id, "STP", fieldOne));
        await AppraiseAsync(s, id, "SNV", "1.1", fieldOne);
        var token = await TokenAsync(s, id, "SNV", "3.1", fieldOne);
        await Assert.ThrowsAsync<AccessDenied>(() => s.AppraiseAsync(id, "SNV", "3.1", new AppraisalInput(AppraisalVerdict.Accepted, null, null, token), fieldOne));
        var view = (await s.GetAsync(id, "SNV", fieldOne)).Value;
        Assert.True(view.Items.Single(i => i.Code == "1.2").CanAppraise);
        Assert.False(view.Items.Single(i => i.Code == "3.1").CanAppraise);
        Assert.Equal(["SNV"], (await s.QueueAsync(fieldOne)).Select(q => q.UnitCode));
        Assert.Empty(await s.QueueAsync(idle));
    }

    [Fact]
    public async Task Two_appraisers_saving_one_criterion_at_once_one_wins_and_the_other_gets_the_saved_value()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (s, clock, id, units) = await OpenCycleAsync(db);
        var a = await AppraiserAsync(db, "tham.dinh.a");
        var b = await AppraiserAsync(db, "tham.dinh.b");
        Assert.True((await s.AssignAppraisersAsync(id, [new("tham.dinh.a", null, null), new("tham.dinh.b", null, null)], Admin)).Ok);
        var snv = Editor(units["SNV"]);
        await ScoreAsync(s, id, "SNV", "1.1", "4", snv, noEvidence: "x");
        foreach (var (code, answer) in new[] { ("1.2", "Có"), ("1.3", "Không"), ("3.1", "0"), ("3.2", "Không"), ("4.1", "0") })
            await ScoreAsync(s, id, "SNV", code, answer, snv);
        Assert.True((await s.SubmitAsync(id, "SNV", Head(units["SNV"]))).Ok);

        // Both open the criterion, then save at the same moment, each through their own connection.
        var token = await TokenAsync(s, id, "SNV", "1.1", a);
        await using var dbA = database.NewContext();
        await using var dbB = database.NewContext();
        var sa = new AssessmentService(dbA, clock);
        var sb = new AssessmentService(dbB, clock);
        var results = await Task.WhenAll(
            sa.AppraiseAsync(id, "SNV", "1.1", new AppraisalInput(AppraisalVerdict.Adjusted, 3, "Thiếu báo cáo quý", token), a),
            sb.AppraiseAsync(id, "SNV", "1.1", new AppraisalInput(AppraisalVerdict.Adjusted, 2.5m, "Thiếu báo cáo năm", token), b));
        Assert.Single(results, r => r.Ok);
        var loser = Assert.Single(results, r => !r.Ok);
        Assert.Equal(FailureKind.Conflict, loser.Failure!.Kind);
        var winner = results.Single(r => r.Ok).Value;
        var current = Assert.IsType<ItemView>(loser.Failure.Current);
        Assert.Equal(winner.AppraisedPoints, current.AppraisedPoints); // the loser sees what was saved, and keeps their own input
        await using var check = database.NewContext();
        var saved = (await new AssessmentService(check, clock).GetAsync(id, "SNV", Admin)).Value.Items.Single(i => i.Code == "1.1");
        Assert.Equal((winner.AppraisedPoints, winner.AppraisalReason), (saved.AppraisedPoints, saved.AppraisalReason));
        Assert.Equal(1, await check.Audit.CountAsync(x => x.Field == "1.1:appraisal"));

        // Saving again from the stale copy is a conflict too, not an overwrite.
        var stale = await s.AppraiseAsync(id, "SNV", "1.1", new AppraisalInput(AppraisalVerdict.Adjusted, 1, "muộn", token), a);
        Assert.Equal(FailureKind.Conflict, stale.Failure!.Kind);
    }
}

public sealed class AssessmentRulesSqliteTests() : AssessmentRulesTests(Provider.Sqlite);

public sealed class AssessmentRulesPostgresTests() : AssessmentRulesTests(Provider.Postgres);
