using System.Security.Cryptography;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Files;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>A progress report as a unit files it (the API form and the "my tasks" form share it).
/// <paramref name="Status"/>: NotStarted, InProgress, Done, Blocked (any case). The role is not asked for:
/// it follows from how the task names the unit.</summary>
public sealed record ProgressFiling(string? Unit, string? Status, int? Percent, string? Text, DateOnly? Date, DateOnly? Occurrence);

/// <summary>An evidence file as uploaded: read at most <see cref="TaskBoardProgress.MaxFileBytes"/> + 1 bytes,
/// so an oversized file is refused without being held whole.</summary>
public sealed record EvidenceUpload(string Name, byte[] Content)
{
    public static async Task<EvidenceUpload> ReadAsync(string name, Stream stream, CancellationToken ct = default) =>
        new(name, await UploadedFiles.ReadAsync(stream, ct));
}

public enum FilingOutcome { Filed, NotFound, NotOnTask, Invalid }

public sealed record FilingResult(FilingOutcome Outcome, ProgressEntry? Entry = null, Dictionary<string, string[]>? Errors = null, string? Detail = null);

/// <summary>Files a progress update: all checks first, then the evidence files and the update in one
/// transaction, so a refused filing writes nothing.</summary>
public static class TaskBoardProgress
{
    public const long MaxFileBytes = UploadedFiles.MaxBytes;
    /// <summary>All the files of one filing together: a few scans or photos, not an archive.</summary>
    public const long MaxFilingBytes = 50 * 1024 * 1024;
    public const int MaxText = 4000;

    /// <summary>Evidence may be a document or an image (a photo of a signed page).</summary>
    public static string Accept => UploadedFiles.Accept(images: true);

    /// <summary>Who may file a task's progress or a periodic report at all: the standing agency, a unit's editor or head.</summary>
    public static bool MayFile(Actor actor) => actor.IsAdmin || (actor.UnitId is not null && (actor.Is(Roles.UnitEditor) || actor.Is(Roles.UnitHead)));

    internal static void RequireFiler(Actor actor) =>
        actor.Require(MayFile(actor), "Chỉ cán bộ nhập liệu, thủ trưởng đơn vị hoặc cơ quan thường trực được báo cáo.");

    /// <summary>A unit user reports for their own unit only; the standing agency for any.</summary>
    internal static void RequireFilerFor(Actor actor, Unit unit) =>
        actor.Require(actor.MayFileFor(unit.Id), $"Tài khoản chỉ báo cáo được cho đơn vị của mình; {unit.Name} không phải đơn vị của tài khoản.");

    /// <summary>The same rule for a unit known by its code, for pages that show the filing controls only to whom it allows.</summary>
    public static async Task<bool> MayFileForAsync(ChiSoDb db, Actor actor, string? unitCode, CancellationToken ct = default) =>
        MayFile(actor) && (actor.IsAdmin || await db.Units.AnyAsync(u => u.Id == actor.UnitId && u.Code == unitCode, ct));

    public static ProgressStatus? ParseStatus(string? s) =>
        Enum.TryParse<ProgressStatus>(s?.Trim().Replace("-", "").Replace("_", ""), ignoreCase: true, out var v) && Enum.IsDefined(v) ? v : null;

    public static async Task<FilingResult> FileAsync(ChiSoDb db, int taskId, ProgressFiling f, IReadOnlyList<EvidenceUpload> files,
        Actor actor, TimeProvider clock, CancellationToken ct = default)
    {
        RequireFiler(actor);
        var user = actor.Name;
        var task = await db.PlanTasks.AsNoTracking().Include(t => t.Plan).Include(t => t.Agencies).FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null) return new(FilingOutcome.NotFound);
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = errors.TryGetValue(field, out var m) ? [.. m, message] : [message];

