using ChiSo.Features.Accounts;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

/// <summary>Appraisal (thẩm định): appraisers accept or adjust each self-score (an adjustment needs a reason),
/// the unit gets one round of explanation (giải trình) with new evidence inside a window, the appraiser reviews
/// it, and the council finalises with a recorded decision and quorum.</summary>
public sealed partial class AssessmentService
{
    public async Task<Outcome<ItemView>> AppraiseAsync(int cycleId, string unit, string code, AppraisalInput input, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        var (item, criterion) = Find(x, code);
        if (item is null || criterion is null) return Failure.NotFound($"tiêu chí {code} trong bản đánh giá của đơn vị");
        actor.Require(Appraises(actor, x, criterion), "Bạn không được phân công thẩm định tiêu chí này của đơn vị này.");
        if (x.Cycle.Status == CycleStatus.Published) return Published();
        if (x.Cycle.Status != CycleStatus.Open) return Failure.Refused("Kết quả thẩm định đã được Hội đồng chốt.");
        if (criterion.Method != ScoringMethod.Appraisal) return Failure.Refused($"Tiêu chí {code} được chấm qua điều tra xã hội học.");
        // First appraisal once submitted; a review after the explanation (or after its window closed).
        if (!AwaitsAppraisal(x.CycleUnit))
            return Failure.Refused(x.CycleUnit.Stage == UnitStage.Draft ? "Đơn vị chưa gửi bản tự đánh giá."
                : x.CycleUnit.Stage == UnitStage.Appraised ? $"Đơn vị đang giải trình đến {ViText.DateTime(x.CycleUnit.ExplanationDue)}."
                : "Hội đồng đã chốt kết quả của đơn vị.");
        var review = x.CycleUnit.Stage != UnitStage.Submitted;

        var errors = new Dictionary<string, string[]>();
        decimal? points = item.SelfPoints;
        if (input.Verdict == AppraisalVerdict.Adjusted)
        {
            if (string.IsNullOrWhiteSpace(input.Reason)) errors["reason"] = ["Điều chỉnh điểm phải ghi rõ lý do."];
            if (input.Points is not { } p) errors["points"] = ["Cần số điểm sau điều chỉnh."];
            else if (AppraisalPoints(criterion, p) is { } e) errors["points"] = [e];
            else points = p;
            if (input.Points == item.SelfPoints && errors.Count == 0) errors["points"] = ["Điểm điều chỉnh bằng điểm tự chấm: hãy chọn \"Công nhận\"."];
        }
        else if (item.Answer is null) errors["verdict"] = ["Đơn vị chưa chấm tiêu chí này."];
        if (errors.Count > 0) return Failure.Invalid(errors);
        if (item.Concurrency != input.Concurrency) return Failure.Conflict(ConflictText, await ItemViewAsync(x, item.Id, actor, ct));

        var old = item.AppraisedPoints;
        item.Verdict = input.Verdict;
        item.AppraisedPoints = points;
        item.AppraisalReason = Clean(input.Reason);
        item.AppraisedBy = actor.Name;
        item.AppraisedAt = Now;
        item.Concurrency = Guid.NewGuid();
        var verdict = input.Verdict == AppraisalVerdict.Accepted ? "Công nhận" : "Điều chỉnh";
        Audit(actor, x.Cycle, code + ":appraisal", Num(old), Num(points), $"{verdict}{(item.AppraisalReason is null ? "" : ": " + item.AppraisalReason)}", x.CycleUnit.Unit!.Code);
        Say(item, actor, review ? DialogueStep.Review : DialogueStep.Appraisal, points, $"{verdict}. {item.AppraisalReason}".Trim());
        if (await SaveAsync(async () => await ItemViewAsync(x, item.Id, actor, ct), ct) is { } conflict) return conflict;
        return await ItemViewAsync(x, item.Id, actor, ct);
    }

    /// <summary>An appraiser may give any points the criterion's answers could give (0 to max; on the step for points).</summary>
    static string? AppraisalPoints(Criterion c, decimal p) => c.Answer switch
    {
        AnswerType.YesNo when p != 0 && p != (c.Max ?? 0) => $"Tiêu chí {c.Code} chỉ có 0 hoặc {ViText.Num(c.Max)} điểm.",
        AnswerType.Levels when c.Levels.All(l => l.Points != p) => $"Tiêu chí {c.Code} chỉ nhận các mức {string.Join("; ", c.Levels.Select(l => $"{l.Label} = {ViText.Num(l.Points)}"))}.",
        _ => Answers.PointsValue(c, p).Error,
    };

