using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Plans;

/// <summary>The standing agency's answer for one task of an ended unit whose successor is not one unit
/// (several, or none recorded): from then on <see cref="ToUnitId"/> holds that unit's share.</summary>
public sealed class TaskHandover
{
    public int Id { get; set; }
    public int TaskId { get; set; }
    public PlanTask? Task { get; set; }
    public int FromUnitId { get; set; }
    public Unit? FromUnit { get; set; }
    public int ToUnitId { get; set; }
    public Unit? ToUnit { get; set; }
    public DateTime AssignedAt { get; set; }
    public required string AssignedBy { get; set; }
    public string? Note { get; set; }
}

/// <summary>Who holds a unit's share of a task on a day (decision 0019): the unit while it exists; after its
/// last day, the one successor the registry names, or the unit the standing agency assigned, followed on
/// through later changes. Computed, never copied into the task: the plan keeps the agency it named.</summary>
public sealed class TaskHolders
{
    public static readonly TaskHolders None = new([], []);

    readonly ILookup<int, UnitSuccession> byPredecessor;
    readonly Dictionary<(int Task, int From), int> handovers;

    TaskHolders(IEnumerable<UnitSuccession> successions, IEnumerable<TaskHandover> handovers)
    {
        byPredecessor = successions.ToLookup(s => s.PredecessorId);
        this.handovers = handovers.ToDictionary(h => (h.TaskId, h.FromUnitId), h => h.ToUnitId);
    }

    public static async Task<TaskHolders> LoadAsync(ChiSoDb db, CancellationToken ct = default) =>
        new(await db.UnitSuccessions.AsNoTracking().ToListAsync(ct), await db.TaskHandovers.AsNoTracking().ToListAsync(ct));

    public IEnumerable<UnitSuccession> SuccessorsOf(int unitId) => byPredecessor[unitId];

    /// <summary>The holder on <paramref name="asOf"/>, or the ended unit the share waits at (no single successor,
    /// no assignment yet).</summary>
    public (Unit? Holder, Unit? WaitsAt) Resolve(int taskId, Unit unit, DateOnly asOf, IReadOnlyDictionary<int, Unit> units)
    {
        var u = unit;
        var seen = new HashSet<int>();
        while (u.ValidTo is { } end && end < asOf)
        {
            // Cycles are refused when successions are recorded; one that got in some other way must not hang a page.
            if (!seen.Add(u.Id)) return (null, u);
            if (handovers.TryGetValue((taskId, u.Id), out var to) && units.TryGetValue(to, out var assigned)) { u = assigned; continue; }
            var next = byPredecessor[u.Id].Where(s => s.Date <= asOf).Select(s => s.SuccessorId).Distinct().ToList();
            if (next.Count != 1 || !units.TryGetValue(next[0], out var successor)) return (null, u);
            u = successor;
        }
        return (u, null);
    }

    /// <summary>Every unit whose shares <paramref name="unitId"/> may hold: itself, the predecessors behind it
    /// and the units whose tasks were assigned to it (and theirs).</summary>
    public HashSet<int> HeldThrough(int unitId)
    {
        var behind = byPredecessor.SelectMany(g => g).Select(s => (From: s.PredecessorId, To: s.SuccessorId))
            .Concat(handovers.Select(h => (h.Key.From, To: h.Value))).ToLookup(x => x.To, x => x.From);
        var found = new HashSet<int> { unitId };
        var queue = new Queue<int>([unitId]);
        while (queue.TryDequeue(out var id))
            foreach (var p in behind[id])
                if (found.Add(p)) queue.Enqueue(p);
        return found;
    }
}

/// <summary>A share that waits for the standing agency: the ended unit, its role on the task, and the successors
/// on record (several, or none).</summary>
public sealed record WaitingShare(
    int TaskId, string Plan, int PlanYear, string Number, string Description, string Unit, string UnitName, DateOnly EndedOn,
    AgencyRole Role, IReadOnlyList<string> Successors);

/// <summary>One waiting share (a task, the ended unit whose share it is) and the unit chosen to hold it.</summary>
public sealed record ShareAssignment(int Task, string From, string To);