        // A unit user files for their own unit: it is the default, and any other unit is refused.
        Unit? unit = null;
        if (string.IsNullOrWhiteSpace(f.Unit) && !actor.IsAdmin && actor.UnitId is { } own)
            unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == own, ct);
        else if (string.IsNullOrWhiteSpace(f.Unit)) Error("unit", "Cần chọn đơn vị báo cáo.");
        else if ((unit = await TaskBoardQueries.FindUnitAsync(db, f.Unit, ct)) is null) Error("unit", $"Không có đơn vị mã '{f.Unit}'.");
        if (unit is not null) RequireFilerFor(actor, unit);

        var status = ParseStatus(f.Status);
        if (status is null) Error("status", "Tình trạng phải là một trong: NotStarted (chưa triển khai), InProgress (đang thực hiện), Done (hoàn thành), Blocked (vướng mắc).");
        var percent = f.Percent ?? (status == ProgressStatus.Done ? 100 : 0);
        if (percent is < 0 or > 100) Error("percent", "Tỷ lệ hoàn thành phải từ 0 đến 100 %.");
        else if (status == ProgressStatus.Done && percent != 100) Error("percent", "Nhiệm vụ đã hoàn thành thì tỷ lệ phải là 100 %.");
        else if (status == ProgressStatus.NotStarted && percent != 0) Error("percent", "Nhiệm vụ chưa triển khai thì tỷ lệ phải là 0 %.");
        var text = string.IsNullOrWhiteSpace(f.Text) ? null : f.Text.Trim();
        if (text?.Length > MaxText) Error("text", $"Nội dung báo cáo dài quá {MaxText} ký tự.");
        if (status == ProgressStatus.Blocked && text is null) Error("text", "Cần nêu vướng mắc và kiến nghị.");

        var today = TaskBoard.Today(clock);
        var date = f.Date ?? today;
        if (date > today) Error("date", $"Ngày báo cáo {ViText.Date(date)} ở tương lai (hôm nay là {ViText.Date(today)}).");
        if (date.Year < task.Plan!.Year - 1) Error("date", $"Ngày báo cáo {ViText.Date(date)} trước năm của kế hoạch ({task.Plan.Year}).");

        var deadline = TaskBoard.DeadlineOf(task, task.Plan.Window);
        DateOnly? occurrence = null;
        if (deadline.Kind == DeadlineKind.Recurring)
        {
            occurrence = f.Occurrence ?? TaskBoard.NextOccurrence(deadline, date);
            if (occurrence is { } o && !deadline.Occurrences(o, o).Any())
                Error("occurrence", $"Ngày {ViText.Date(o)} không phải một kỳ của nhiệm vụ ({deadline.Describe(ViText.Vi)}).");
        }
        else if (f.Occurrence is not null) Error("occurrence", "Chỉ nhiệm vụ định kỳ mới báo cáo theo kỳ.");

        var stored = new List<StoredFile>();
        foreach (var file in files)
        {
            var (checkedFile, error) = UploadedFiles.Check(file.Name, file.Content, images: true, actor, clock.GetUtcNow().UtcDateTime);
            if (error is not null) Error("files", error);
            else stored.Add(checkedFile!);
        }
        if (errors.Count > 0) return new(FilingOutcome.Invalid, Errors: errors);

        var set = await TaskSet.CreateAsync(db, [task], date, ct);
        if (set.RoleOf(task, unit!.Id) is not { } role)
            return new(FilingOutcome.NotOnTask, Detail: $"{unit.Name} không chủ trì hay phối hợp nhiệm vụ {task.Number} ({task.Plan.Label}).");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = new List<int>();
        var names = new List<string>();
        foreach (var candidate in stored)
        {
            var name = candidate.Name;
            var kept = await UploadedFiles.KeepOnceAsync(db, candidate, ct);
            await db.SaveChangesAsync(ct);
            if (ids.Contains(kept.Id) && names[ids.IndexOf(kept.Id)] == name) continue;
            ids.Add(kept.Id);
            names.Add(name);
        }
        var update = new ProgressUpdate
        {
            TaskId = task.Id, UnitId = unit.Id, Role = role, Status = status!.Value, Percent = percent, Text = text, Date = date,
            Occurrence = occurrence, FiledAt = clock.GetUtcNow().UtcDateTime, FiledBy = user, EvidenceFileIds = ids, EvidenceFileNames = names,
        };
        db.ProgressUpdates.Add(update);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var evidence = stored.Where(s => s.Id != 0).Select(s => new EvidenceFile(s.Id, s.Name, s.ContentType, s.Size, s.Sha256))
            .ToDictionary(e => e.Id);
        foreach (var id in ids.Where(i => !evidence.ContainsKey(i)))
            if (await db.Files.AsNoTracking().Where(x => x.Id == id).Select(x => new EvidenceFile(x.Id, x.Name, x.ContentType, x.Size, x.Sha256)).FirstOrDefaultAsync(ct) is { } e)
                evidence[id] = e;
        return new(FilingOutcome.Filed, TaskBoardQueries.Entry(update, unit, evidence));
    }
}