    /// <summary>Sends the appraisal back to the unit: every appraisal criterion must have a verdict. The explanation
    /// window opens (the cycle's days); with nothing adjusted there is nothing to explain and the unit goes straight to
    /// Explained.</summary>
    public async Task<Outcome<UnitAssessment>> SendAppraisalAsync(int cycleId, string unit, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        actor.Require(actor.IsAdmin || (actor.Is(Roles.Appraiser) && CanSee(actor, x)), "Chỉ thành viên thẩm định được phân công gửi kết quả thẩm định.");
        if (x.Cycle.Status == CycleStatus.Published) return Published();
        if (x.CycleUnit.Stage != UnitStage.Submitted) return Failure.Refused("Chỉ gửi kết quả thẩm định cho bản tự đánh giá đã gửi và chưa thẩm định.");
        var missing = x.CycleUnit.Items.Where(i => i.Verdict is null && x.Tree.First(c => c.Id == i.CriterionId).Method == ScoringMethod.Appraisal)
            .Select(i => x.Tree.First(c => c.Id == i.CriterionId).Code).ToList();
        if (missing.Count > 0) return Failure.Invalid("items", $"Còn {missing.Count} tiêu chí chưa thẩm định: {string.Join(", ", missing)}.");
        var adjusted = x.CycleUnit.Items.Any(i => i.Verdict == AppraisalVerdict.Adjusted);
        x.CycleUnit.Stage = adjusted ? UnitStage.Appraised : UnitStage.Explained;
        x.CycleUnit.AppraisalSentAt = Now;
        // N days to explain: until the end of the Nth day in Hanoi, as for every deadline.
        x.CycleUnit.ExplanationDue = adjusted ? ViText.EndOfDay(ViText.Day(Now).AddDays(x.Cycle.ExplanationDays)) : null;
        x.CycleUnit.Concurrency = Guid.NewGuid();
        Audit(actor, x.Cycle, "stage", nameof(UnitStage.Submitted), x.CycleUnit.Stage.ToString(),
            adjusted ? $"Gửi kết quả thẩm định; hạn giải trình {ViText.DateTime(x.CycleUnit.ExplanationDue)}" : "Gửi kết quả thẩm định: công nhận toàn bộ", x.CycleUnit.Unit!.Code);
        if (await SaveAsync(() => Task.FromResult<object?>(null), ct) is { } conflict) return conflict;
        return await ViewAsync(x, actor, ct);
    }

