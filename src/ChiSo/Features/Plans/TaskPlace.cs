using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChiSo.Features.Plans;

/// <summary>A remark on a task by anyone who may read it: a question to the lead, a leader's instruction.</summary>
public sealed class TaskComment
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public DateTime At { get; set; }
    public required string UserId { get; set; }
    /// <summary>The author as the audit names them: "display name (user name)".</summary>
    public required string Author { get; set; }
    public required string Text { get; set; }
}

/// <summary>A view of the task pages a user keeps: the page and its query string, as the address holds them.</summary>
public sealed class SavedTaskFilter
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    public required string Page { get; set; }
    public required string Query { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class TaskCommentConfiguration : IEntityTypeConfiguration<TaskComment>
{
    public void Configure(EntityTypeBuilder<TaskComment> b)
    {
        b.HasIndex(c => new { c.TaskId, c.At });
        b.Property(c => c.UserId).HasMaxLength(100);
        b.Property(c => c.Author).HasMaxLength(200);
        b.Property(c => c.Text).HasMaxLength(TaskComments.MaxText);
        b.HasOne<PlanTask>().WithMany().HasForeignKey(c => c.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SavedTaskFilterConfiguration : IEntityTypeConfiguration<SavedTaskFilter>
{
    public void Configure(EntityTypeBuilder<SavedTaskFilter> b)
    {
        b.HasIndex(f => new { f.UserId, f.Page, f.Name }).IsUnique();
        b.Property(f => f.UserId).HasMaxLength(100);
        b.Property(f => f.Name).HasMaxLength(SavedTaskFilters.MaxName);
        b.Property(f => f.Page).HasMaxLength(40);
        b.Property(f => f.Query).HasMaxLength(SavedTaskFilters.MaxQuery);
    }
}

public sealed record CommentEntry(int Id, DateTime At, string Author, string Text);

public enum CommentOutcome { Added, NotFound, Invalid }

public sealed record CommentResult(CommentOutcome Outcome, CommentEntry? Comment = null, string? Error = null);

/// <summary>Comments on a task. Tasks are open to every signed-in user (decision 0018), so whoever may read a task may
/// comment on it; each comment is also an audit row of the task, so it shows in the task's history.</summary>
public static class TaskComments
{
    public const int MaxText = 4000;

    /// <summary>Who may read a task: anyone signed in (plans and tasks are open to all staff).</summary>
    public static bool MayRead(Actor actor) => actor.IsSignedIn;

    public static bool MayComment(Actor actor) => MayRead(actor);

    public static async Task<CommentResult> AddAsync(ChiSoDb db, int taskId, string? text, Actor actor, TimeProvider clock, CancellationToken ct = default)
    {
        actor.Require(MayComment(actor), "Chỉ người đọc được nhiệm vụ mới bình luận được.");
        var clean = text?.Trim() ?? "";
        if (clean.Length == 0) return new(CommentOutcome.Invalid, Error: "Nội dung bình luận đang trống.");
        if (clean.Length > MaxText) return new(CommentOutcome.Invalid, Error: $"Bình luận dài quá {MaxText} ký tự.");
        if (!await db.PlanTasks.AnyAsync(t => t.Id == taskId, ct)) return new(CommentOutcome.NotFound);
        var at = clock.GetUtcNow().UtcDateTime;
        var comment = new TaskComment { TaskId = taskId, At = at, UserId = actor.UserId, Author = actor.Name, Text = clean };
        db.Add(comment);
        db.Audit.Add(new AuditEntry { At = at, User = actor.Name, Subject = $"task:{taskId}", Field = "comment", NewValue = Excerpt(clean) });
        await db.SaveChangesAsync(ct);
        return new(CommentOutcome.Added, new CommentEntry(comment.Id, at, comment.Author, comment.Text));
    }

    public static async Task<List<CommentEntry>> ListAsync(ChiSoDb db, int taskId, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayRead(actor), "Cần đăng nhập để đọc nhiệm vụ.");
        return await db.Set<TaskComment>().AsNoTracking().Where(c => c.TaskId == taskId).OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new CommentEntry(c.Id, c.At, c.Author, c.Text)).ToListAsync(ct);
    }

    static string Excerpt(string s) => s.Length > 200 ? s[..200] + "…" : s;
}

public sealed record SavedFilterEntry(int Id, string Name, string Page, string Query)
{
    public string Address => Page + Query;
}

/// <summary>Views a user keeps, stored in the database so that every instance and every sign-in finds them. Only the
/// task pages' own addresses are kept: a saved filter is a link, never a way to store arbitrary text.</summary>
public static class SavedTaskFilters
{
    public const int MaxName = 100;
    public const int MaxQuery = 1000;
    public static readonly IReadOnlyList<string> Pages = ["/tasks", "/tasks/board", "/tasks/timeline", "/tasks/calendar", "/accountability"];

    /// <summary>Anyone signed in keeps their own views; nobody sees another's.</summary>
    public static bool MaySave(Actor actor) => actor.IsSignedIn;

    public static async Task<List<SavedFilterEntry>> ListAsync(ChiSoDb db, string page, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MaySave(actor), "Cần đăng nhập để dùng bộ lọc đã lưu.");
        return await db.Set<SavedTaskFilter>().AsNoTracking().Where(f => f.UserId == actor.UserId && f.Page == page)
            .OrderBy(f => f.Name).Select(f => new SavedFilterEntry(f.Id, f.Name, f.Page, f.Query)).ToListAsync(ct);
    }

    /// <summary>Saves the view under its name, replacing the user's view of that name on the page. Null on success,
    /// else what is wrong (Vietnamese).</summary>
    public static async Task<string?> SaveAsync(ChiSoDb db, string page, string name, string query, Actor actor, TimeProvider clock, CancellationToken ct = default)
    {
        actor.Require(MaySave(actor), "Cần đăng nhập để lưu bộ lọc.");
        var n = name.Trim();
        if (n.Length == 0) return "Cần đặt tên cho bộ lọc.";
        if (n.Length > MaxName) return $"Tên bộ lọc dài quá {MaxName} ký tự.";
        if (!Pages.Contains(page)) return $"Trang {page} không lưu được bộ lọc.";
        var q = query.Trim();
        if (q.Length > 0 && q[0] != '?') q = "?" + q;
        if (q.Length > MaxQuery) return $"Bộ lọc dài quá {MaxQuery} ký tự.";
        var existing = await db.Set<SavedTaskFilter>().FirstOrDefaultAsync(f => f.UserId == actor.UserId && f.Page == page && f.Name == n, ct);
        if (existing is null)
            db.Add(new SavedTaskFilter { UserId = actor.UserId, Name = n, Page = page, Query = q, CreatedAt = clock.GetUtcNow().UtcDateTime });
        else existing.Query = q;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Removes one of the user's own views; false when they have none with that id.</summary>
    public static async Task<bool> DeleteAsync(ChiSoDb db, int id, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MaySave(actor), "Cần đăng nhập để xoá bộ lọc.");
        return await db.Set<SavedTaskFilter>().Where(f => f.Id == id && f.UserId == actor.UserId).ExecuteDeleteAsync(ct) > 0;
    }
}

/// <summary>A line of a task's change history, as a person reads it.</summary>
public sealed record HistoryLine(DateTime At, string User, string Text);

/// <summary>What happened to a task, from the audit rows about it ("task:{id}"), its plan's imports and its progress
/// reports, newest first, in words.</summary>
public static class TaskHistory
{
    public static async Task<List<HistoryLine>> ForAsync(ChiSoDb db, PlanTask task, IReadOnlyList<ProgressEntry> progress, CancellationToken ct = default)
    {
        var subject = $"task:{task.Id}";
        var planSubject = $"plan:{task.PlanId}";
        var rows = await db.Audit.AsNoTracking().Where(a => a.Subject == subject || a.Subject == planSubject)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(200).ToListAsync(ct);
        return rows.Select(a => new HistoryLine(a.At, a.User, Describe(a)))
            .Concat(progress.Select(p => new HistoryLine(p.FiledAt, p.FiledBy,
                $"{p.UnitName} báo cáo: {TaskBoardAccountability.StatusText(p.Status)}, {p.Percent} % (tính đến {ViText.Date(p.Date)})"
                + (p.Evidence.Count > 0 ? $", kèm {p.Evidence.Count} tệp" : ""))))
            .OrderByDescending(h => h.At).ToList();
    }

    static string Describe(AuditEntry a) => a.Field switch
    {
        "comment" => "Bình luận: " + a.NewValue,
        var f when f.StartsWith("holder:", StringComparison.Ordinal) =>
            $"Giao phần việc của {f["holder:".Length..]} cho {a.NewValue}" + (a.OldValue is { Length: > 0 } o ? $" (trước: {o})" : ""),
        "tasks" => "Kế hoạch được nhập/cập nhật: " + a.NewValue,
        _ => $"{a.Field}: {(a.OldValue is { Length: > 0 } o ? o + " → " : "")}{a.NewValue}",
    } + (a.Reason is { Length: > 0 } r ? $" — {r}" : "");
}