public static class TaskHandovers
{
    /// <summary>Assigning an ended unit's work is the standing agency's, like the registry itself.</summary>
    public static bool MayAssign(Actor actor) => actor.IsAdmin;

    /// <summary>The shares waiting on <paramref name="asOf"/>, oldest plan first.</summary>
    public static async Task<List<WaitingShare>> WaitingAsync(ChiSoDb db, DateOnly asOf, CancellationToken ct = default)
    {
        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, ct);
        var groups = await db.UnitGroups.AsNoTracking().ToDictionaryAsync(g => g.Id, ct);
        // Only a unit ended before the day leaves a share waiting: the tasks that name one, directly or through a group of
        // its kind in a plan year it still existed in, are all that can hold one (not every task of every year).
        var ended = units.Values.Where(u => u.ValidTo < asOf).ToList();
        if (ended.Count == 0) return [];
        var endedIds = ended.Select(u => (int?)u.Id).ToList();
        var kinds = ended.Select(u => u.Kind).ToHashSet();
        var endedGroups = groups.Values.Where(g => g.Kinds.Any(kinds.Contains)).Select(g => (int?)g.Id).ToList();
        var lastYear = ended.Max(u => u.ValidTo!.Value.Year);
        var tasks = await db.PlanTasks.AsNoTracking()
            .Where(t => t.Agencies.Any(a => endedIds.Contains(a.UnitId) || (endedGroups.Contains(a.GroupId) && t.Plan!.Year <= lastYear)))
            .Include(t => t.Agencies).Include(t => t.Progress.Where(p => p.Date <= asOf)).AsSplitQuery().ToListAsync(ct);
        await TaskBoardQueries.AttachPlansAsync(db, tasks, ct);
        var set = new TaskSet { Tasks = tasks, Units = units, Groups = groups, AsOf = asOf, Holders = await TaskHolders.LoadAsync(db, ct) };
        var rows = new List<WaitingShare>();
        foreach (var task in set.Tasks)
            foreach (var w in set.Parties(task).Waiting)
                rows.Add(new WaitingShare(task.Id, task.Plan!.Label, task.Plan.Year, task.Number, task.Description, w.Unit.Code, w.Unit.Name,
                    w.Unit.ValidTo!.Value, w.Role,
                    set.Holders.SuccessorsOf(w.Unit.Id).Select(s => set.Units[s.SuccessorId].Code).Distinct().ToList()));
        return rows.OrderBy(r => r.PlanYear).ThenBy(r => r.Plan).ThenBy(r => r.TaskId).ThenBy(r => r.Unit).ToList();
    }

    public static async Task<int> WaitingCountAsync(ChiSoDb db, DateOnly asOf, CancellationToken ct = default) =>
        (await WaitingAsync(db, asOf, ct)).Count;

    /// <summary>Gives each chosen share to its unit, all or nothing: null when done, else the Vietnamese reasons, one
    /// per refused share (nothing written). One audit row per share.</summary>
    public static async Task<IReadOnlyList<string>?> AssignAsync(ChiSoDb db, IReadOnlyList<ShareAssignment> shares, string? note,
        Actor actor, TimeProvider clock, CancellationToken ct = default)
    {
        actor.Require(MayAssign(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được giao lại nhiệm vụ của đơn vị đã kết thúc.");
        if (shares.Count == 0) return ["Chọn ít nhất một phần việc đang chờ giao."];
        var today = TaskBoard.Today(clock);
        static string Code(string? c) => (c ?? "").Trim().ToUpperInvariant();
        var codes = shares.SelectMany(s => new[] { Code(s.From), Code(s.To) }).Distinct().ToList();
        var units = await db.Units.Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, ct);
        var taskIds = shares.Select(s => s.Task).Distinct().ToList();
        var tasks = await db.PlanTasks.Include(t => t.Plan).Include(t => t.Agencies).Where(t => taskIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var set = await TaskSet.CreateAsync(db, [.. tasks.Values], today, ct);

        var problems = new List<string>();
        var chosen = new List<(PlanTask Task, Unit From, Unit To)>();
        var seen = new HashSet<(int, int)>();
        foreach (var share in shares)
        {
            string? Refusal()
            {
                if (!units.TryGetValue(Code(share.From), out var from)) return $"Không có đơn vị '{share.From}'.";
                if (!units.TryGetValue(Code(share.To), out var to)) return $"Không có đơn vị '{share.To}'.";
                if (!tasks.TryGetValue(share.Task, out var task)) return $"Không có nhiệm vụ {share.Task}.";
                var what = $"Nhiệm vụ {task.Number} ({task.Plan!.Label}) của {from.Name}";
                if (from.ValidTo is not { } ended) return $"{what}: {from.Name} chưa kết thúc, nhiệm vụ của đơn vị vẫn do đơn vị giữ.";
                if (from.Id == to.Id) return $"{what}: không thể giao nhiệm vụ của {from.Name} cho chính đơn vị đó.";
                // An assignee that no longer (or not yet) exists would leave the task with no holder.
                if (!to.ExistsOn(today))
                    return $"{what}: {to.Name} không còn hoặc chưa tồn tại vào ngày {ViText.Date(today)}, nhiệm vụ sẽ không có đơn vị giữ.";
                // The share passes the day after its unit ended: an assignee that did not exist then would hold it before it existed.
                var passes = ended.AddDays(1);
                if (!to.ExistsOn(passes))
                    return $"{what}: {to.Name} chưa tồn tại hoặc đã kết thúc vào ngày {ViText.Date(passes)}, ngày phần việc chuyển đi; chọn đơn vị kế thừa có hiệu lực từ ngày đó.";
                if (set.Parties(task).Waiting.All(w => w.Unit.Id != from.Id)) return $"{what} không đang chờ giao.";
                if (!seen.Add((task.Id, from.Id))) return $"{what} được chọn hai lần.";
                chosen.Add((task, from, to));
                return null;
            }
            if (Refusal() is { } refusal) problems.Add(refusal);
        }
        if (problems.Count > 0) return problems;

        var fromIds = chosen.Select(c => c.From.Id).Distinct().ToList();
        var existing = await db.TaskHandovers.Where(h => fromIds.Contains(h.FromUnitId) && taskIds.Contains(h.TaskId)).ToListAsync(ct);
        var at = clock.GetUtcNow().UtcDateTime;
        var reason = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        foreach (var (task, from, to) in chosen)
        {
            var h = existing.FirstOrDefault(x => x.TaskId == task.Id && x.FromUnitId == from.Id);
            if (h is null) db.TaskHandovers.Add(h = new TaskHandover { TaskId = task.Id, FromUnitId = from.Id, AssignedBy = actor.Name });
            h.ToUnitId = to.Id;
            h.AssignedAt = at;
            h.AssignedBy = actor.Name;
            h.Note = reason;
            db.Audit.Add(new AuditEntry
            {
                At = at, User = actor.Name, Subject = $"task:{task.Id}", Field = "holder:" + from.Code,
                OldValue = null, NewValue = to.Code, Reason = reason,
            });
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Every share waiting today at the ended unit <paramref name="fromCode"/> to <paramref name="toCode"/>, all
    /// or nothing; the number assigned, or the reasons.</summary>
    public static async Task<(int Assigned, IReadOnlyList<string>? Problems)> AssignAllAtAsync(ChiSoDb db, string fromCode, string toCode, string? note,
        Actor actor, TimeProvider clock, CancellationToken ct = default)
    {
        actor.Require(MayAssign(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được giao lại nhiệm vụ của đơn vị đã kết thúc.");
        var code = (fromCode ?? "").Trim().ToUpperInvariant();
        var shares = (await WaitingAsync(db, TaskBoard.Today(clock), ct)).Where(w => w.Unit == code)
            .Select(w => new ShareAssignment(w.TaskId, w.Unit, toCode)).ToList();
        if (shares.Count == 0) return (0, [$"Không có phần việc nào của '{fromCode}' đang chờ giao."]);
        return await AssignAsync(db, shares, note, actor, clock, ct) is { } problems ? (0, problems) : (shares.Count, null);
    }
}
