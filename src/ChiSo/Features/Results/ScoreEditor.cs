using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Results;

/// <summary>What became of a score change.</summary>
public abstract record ScoreEdit
{
    public sealed record Saved(IndexReport Report) : ScoreEdit;
    public sealed record NotFound : ScoreEdit;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : ScoreEdit;
    /// <summary>Someone saved the result after the editor read it: nothing was written.</summary>
    public sealed record Conflict : ScoreEdit;
}

/// <summary>Changes one published score by hand: a reason is required, the old and new values are audited, and
/// a change made from a stale copy is refused instead of overwriting.</summary>
public static class ScoreEditor
{
    /// <summary>Published results are the standing agency's to correct.</summary>
    public static bool MayEdit(Actor actor) => actor.IsAdmin;

    public static async Task<ScoreEdit> SetAsync(ChiSoDb db, TimeProvider clock, string key, int year, string? unit, string code,
        ScoreChange change, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayEdit(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được sửa kết quả chỉ số đã công bố.");
        var s = await IndexSnapshot.LoadAsync(db, key, year, unit, ct);
        var criterion = s?.Criteria.FirstOrDefault(c => c.Code == code);
        if (s?.Result is null || criterion is null) return new ScoreEdit.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(change.Reason)) errors["reason"] = ["Cần ghi lý do thay đổi điểm."];
        if (change.Value is < 0) errors["value"] = ["Điểm không được âm."];
        if (change.Value is { } v && criterion.Max is { } max && v > max)
            errors["value"] = [$"Điểm {ViText.Num(v)} vượt điểm tối đa {ViText.Num(max)}."];
        if (errors.Count > 0) return new ScoreEdit.Invalid(errors);

        var result = await db.Results.Include(r => r.Scores).FirstAsync(r => r.Id == s.Result.Id, ct);
        if (result.Concurrency != change.Concurrency) return new ScoreEdit.Conflict();
        var score = result.Scores.FirstOrDefault(x => x.CriterionId == criterion.Id);
        if (score is null) result.Scores.Add(score = new CriterionScore { CriterionId = criterion.Id });
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"result:{key}:{year}:{s.Unit.Code}", Field = code,
            OldValue = score.Value?.ToString(CultureInfo.InvariantCulture), NewValue = change.Value?.ToString(CultureInfo.InvariantCulture),
            Reason = change.Reason!.Trim(),
        });
        score.Value = change.Value;
        score.Note = null;
        result.Concurrency = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ScoreEdit.Conflict();
        }
        return new ScoreEdit.Saved(IndexReport.From((await IndexSnapshot.LoadAsync(db, key, year, unit, ct))!));
    }
}
