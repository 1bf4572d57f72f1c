using ChiSo.Features.Accounts;
using ChiSo.Features.Files;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

/// <summary>Self-assessment: a unit's editors score each criterion within its rules, write the basis and attach
/// evidence; the head submits, which locks the scores; the deadline holds; only the standing agency reopens.</summary>
public sealed partial class AssessmentService
{
    public async Task<Outcome<UnitAssessment>> GetAsync(int cycleId, string unit, Actor actor, CancellationToken ct = default)
    {
        var x = await LoadAsync(cycleId, unit, items: true, ct);
        if (!x.Ok) return x.Failure!;
        RequireVisible(actor, x.Value);
        return await ViewAsync(x.Value, actor, ct);
    }

    bool MayEdit(Actor a, UnitContext x) =>
        x.Cycle.Status == CycleStatus.Open && x.CycleUnit.Stage == UnitStage.Draft && (a.IsAdmin || IsUnitUser(a, x.CycleUnit)) &&
        (a.IsAdmin || Now <= x.Cycle.SelfAssessmentDue);

    Failure? EditRefusal(Actor a, UnitContext x)
    {
        a.Require(a.IsAdmin || IsUnitUser(a, x.CycleUnit), "Chỉ cán bộ của đơn vị được tự chấm điểm cho đơn vị mình.");
        if (x.Cycle.Status == CycleStatus.Published) return Published();
        if (x.Cycle.Status == CycleStatus.Draft) return Failure.Refused("Kỳ đánh giá chưa mở.");
        if (x.CycleUnit.Stage != UnitStage.Draft)
            return Failure.Refused("Đơn vị đã gửi bản tự đánh giá: điểm đã khoá. Chỉ cơ quan thường trực có thể mở lại.");
        if (!a.IsAdmin && Now > x.Cycle.SelfAssessmentDue)
            return Failure.Refused($"Đã quá hạn tự đánh giá ({ViText.DateTime(x.Cycle.SelfAssessmentDue)}). Liên hệ Sở Nội vụ để được mở lại.");
        return null;
    }

    public async Task<Outcome<ItemView>> SaveSelfScoreAsync(int cycleId, string unit, string code, SelfScoreInput input, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        RequireVisible(actor, x);
        if (EditRefusal(actor, x) is { } refusal) return refusal;
        var (item, criterion) = Find(x, code);
        if (item is null || criterion is null) return Failure.NotFound($"tiêu chí {code} trong bản đánh giá của đơn vị");
        if (criterion.Method != ScoringMethod.Appraisal) return Failure.Refused($"Tiêu chí {code} được chấm qua điều tra xã hội học, đơn vị không tự chấm.");

        var errors = new Dictionary<string, string[]>();
        var (scored, error) = Answers.Score(criterion, input.Answer);
        if (error is not null) errors["answer"] = [error];
        var evidenceIds = (input.EvidenceIds ?? []).Distinct().ToList();
        var unknown = evidenceIds.Where(id => x.CycleUnit.Evidence.All(e => e.Id != id)).ToList();
        if (unknown.Count > 0) errors["evidenceIds"] = [$"Tài liệu kiểm chứng {string.Join(", ", unknown)} không thuộc đơn vị."];
        if (input.Basis is { Length: > 4000 }) errors["basis"] = ["Căn cứ dài quá 4.000 ký tự."];
        if (errors.Count > 0) return Failure.Invalid(errors);
        if (item.Concurrency != input.Concurrency) return Failure.Conflict(ConflictText, await ItemViewAsync(x, item.Id, actor, ct));

        var old = item.SelfPoints;
        var oldAnswer = item.Answer;
        item.Answer = scored!.Answer;
        item.SelfPoints = scored.Points;
        item.Basis = Clean(input.Basis);
        item.NoEvidenceReason = Clean(input.NoEvidenceReason);
        var oldLinks = item.Evidence.Select(e => e.EvidenceId).Order().ToList();
        item.Evidence.RemoveAll(e => !evidenceIds.Contains(e.EvidenceId));
        foreach (var id in evidenceIds.Where(id => item.Evidence.All(e => e.EvidenceId != id))) item.Evidence.Add(new ItemEvidence { EvidenceId = id });
        item.Concurrency = Guid.NewGuid();
        if (old != item.SelfPoints || oldAnswer != item.Answer)
            Audit(actor, x.Cycle, code, Num(old) ?? oldAnswer, Num(item.SelfPoints) ?? item.Answer, item.Basis ?? "Tự chấm điểm", x.CycleUnit.Unit!.Code);
        if (!oldLinks.SequenceEqual(evidenceIds.Order()))
            Audit(actor, x.Cycle, code + ":evidence", string.Join(",", oldLinks), string.Join(",", evidenceIds.Order()), "Tài liệu kiểm chứng", x.CycleUnit.Unit!.Code);
        Say(item, actor, DialogueStep.SelfAssessment, item.SelfPoints, $"{AnswerText(item.Answer)}. {item.Basis}".Trim());
        if (await SaveAsync(async () => await ItemViewAsync(x, item.Id, actor, ct), ct) is { } conflict) return conflict;
        return await ItemViewAsync(x, item.Id, actor, ct);
    }

