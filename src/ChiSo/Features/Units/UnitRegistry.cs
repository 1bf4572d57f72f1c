using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Units;

/// <summary>A unit's span as the succession rules see it (stored, or as a document will leave it).</summary>
public readonly record struct UnitSpan(string Code, string Name, DateOnly? From, DateOnly? To);

/// <summary>The rules every succession obeys, whether it comes from a page, the API or an import.</summary>
public static class SuccessionRules
{
    /// <summary>Why the succession cannot be recorded (Vietnamese), or nothing. <paramref name="successorsOf"/> gives
    /// the successions already on record (and the rest of a document being imported), to find cycles.</summary>
    public static IEnumerable<string> Problems(UnitSpan from, UnitSpan to, DateOnly date, string? reference,
        Func<string, IEnumerable<string>> successorsOf)
    {
        if (string.IsNullOrWhiteSpace(reference))
            yield return $"{from.Code} → {to.Code}: thiếu văn bản (số hiệu) quyết định việc kế thừa.";
        if (from.Code == to.Code)
        {
            yield return $"{from.Name} không thể là đơn vị kế thừa của chính mình.";
            yield break;
        }
        if (Path(to.Code, from.Code, successorsOf) is { } loop)
            yield return $"{from.Code} → {to.Code} tạo vòng kế thừa ({string.Join(" → ", loop.Prepend(from.Code))}): một đơn vị không thể kế thừa chính mình.";
        if (from.To is not { } end)
            yield return $"{from.Name} chưa có ngày kết thúc: ghi ngày kết thúc trước khi ghi đơn vị kế thừa.";
        else
        {
            if (date != end.AddDays(1))
                yield return $"{from.Code} → {to.Code}: ngày kế thừa {ViText.Date(date)} phải là ngày liền sau ngày kết thúc của {from.Name} ({ViText.Date(end)}).";
            // A unit set up to take over starts the day after; one that existed already (absorbing) has no start.
            if (to.From is { } start && start <= end)
                yield return $"{from.Code} → {to.Code}: hiệu lực chồng lấn — {to.Name} bắt đầu {ViText.Date(start)}, trước khi {from.Name} kết thúc ({ViText.Date(end)}).";
        }
        if ((to.From is { } s && s > date) || (to.To is { } e && e < date))
            yield return $"{to.Name} không tồn tại vào ngày kế thừa {ViText.Date(date)}: nhiệm vụ sẽ không có đơn vị giữ.";
    }

    static List<string>? Path(string start, string target, Func<string, IEnumerable<string>> successorsOf)
    {
        var back = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        var seen = new HashSet<string> { start };
        while (queue.TryDequeue(out var c))
        {
            if (c == target)
            {
                var path = new List<string> { c };
                while (back.TryGetValue(path[^1], out var p)) path.Add(p);
                path.Reverse();
                return path;
            }
            foreach (var n in successorsOf(c))
                if (seen.Add(n)) { back[n] = c; queue.Enqueue(n); }
        }
        return null;
    }
}

public sealed record NewUnit(string Code, string Name, string Kind, string? Subkind, string? Parent, DateOnly? ValidFrom, string? Reference, string? Note);

public sealed record UnitEnd(DateOnly LastDay, IReadOnlyList<string> Successors, string? Reference, DateOnly? ReferenceDate, string? Share,
    string? Note, bool LeaveWaiting = false);

public sealed record NewSuccession(string From, string To, DateOnly Date, string Reference, DateOnly? ReferenceDate, string? Share, string? Note);

/// <summary>Changes to the registry one at a time (the /units page, the API): add, rename, end, merge or split,
/// record a succession. Each is the standing agency's, refused with the reasons in Vietnamese, and audited.
/// Returns the problems; none when the change was written.</summary>
public sealed class UnitRegistry(ChiSoDb db, TimeProvider clock)
{
    public static bool MayEdit(Actor actor) => UnitImporter.MayEdit(actor);

    const string NotAllowed = "Chỉ cơ quan thường trực (Sở Nội vụ) được sửa danh mục tổ chức.";