    /// <summary>The unit's explanation of one adjusted criterion, with new evidence, inside the window.</summary>
    public async Task<Outcome<ItemView>> ExplainAsync(int cycleId, string unit, string code, ExplanationInput input, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        actor.Require(actor.IsAdmin || IsUnitUser(actor, x.CycleUnit), "Chỉ cán bộ của đơn vị được giải trình.");
        if (x.Cycle.Status == CycleStatus.Published) return Published();
        var (item, criterion) = Find(x, code);
        if (item is null || criterion is null) return Failure.NotFound($"tiêu chí {code} trong bản đánh giá của đơn vị");
        if (x.CycleUnit.Stage != UnitStage.Appraised) return Failure.Refused("Chỉ giải trình khi đã nhận kết quả thẩm định và chưa gửi giải trình.");
        if (Now > x.CycleUnit.ExplanationDue) return Failure.Refused($"Đã hết hạn giải trình ({ViText.DateTime(x.CycleUnit.ExplanationDue)}).");
        if (item.Verdict != AppraisalVerdict.Adjusted) return Failure.Refused($"Tiêu chí {code} được công nhận, không cần giải trình.");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Text)) errors["text"] = ["Cần nội dung giải trình."];
        var ids = (input.EvidenceIds ?? []).Distinct().ToList();
        var unknown = ids.Where(id => x.CycleUnit.Evidence.All(e => e.Id != id)).ToList();
        if (unknown.Count > 0) errors["evidenceIds"] = [$"Tài liệu kiểm chứng {string.Join(", ", unknown)} không thuộc đơn vị."];
        if (errors.Count > 0) return Failure.Invalid(errors);
        if (item.Concurrency != input.Concurrency) return Failure.Conflict(ConflictText, await ItemViewAsync(x, item.Id, actor, ct));
        var old = item.Explanation;
        item.Explanation = input.Text.Trim();
        item.ExplainedAt = Now;
        foreach (var id in ids.Where(id => item.Evidence.All(e => e.EvidenceId != id))) item.Evidence.Add(new ItemEvidence { EvidenceId = id });
        item.Concurrency = Guid.NewGuid();
        Audit(actor, x.Cycle, code + ":explanation", old, item.Explanation, ids.Count > 0 ? $"Giải trình, kèm tài liệu {string.Join(", ", ids)}" : "Giải trình", x.CycleUnit.Unit!.Code);
        Say(item, actor, DialogueStep.Explanation, null, item.Explanation);
        if (await SaveAsync(async () => await ItemViewAsync(x, item.Id, actor, ct), ct) is { } conflict) return conflict;
        return await ItemViewAsync(x, item.Id, actor, ct);
    }

    /// <summary>The unit head closes the explanation round; appraisers then review.</summary>
    public async Task<Outcome<UnitAssessment>> FinishExplanationAsync(int cycleId, string unit, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        actor.Require(actor.IsAdmin || (actor.Is(Roles.UnitHead) && actor.UnitId == x.CycleUnit.UnitId), "Chỉ thủ trưởng đơn vị được gửi giải trình.");
        if (x.Cycle.Status == CycleStatus.Published) return Published();
        if (x.CycleUnit.Stage != UnitStage.Appraised) return Failure.Refused("Không có vòng giải trình đang mở.");
        if (Now > x.CycleUnit.ExplanationDue) return Failure.Refused($"Đã hết hạn giải trình ({ViText.DateTime(x.CycleUnit.ExplanationDue)}).");
        x.CycleUnit.Stage = UnitStage.Explained;
        x.CycleUnit.ExplainedAt = Now;
        x.CycleUnit.Concurrency = Guid.NewGuid();
        Audit(actor, x.Cycle, "stage", nameof(UnitStage.Appraised), nameof(UnitStage.Explained), "Gửi giải trình", x.CycleUnit.Unit!.Code);
        if (await SaveAsync(() => Task.FromResult<object?>(null), ct) is { } conflict) return conflict;
        return await ViewAsync(x, actor, ct);
    }

    /// <summary>The council's meeting finalises every unit's appraisal: more than half of the members present, every
    /// unit past its explanation (sent or expired). The council may change single criteria, each with a reason.</summary>
    public async Task<Outcome<CycleSummary>> FinaliseAsync(int cycleId, CouncilInput input, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin, "Chỉ cơ quan thường trực ghi nhận quyết định của Hội đồng.");
        var cycle = await db.Cycles.FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null) return Failure.NotFound("kỳ đánh giá");
        if (cycle.Status == CycleStatus.Published) return Published();
        if (cycle.Status != CycleStatus.Open) return Failure.Refused(cycle.Status == CycleStatus.Draft ? "Kỳ đánh giá chưa mở." : "Hội đồng đã chốt kết quả.");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Reference)) errors["reference"] = ["Cần số biên bản hoặc quyết định của Hội đồng."];
        if (input.Members < 1) errors["members"] = ["Số thành viên Hội đồng phải lớn hơn 0."];
        else if (input.Present < 0 || input.Present > input.Members) errors["present"] = ["Số thành viên có mặt không hợp lệ."];
        else if (input.Present * 2 <= input.Members)
            errors["present"] = [$"Không đủ số lượng: {input.Present}/{input.Members} thành viên có mặt, cần quá nửa ({input.Members / 2 + 1})."];
        var units = await db.CycleUnits.Include(u => u.Unit).Include(u => u.Items).ThenInclude(i => i.Criterion)
            .Where(u => u.CycleId == cycleId).ToListAsync(ct);
        var now = Now;
        var waiting = units.Where(u => !(u.Stage == UnitStage.Explained || (u.Stage == UnitStage.Appraised && now > u.ExplanationDue))).Select(u => u.Unit!.Name).ToList();
        if (waiting.Count > 0) errors["units"] = [$"Còn {waiting.Count} đơn vị chưa xong thẩm định và giải trình: {string.Join(", ", waiting)}."];
        var directory = await Units.UnitDirectory.LoadAsync(db, ct);
        var overrides = new List<(AssessmentItem Item, CycleUnit Unit, CouncilOverride O)>();
        foreach (var (o, i) in (input.Overrides ?? []).Select((o, i) => (o, i)))
        {
            var u = directory.Find(o.Unit);
            var cu = units.FirstOrDefault(x => x.UnitId == u?.Id);
            var item = cu?.Items.FirstOrDefault(it => it.Criterion!.Code == o.Code);
            if (item is null) { errors[$"overrides[{i}]"] = [$"Không có tiêu chí {o.Code} của đơn vị '{o.Unit}'."]; continue; }
            if (string.IsNullOrWhiteSpace(o.Reason)) errors[$"overrides[{i}].reason"] = ["Hội đồng thay đổi điểm phải ghi lý do."];
            if (AppraisalPoints(item.Criterion!, o.Points) is { } e) errors[$"overrides[{i}].points"] = [e];
            overrides.Add((item, cu!, o));
        }
        if (errors.Count > 0) return Failure.Invalid(errors);

        foreach (var cu in units)
        {
            foreach (var item in cu.Items.Where(i => i.Criterion!.Method == ScoringMethod.Appraisal))
                item.FinalPoints = item.AppraisedPoints;
            cu.Stage = UnitStage.Finalised;
            cu.Concurrency = Guid.NewGuid();
        }
        foreach (var (item, cu, o) in overrides)
        {
            Audit(actor, cycle, o.Code + ":final", Num(item.FinalPoints), Num(o.Points), o.Reason.Trim(), cu.Unit!.Code);
            item.FinalPoints = o.Points;
            item.FinalReason = o.Reason.Trim();
            item.Messages.Add(new AssessmentMessage { At = now, User = actor.Name, Step = DialogueStep.Council, Points = o.Points, Text = o.Reason.Trim() });
            item.Concurrency = Guid.NewGuid();
        }
        cycle.CouncilDate = input.Date;
        cycle.CouncilReference = input.Reference.Trim();
        cycle.CouncilMembers = input.Members;
        cycle.CouncilPresent = input.Present;
        cycle.CouncilNote = Clean(input.Note);
        cycle.FinalisedAt = now;
        cycle.Status = CycleStatus.Finalised;
        cycle.Concurrency = Guid.NewGuid();
        Audit(actor, cycle, "cycle", nameof(CycleStatus.Open), nameof(CycleStatus.Finalised),
            $"Hội đồng chốt kết quả thẩm định: {cycle.CouncilReference}, {input.Present}/{input.Members} thành viên có mặt");
        if (await SaveAsync(() => Task.FromResult<object?>(null), ct) is { } conflict) return conflict;
        return await SummaryAsync(cycleId, ct);
    }

    /// <summary>The appraiser's queue: units assigned and where each stands, with how many criteria wait for them.</summary>
    public async Task<List<QueueLine>> QueueAsync(Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsSignedIn, "Hàng chờ thẩm định là của người được phân công.");
        var assignments = await db.Set<AppraiserAssignment>().AsNoTracking()
            .Where(a => actor.IsAdmin || a.UserId == actor.UserId).ToListAsync(ct);
        var cycleIds = assignments.Select(a => a.CycleId).Distinct().ToList();
        var units = await db.CycleUnits.AsNoTracking().Where(u => cycleIds.Contains(u.CycleId) && u.Cycle!.Status == CycleStatus.Open)
            .Select(u => new { u.Id, u.CycleId, u.Cycle!.Year, CycleName = u.Cycle.Name, u.UnitId, u.Unit!.Code, u.Unit.Name, u.Stage, u.SubmittedAt, u.ExplanationDue })
            .ToListAsync(ct);
        var items = await db.AssessmentItems.AsNoTracking().Where(i => units.Select(u => u.Id).Contains(i.CycleUnitId) && i.Criterion!.Method == ScoringMethod.Appraisal)
            .Select(i => new { i.CycleUnitId, i.Criterion!.Code, i.Verdict, i.ExplainedAt, i.AppraisedAt }).ToListAsync(ct);
        return units.Where(u => assignments.Any(a => a.CycleId == u.CycleId && (a.UnitId is null || a.UnitId == u.UnitId)))
            .Select(u =>
            {
                var mine = assignments.Where(a => a.CycleId == u.CycleId && (a.UnitId is null || a.UnitId == u.UnitId)).ToList();
                var own = items.Where(i => i.CycleUnitId == u.Id && mine.Any(a => a.CriterionCode is null || InField(i.Code, a.CriterionCode))).ToList();
                var waiting = u.Stage == UnitStage.Submitted ? own.Count(i => i.Verdict is null)
                    : u.Stage == UnitStage.Explained ? own.Count(i => i.ExplainedAt is not null && i.ExplainedAt > i.AppraisedAt) : 0;
                return new QueueLine(u.CycleId, u.Year, u.CycleName, u.Code, u.Name, u.Stage, StageLabel(u.Stage), own.Count, waiting,
                    u.SubmittedAt, u.ExplanationDue, string.Join(", ", mine.Select(a => a.CriterionCode).Where(c => c is not null).Distinct()));
            })
            .OrderByDescending(q => q.Waiting).ThenBy(q => q.UnitName, StringComparer.Create(ViText.Vi, false)).ToList();
    }
}

public sealed record QueueLine(int CycleId, int Year, string CycleName, string UnitCode, string UnitName, UnitStage Stage, string StageLabel,
    int Criteria, int Waiting, DateTime? SubmittedAt, DateTime? ExplanationDue, string Fields);