    const string ConflictText = "Người khác vừa lưu tiêu chí này sau khi bạn mở nó; không có gì của bạn bị ghi đè. Hãy xem giá trị mới rồi lưu lại.";

    static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static string AnswerText(string? answer) => answer switch
    {
        null => "",
        Answers.Yes => "Có",
        Answers.No => "Không",
        Answers.NotApplicable => "Không áp dụng",
        _ => Answers.ParseNumber(answer) is { } v ? ViText.Num(v) : answer,
    };

    static (AssessmentItem? Item, Criterion? Criterion) Find(UnitContext x, string code)
    {
        var c = x.Tree.FirstOrDefault(c => c.Code == code);
        return (c is null ? null : x.CycleUnit.Items.FirstOrDefault(i => i.CriterionId == c.Id), c);
    }

    /// <summary>Adds a document of evidence (or a new version of one; the old version is kept, marked superseded,
    /// and the criteria that used it move to the new one).</summary>
    public async Task<Outcome<EvidenceView>> AddEvidenceAsync(int cycleId, string unit, EvidenceInput input, string fileName, byte[] content,
        Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        RequireVisible(actor, x);
        // Evidence may be added while self-assessing and, for the explanation, while the appraisal is open to it.
        var explaining = x.CycleUnit.Stage == UnitStage.Appraised && Now <= x.CycleUnit.ExplanationDue;
        if (!explaining && EditRefusal(actor, x) is { } refusal) return refusal;
        if (explaining) actor.Require(actor.IsAdmin || IsUnitUser(actor, x.CycleUnit), "Chỉ cán bộ của đơn vị được nộp tài liệu kiểm chứng.");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Title)) errors["title"] = ["Cần tên tài liệu (trích yếu)."];
        if (input.DocDate is { } d && d > DateOnly.FromDateTime(Now.AddDays(1))) errors["docDate"] = ["Ngày ban hành ở tương lai."];
        Evidence? previous = null;
        if (input.Replaces is { } r && (previous = x.CycleUnit.Evidence.FirstOrDefault(e => e.Id == r)) is null)
            errors["replaces"] = ["Tài liệu được thay không thuộc đơn vị."];
        var (file, fileError) = UploadedFiles.Check(fileName, content, images: true, actor, Now);
        if (fileError is not null) errors["file"] = [fileError];
        if (errors.Count > 0) return Failure.Invalid(errors);

        var stored = await UploadedFiles.KeepOnceAsync(db, file!, ct);
        var evidence = new Evidence
        {
            CycleUnitId = x.CycleUnit.Id, File = stored, FileName = file!.Name, Title = input.Title.Trim(), DocNumber = Clean(input.DocNumber), DocDate = input.DocDate,
            Issuer = Clean(input.Issuer), Version = (previous?.Version ?? 0) + 1, PreviousId = previous?.Id, UploadedAt = Now, UploadedBy = actor.Name,
        };
        x.CycleUnit.Evidence.Add(evidence);
        await db.SaveChangesAsync(ct);
        if (previous is not null)
        {
            previous.Superseded = true;
            foreach (var item in x.CycleUnit.Items)
                foreach (var link in item.Evidence.Where(l => l.EvidenceId == previous.Id).ToList())
                {
                    item.Evidence.Remove(link);
                    item.Evidence.Add(new ItemEvidence { EvidenceId = evidence.Id });
                }
        }
        Audit(actor, x.Cycle, "evidence:" + evidence.Id, previous is null ? null : $"{previous.Id} v{previous.Version}",
            $"{evidence.Title} ({evidence.FileName}, {stored.Sha256[..12]}) v{evidence.Version}", previous is null ? "Nộp tài liệu kiểm chứng" : "Thay bằng phiên bản mới", x.CycleUnit.Unit!.Code);
        await db.SaveChangesAsync(ct);
        return (await EvidenceViewsAsync(x.CycleUnit.Id, ct)).First(e => e.Id == evidence.Id);
    }

    public async Task<Outcome<(string Name, string ContentType, byte[] Content)>> EvidenceFileAsync(int cycleId, string unit, int evidenceId, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: false, ct);
        if (!loaded.Ok) return loaded.Failure!;
        RequireVisible(actor, loaded.Value);
        var e = await db.Evidence.AsNoTracking().Include(e => e.File).FirstOrDefaultAsync(e => e.Id == evidenceId && e.CycleUnitId == loaded.Value.CycleUnit.Id, ct);
        if (e is null) return Failure.NotFound("tài liệu kiểm chứng");
        return (e.FileName ?? e.File!.Name, e.File!.ContentType, e.File.Content);
    }

    async Task<List<EvidenceView>> EvidenceViewsAsync(int cycleUnitId, CancellationToken ct)
    {
        var uses = await (from l in db.Set<ItemEvidence>()
                          join i in db.AssessmentItems on l.ItemId equals i.Id
                          join c in db.Criteria on i.CriterionId equals c.Id
                          where i.CycleUnitId == cycleUnitId
                          select new { l.EvidenceId, c.Code }).ToListAsync(ct);
        var rows = await db.Evidence.AsNoTracking().Where(e => e.CycleUnitId == cycleUnitId).OrderBy(e => e.Id)
            .Select(e => new { e, Name = e.FileName ?? e.File!.Name, e.File!.ContentType, e.File.Size, e.File.Sha256 }).ToListAsync(ct);
        return rows.Select(r => new EvidenceView(r.e.Id, r.e.Title, r.Name, r.ContentType, r.Size, r.Sha256, r.e.DocNumber,
            r.e.DocDate, r.e.Issuer, r.e.Version, r.e.PreviousId, r.e.Superseded, r.e.UploadedAt, r.e.UploadedBy,
            uses.Where(u => u.EvidenceId == r.e.Id).Select(u => u.Code).Order(StringComparer.Ordinal).ToList())).ToList();
    }

    /// <summary>The head's submission: every criterion answered, evidence or a reason where required, before the
    /// deadline. It locks the unit's scores.</summary>
    public async Task<Outcome<UnitAssessment>> SubmitAsync(int cycleId, string unit, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        RequireVisible(actor, x);
        actor.Require(actor.IsAdmin || (actor.Is(Roles.UnitHead) && actor.UnitId == x.CycleUnit.UnitId), "Chỉ thủ trưởng đơn vị được gửi bản tự đánh giá.");
        if (EditRefusal(actor, x) is { } refusal) return refusal;
        var problems = new List<string>();
        foreach (var item in x.CycleUnit.Items)
        {
            var c = x.Tree.First(c => c.Id == item.CriterionId);
            if (c.Method != ScoringMethod.Appraisal) continue;
            if (item.Answer is null) problems.Add($"Tiêu chí {c.Code} chưa được chấm.");
            else if (MissingEvidence(c, item)) problems.Add($"Tiêu chí {c.Code} cần tài liệu kiểm chứng hoặc giải thích vì sao không có.");
        }
        if (problems.Count > 0) return Failure.Invalid(new Dictionary<string, string[]> { ["items"] = [.. problems] });
        x.CycleUnit.Stage = UnitStage.Submitted;
        x.CycleUnit.SubmittedAt = Now;
        x.CycleUnit.SubmittedBy = actor.Name;
        x.CycleUnit.Concurrency = Guid.NewGuid();
        Audit(actor, x.Cycle, "stage", nameof(UnitStage.Draft), nameof(UnitStage.Submitted), "Gửi bản tự đánh giá", x.CycleUnit.Unit!.Code);
        if (await SaveAsync(() => Task.FromResult<object?>(null), ct) is { } conflict) return conflict;
        return await ViewAsync(x, actor, ct);
    }

    static bool MissingEvidence(Criterion c, AssessmentItem item) =>
        c.EvidenceRequired && item.Answer is not null and not Answers.NotApplicable && item.Evidence.Count == 0 && item.NoEvidenceReason is null;

    /// <summary>The standing agency sends a unit back to self-assessment (after a late or mistaken submission).</summary>
    public async Task<Outcome<UnitAssessment>> ReopenAsync(int cycleId, string unit, ReasonInput input, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin, "Chỉ cơ quan thường trực được mở lại bản tự đánh giá.");
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        var x = loaded.Value;
        if (x.Cycle.Status == CycleStatus.Published) return Published();
        if (x.Cycle.Status != CycleStatus.Open) return Failure.Refused("Kỳ đánh giá không ở giai đoạn đánh giá.");
        if (string.IsNullOrWhiteSpace(input.Reason)) return Failure.Invalid("reason", "Cần ghi lý do mở lại.");
        if (x.CycleUnit.Stage is UnitStage.Draft or UnitStage.Finalised)
            return Failure.Refused(x.CycleUnit.Stage == UnitStage.Draft ? "Đơn vị đang tự đánh giá." : "Hội đồng đã chốt kết quả của đơn vị.");
        var old = x.CycleUnit.Stage;
        x.CycleUnit.Stage = UnitStage.Draft;
        x.CycleUnit.Concurrency = Guid.NewGuid();
        foreach (var item in x.CycleUnit.Items.Where(i => i.Answer is not null)) Say(item, actor, DialogueStep.Reopen, null, input.Reason.Trim());
        Audit(actor, x.Cycle, "stage", old.ToString(), nameof(UnitStage.Draft), input.Reason.Trim(), x.CycleUnit.Unit!.Code);
        if (await SaveAsync(() => Task.FromResult<object?>(null), ct) is { } conflict) return conflict;
        return await ViewAsync(x, actor, ct);
    }

    public async Task<Outcome<List<DialogueLine>>> DialogueAsync(int cycleId, string unit, string code, Actor actor, CancellationToken ct = default)
    {
        var loaded = await LoadAsync(cycleId, unit, items: true, ct);
        if (!loaded.Ok) return loaded.Failure!;
        RequireVisible(actor, loaded.Value);
        var (item, _) = Find(loaded.Value, code);
        if (item is null) return Failure.NotFound($"tiêu chí {code}");
        return await db.AssessmentMessages.AsNoTracking().Where(m => m.ItemId == item.Id).OrderBy(m => m.At).ThenBy(m => m.Id)
            .Select(m => new DialogueLine(m.At, m.User, m.Step, m.Points, m.Text)).ToListAsync(ct);
    }
}