    public async Task<IReadOnlyList<string>> AddAsync(NewUnit input, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayEdit(actor), NotAllowed);
        var code = input.Code.Trim().ToUpperInvariant();
        var problems = new List<string>();
        if (code.Length == 0) problems.Add("Thiếu mã đơn vị.");
        if (string.IsNullOrWhiteSpace(input.Name)) problems.Add("Thiếu tên đơn vị.");
        if (UnitKinds.Parse(input.Kind) is not { } kind) { problems.Add($"Loại đơn vị '{input.Kind}' không hợp lệ."); kind = default; }
        if (input.Subkind is { Length: > 0 } sk && !UnitKinds.Subkinds.Contains(sk)) problems.Add($"Loại xã/phường '{sk}' không hợp lệ.");
        if (await db.Units.AnyAsync(u => u.Code == code, ct)) problems.Add($"Mã đơn vị '{code}' đã có.");
        var normalized = UnitNames.Normalize(input.Name ?? "");
        if (await db.UnitAliases.AnyAsync(a => a.Normalized == normalized, ct)) problems.Add($"Tên '{input.Name}' đã dùng cho một đơn vị khác.");
        Unit? parent = null;
        if (input.Parent is { Length: > 0 } pc && (parent = await db.Units.FirstOrDefaultAsync(u => u.Code == pc.Trim().ToUpper(), ct)) is null)
            problems.Add($"Không có đơn vị cấp trên '{pc}'.");
        if (problems.Count > 0) return problems;

        var unit = new Unit
        {
            Code = code, Name = input.Name!.Trim(), Kind = kind, Subkind = input.Subkind is { Length: > 0 } s ? s : null,
            ParentId = parent?.Id, ValidFrom = input.ValidFrom,
            Aliases = [new UnitAlias { Alias = input.Name.Trim(), Normalized = normalized }],
        };
        db.Units.Add(unit);
        if (input.ValidFrom is { } from)
            db.UnitEvents.Add(new UnitEvent
            {
                Date = from, Kind = UnitEventKind.Establish, Reference = Blank(input.Reference), Note = Blank(input.Note),
                Parts = [new UnitEventPart { Unit = unit, IsPredecessor = false }],
            });
        Audit(actor, code, "created", null, $"{unit.Name} ({input.Kind}, từ {ViText.Date(input.ValidFrom)})", input.Reference);
        await db.SaveChangesAsync(ct);
        return [];
    }

    /// <summary>A new name for the same unit (same code, same work): the old name stays as an alias, so documents
    /// that use it still find the unit.</summary>
    public async Task<IReadOnlyList<string>> RenameAsync(string code, string name, DateOnly date, string? reference, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayEdit(actor), NotAllowed);
        var unit = await db.Units.Include(u => u.Aliases).FirstOrDefaultAsync(u => u.Code == code.Trim().ToUpper(), ct);
        if (unit is null) return [$"Không có đơn vị '{code}'."];
        if (string.IsNullOrWhiteSpace(name)) return ["Thiếu tên mới."];
        var normalized = UnitNames.Normalize(name);
        if (await db.UnitAliases.AnyAsync(a => a.Normalized == normalized && a.UnitId != unit.Id, ct))
            return [$"Tên '{name}' đã dùng cho một đơn vị khác."];
        var old = unit.Name;
        unit.Name = name.Trim();
        if (unit.Aliases.All(a => a.Normalized != normalized)) unit.Aliases.Add(new UnitAlias { Alias = unit.Name, Normalized = normalized });
        db.UnitEvents.Add(new UnitEvent
        {
            Date = date, Kind = UnitEventKind.Rename, Reference = Blank(reference), Note = $"{old} → {unit.Name}",
            Parts = [new UnitEventPart { UnitId = unit.Id, IsPredecessor = true }, new UnitEventPart { UnitId = unit.Id, IsPredecessor = false }],
        });
        Audit(actor, unit.Code, "name", old, unit.Name, reference);
        await db.SaveChangesAsync(ct);
        return [];
    }

    /// <summary>Ends a unit on its last day: with one successor a merge into it, with several a split, with none a
    /// dissolution. Open tasks follow decision 0019; ending a unit that still holds open work with no successor
    /// must say that the work waits for the standing agency (<see cref="UnitEnd.LeaveWaiting"/>).</summary>
    public async Task<IReadOnlyList<string>> EndAsync(string code, UnitEnd end, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayEdit(actor), NotAllowed);
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Code == code.Trim().ToUpper(), ct);
        if (unit is null) return [$"Không có đơn vị '{code}'."];
        if (unit.ValidTo is not null) return [$"{unit.Name} đã kết thúc ngày {ViText.Date(unit.ValidTo)}."];
        if (unit.ValidFrom is { } f && end.LastDay < f) return [$"{unit.Name}: ngày kết thúc trước ngày bắt đầu ({ViText.Date(f)})."];
        var codes = end.Successors.Select(c => c.Trim().ToUpperInvariant()).Where(c => c.Length > 0).Distinct().ToList();
        var successors = await db.Units.Where(u => codes.Contains(u.Code)).ToListAsync(ct);
        var problems = codes.Where(c => successors.All(s => s.Code != c)).Select(c => $"Không có đơn vị '{c}'.").ToList();
        var span = new UnitSpan(unit.Code, unit.Name, unit.ValidFrom, end.LastDay);
        var graph = await GraphAsync(ct);
        foreach (var s in successors)
            problems.AddRange(SuccessionRules.Problems(span, Span(s), end.LastDay.AddDays(1), end.Reference, graph));
        if (successors.Count == 0 && !end.LeaveWaiting)
        {
            var open = await OpenTasksAsync(unit, end.LastDay, ct);
            if (open > 0)
                problems.Add($"{unit.Name} còn {open} nhiệm vụ chưa hoàn thành: ghi đơn vị kế thừa, hoặc chọn để nhiệm vụ chờ cơ quan thường trực giao — nếu không, nhiệm vụ sẽ không có đơn vị giữ.");
        }
        if (problems.Count > 0) return problems;

        unit.ValidTo = end.LastDay;
        var kind = successors.Count switch { 0 => UnitEventKind.Dissolve, 1 => UnitEventKind.Merge, _ => UnitEventKind.Split };
        db.UnitEvents.Add(new UnitEvent
        {
            Date = end.LastDay.AddDays(1), Kind = kind, Reference = Blank(end.Reference), Note = Blank(end.Note),
            Parts = [new UnitEventPart { UnitId = unit.Id, IsPredecessor = true }, .. successors.Select(s => new UnitEventPart { UnitId = s.Id, IsPredecessor = false })],
        });
        foreach (var s in successors)
            AddSuccession(actor, unit, s, end.LastDay.AddDays(1), end.Reference!, end.ReferenceDate, end.Share, end.Note);
        Audit(actor, unit.Code, "validTo", null, ViText.Date(end.LastDay), end.Reference);
        await db.SaveChangesAsync(ct);
        return [];
    }

    public async Task<IReadOnlyList<string>> RecordSuccessionAsync(NewSuccession input, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayEdit(actor), NotAllowed);
        var from = await db.Units.FirstOrDefaultAsync(u => u.Code == input.From.Trim().ToUpper(), ct);
        var to = await db.Units.FirstOrDefaultAsync(u => u.Code == input.To.Trim().ToUpper(), ct);
        if (from is null || to is null) return [$"Không có đơn vị '{(from is null ? input.From : input.To)}'."];
        if (await db.UnitSuccessions.AnyAsync(s => s.PredecessorId == from.Id && s.SuccessorId == to.Id, ct))
            return [$"Đã ghi {to.Name} kế thừa {from.Name}."];
        var problems = SuccessionRules.Problems(Span(from), Span(to), input.Date, input.Reference, await GraphAsync(ct)).ToList();
        if (problems.Count > 0) return problems;
        AddSuccession(actor, from, to, input.Date, input.Reference, input.ReferenceDate, input.Share, input.Note);
        await db.SaveChangesAsync(ct);
        return [];
    }

    void AddSuccession(Actor actor, Unit from, Unit to, DateOnly date, string reference, DateOnly? referenceDate, string? share, string? note)
    {
        db.UnitSuccessions.Add(new UnitSuccession
        {
            PredecessorId = from.Id, SuccessorId = to.Id, Date = date, Reference = reference.Trim(), ReferenceDate = referenceDate,
            Share = Blank(share), Note = Blank(note),
        });
        Audit(actor, from.Code, "successor:" + to.Code, null,
            $"{to.Code} từ {ViText.Date(date)}" + (Blank(share) is { } s ? $" ({s})" : ""), $"{reference.Trim()}" + (referenceDate is { } d ? $" ngày {ViText.Date(d)}" : ""));
    }

    async Task<Func<string, IEnumerable<string>>> GraphAsync(CancellationToken ct)
    {
        var edges = await db.UnitSuccessions.Select(s => new { From = s.Predecessor!.Code, To = s.Successor!.Code }).ToListAsync(ct);
        var lookup = edges.ToLookup(e => e.From, e => e.To);
        return c => lookup[c];
    }

    /// <summary>Tasks the unit holds the day after <paramref name="lastDay"/> would still be open.</summary>
    async Task<int> OpenTasksAsync(Unit unit, DateOnly lastDay, CancellationToken ct)
    {
        var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: unit.Code), lastDay, ct);
        if (set is null) return 0;
        return set.Tasks.Count(t => set.Parties(t).Units.FirstOrDefault(p => p.Unit.Id == unit.Id) is { } p
            && (p.Role == AgencyRole.Lead ? TaskSet.ShareOf(t, p, lastDay) : TaskBoard.Evaluate(t, t.Plan!.Window, lastDay)).Status != ProgressStatus.Done);
    }

    static UnitSpan Span(Unit u) => new(u.Code, u.Name, u.ValidFrom, u.ValidTo);

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    void Audit(Actor actor, string code, string field, string? old, string? @new, string? reason) =>
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = "unit:" + code, Field = field, OldValue = old, NewValue = @new,
            Reason = Blank(reason),
        });
}
