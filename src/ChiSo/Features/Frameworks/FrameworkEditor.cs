using System.Globalization;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Frameworks;

public sealed record NewFramework(string Key, string Name, string? NameEn = null, string Scale = "points", string RollUp = "sum", string? Publisher = null);

/// <summary>A new version; with <see cref="CopyFrom"/> it starts as a copy of that version's tree.</summary>
public sealed record NewVersion(string Label, string? Name, int ValidFromYear, int? ValidToYear, decimal Max, string? Source = null, string? CopyFrom = null);

/// <summary>A criterion to add or to change: the version's token as the editor read it, the parent's code (none for a
/// field), the place among the parent's children (0 first; none keeps it, or puts a new one last).</summary>
public sealed record CriterionChange(Guid Concurrency, string? Parent, int? Position, CriterionDocument Criterion, string? Reason = null);

/// <summary>One version's tree as the editor shows it. <see cref="Locked"/> says why the version is in use; <see cref="InUse"/>
/// lists the codes that cannot be deleted (they, or a criterion under them, have scores, targets or assessment answers).</summary>
public sealed record EditableVersion(string Key, string FrameworkName, string Label, string? Name, int ValidFromYear, int? ValidToYear,
    decimal Max, string? Source, Guid Concurrency, string? PreviousLabel, string? Locked, List<CriterionDocument> Criteria, List<SumWarning> Warnings,
    IReadOnlyList<string> InUse);

/// <summary>A standard node whose children's max do not add up to its own; code "" is the version's total.</summary>
public sealed record SumWarning(string Code, decimal? Max, decimal Children);

public abstract record FrameworkEdit
{
    public sealed record Saved(EditableVersion Version) : FrameworkEdit;
    public sealed record Created(FrameworkSummary Framework) : FrameworkEdit;
    public sealed record NotFound : FrameworkEdit;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : FrameworkEdit;
    /// <summary>Someone changed the version after the editor read it: nothing was written.</summary>
    public sealed record Conflict : FrameworkEdit;
    /// <summary>The version is in use (results, targets or assessment items): its tree cannot lose a node.</summary>
    public sealed record Locked(string Reason) : FrameworkEdit;
}

/// <summary>Edits a framework by hand: create it, add a version (empty or copied), add, change and delete criteria.
/// The rules are the import's (<see cref="CriterionRules"/>); every change is audited under
/// "framework:{key}:{version}"; a change made from a stale copy of the version is refused.</summary>
public static class FrameworkEditor
{
    /// <summary>Who may change a framework (its tree, versions, imports): the standing agency. Pages show the editing
    /// controls by this rule; every change below is refused without it.</summary>
    public static bool MayEdit(Actor actor) => actor.IsAdmin;

    internal static void RequireEdit(Actor actor) =>
        actor.Require(MayEdit(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được sửa khung chỉ số; tài khoản của bạn chỉ được xem.");

    static readonly JsonSerializerOptions Compact = new(FrameworkDocument.Json) { WriteIndented = false };
    const string DefaultReason = "Sửa khung chỉ số";

    /// <summary>The tree as rows in order, with their depth. With a search (diacritics and case ignored,
    /// <see cref="ViText.Matches"/>): the criteria whose code or name holds it with everything under them, and the fields
    /// above them, so each match keeps its place in the tree.</summary>
    public static IEnumerable<(CriterionDocument Criterion, int Depth)> Rows(IEnumerable<CriterionDocument> roots, string? search = null)
    {
        bool Self(CriterionDocument n) => ViText.Matches(search, n.Code, n.Name);
        bool Holds(CriterionDocument n) => Self(n) || n.Children.Any(Holds);
        IEnumerable<(CriterionDocument, int)> Walk(IEnumerable<CriterionDocument> nodes, int depth, bool all) =>
            nodes.Where(n => all || Holds(n)).SelectMany(n => Walk(n.Children, depth + 1, all || Self(n)).Prepend((n, depth)));
        return Walk(roots, 0, string.IsNullOrWhiteSpace(search));
    }

    public static async Task<EditableVersion?> LoadAsync(ChiSoDb db, string key, string label, CancellationToken ct = default)
    {
        var f = await db.Frameworks.AsNoTracking().Include(x => x.Versions).FirstOrDefaultAsync(x => x.Key == key, ct);
        var v = f?.Versions.FirstOrDefault(x => x.Label == label);
        if (f is null || v is null) return null;
        var criteria = await db.Criteria.AsNoTracking().Where(c => c.VersionId == v.Id).Include(c => c.Leads).ThenInclude(l => l.Unit).ToListAsync(ct);
        var tree = FrameworkExport.TreeOf(criteria, null);
        var previous = CriterionRules.Previous(f.Versions.OrderBy(x => x.Id), x => x.ValidFromYear, v.ValidFromYear);
        var used = await UsedAsync(db, criteria.Select(c => c.Id).ToList(), ct);
        var inUse = criteria.Where(c => Subtree(criteria, c).Any(x => used.Contains(x.Id))).Select(c => c.Code).ToList();
        return new EditableVersion(f.Key, f.Name, v.Label, v.Name, v.ValidFromYear, v.ValidToYear, v.Max, v.Source, v.Concurrency,
            previous?.Label, await LockedAsync(db, v.Id, ct), tree, Warnings(v.Max, tree), inUse);
    }

    /// <summary>The criterion and everything under it.</summary>
    static List<Criterion> Subtree(List<Criterion> all, Criterion node)
    {
        var list = new List<Criterion>();
        void Collect(Criterion c)
        {
            list.Add(c);
            foreach (var child in all.Where(x => x.ParentId == c.Id)) Collect(child);
        }
        Collect(node);
        return list;
    }

    /// <summary>Of these criteria, the ones that scores, targets or assessment answers refer to.</summary>
    static async Task<HashSet<int>> UsedAsync(ChiSoDb db, List<int> ids, CancellationToken ct)
    {
        var scored = await db.Set<CriterionScore>().Where(s => ids.Contains(s.CriterionId)).Select(s => s.CriterionId).Distinct().ToListAsync(ct);
        var targeted = await db.Set<CriterionTarget>().Where(t => ids.Contains(t.CriterionId)).Select(t => t.CriterionId).Distinct().ToListAsync(ct);
        var assessed = await db.AssessmentItems.Where(i => ids.Contains(i.CriterionId)).Select(i => i.CriterionId).Distinct().ToListAsync(ct);
        return [.. scored, .. targeted, .. assessed];
    }

    /// <summary>Standard nodes whose children do not add up, and the fields against the version's max. Bonus and
    /// penalty nodes are caps on their own, outside the sum.</summary>
    public static List<SumWarning> Warnings(decimal max, List<CriterionDocument> roots)
    {
        var warnings = new List<SumWarning>();
        var standard = roots.Where(r => CriterionRules.ParseKind(r.Kind) == CriterionKind.Standard).ToList();
        var total = standard.Sum(r => r.Max ?? 0);
        if (standard.Count > 0 && total != max) warnings.Add(new("", max, total));
        // A standard node holding only bonus and penalty nodes (5666's ninth content) groups caps: it has no sum.
        foreach (var c in FrameworkImporter.Flatten(roots).Where(c => c.Children.Any(x => CriterionRules.ParseKind(x.Kind) == CriterionKind.Standard)
            && CriterionRules.ParseKind(c.Kind) == CriterionKind.Standard))
        {
            var sum = c.Children.Where(x => CriterionRules.ParseKind(x.Kind) == CriterionKind.Standard).Sum(x => x.Max ?? 0);
            if (sum != (c.Max ?? 0)) warnings.Add(new(c.Code, c.Max, sum));
        }
        return warnings;
    }

    static async Task<string?> LockedAsync(ChiSoDb db, int versionId, CancellationToken ct)
    {
        if (await db.Results.AnyAsync(r => r.VersionId == versionId, ct)) return "Phiên bản đã có kết quả chỉ số.";
        if (await db.Targets.AnyAsync(t => t.VersionId == versionId, ct)) return "Phiên bản đã có mục tiêu.";
        if (await db.AssessmentItems.AnyAsync(i => db.Criteria.Any(c => c.Id == i.CriterionId && c.VersionId == versionId), ct))
            return "Phiên bản đã được dùng trong kỳ đánh giá (đã có bản tự đánh giá của đơn vị).";
        return null;
    }

    public static async Task<FrameworkEdit> CreateFrameworkAsync(ChiSoDb db, TimeProvider clock, NewFramework input, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var errors = new Dictionary<string, List<string>>();
        var key = input.Key?.Trim() ?? "";
        if (key.Length is 0 or > 60 || !key.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            Add(errors, "key", "Mã bộ chỉ số gồm chữ thường không dấu, số và dấu '-', tối đa 60 ký tự (ví dụ: city-par-departments).");
        else if (await db.Frameworks.AnyAsync(f => f.Key == key, ct)) Add(errors, "key", $"Đã có bộ chỉ số mã '{key}'.");
        if (string.IsNullOrWhiteSpace(input.Name)) Add(errors, "name", "Thiếu tên bộ chỉ số.");
        var scale = FrameworkImporter.ParseScale(input.Scale);
        if (scale is null) Add(errors, "scale", $"Thang điểm '{input.Scale}' không hợp lệ (points hoặc percent).");
        var rollUp = FrameworkImporter.ParseRollUp(input.RollUp);
        if (rollUp is null) Add(errors, "rollUp", $"Cách cộng dồn '{input.RollUp}' không hợp lệ (sum hoặc none).");
        if (errors.Count > 0) return Invalid(errors);

        db.Frameworks.Add(new Framework
        {
            Key = key, Name = input.Name.Trim(), NameEn = input.NameEn, Scale = scale!.Value, RollUp = rollUp!.Value, Publisher = input.Publisher,
        });
        db.Audit.Add(Entry(clock, actor.Name, DefaultReason, $"framework:{key}", "framework", null, input.Name.Trim()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique key lost a race with another create of the same key.
            return Invalid(new() { ["key"] = [$"Đã có bộ chỉ số mã '{key}'."] });
        }
        return new FrameworkEdit.Created((await FrameworksApi.ListAsync(db, ct)).Single(f => f.Key == key));
    }

    public static async Task<FrameworkEdit> CreateVersionAsync(ChiSoDb db, TimeProvider clock, string key, NewVersion input, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var f = await db.Frameworks.Include(x => x.Versions).FirstOrDefaultAsync(x => x.Key == key, ct);
        if (f is null) return new FrameworkEdit.NotFound();
        var errors = new Dictionary<string, List<string>>();
        var label = input.Label?.Trim() ?? "";
        if (label.Length == 0) Add(errors, "label", "Phiên bản thiếu nhãn.");
        else if (f.Versions.Any(v => v.Label == label)) Add(errors, "label", $"Đã có phiên bản '{label}'.");
        if (input.ValidToYear is { } to && to < input.ValidFromYear)
            Add(errors, "validToYear", $"Năm hết hiệu lực {to} trước năm bắt đầu {input.ValidFromYear}.");
        if (input.ValidFromYear is < 1990 or > 2100) Add(errors, "validFromYear", $"Năm bắt đầu {input.ValidFromYear} không hợp lệ.");
        if (input.Max <= 0) Add(errors, "max", "Điểm tối đa của bộ chỉ số phải lớn hơn 0.");
        var source = input.CopyFrom is null ? null : f.Versions.FirstOrDefault(v => v.Label == input.CopyFrom);
        if (input.CopyFrom is not null && source is null) Add(errors, "copyFrom", $"Không có phiên bản '{input.CopyFrom}' để sao chép.");
        if (errors.Count > 0) return Invalid(errors);

        var version = new FrameworkVersion
        {
            Label = label, Name = input.Name, ValidFromYear = input.ValidFromYear, ValidToYear = input.ValidToYear, Max = input.Max,
            Source = input.Source, Concurrency = Guid.NewGuid(),
        };
        f.Versions.Add(version);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Audit.Add(Entry(clock, actor.Name, DefaultReason, $"framework:{key}:{label}", "version", null,
            $"{label} ({input.ValidFromYear}–{input.ValidToYear?.ToString(CultureInfo.InvariantCulture) ?? "nay"}), tối đa {ViText.Num(input.Max)}"
            + (source is null ? "" : $", sao chép từ {source.Label}")));
        await db.SaveChangesAsync(ct);
        if (source is not null)
        {
            // The copy continues its source code for code only when the source is the version just before it; a
            // copy of an older version would point its previous codes at the wrong year.
            var continues = CriterionRules.Previous(f.Versions.OrderBy(x => x.Id), v => v.ValidFromYear, version.ValidFromYear) == source;
            var from = await db.Criteria.AsNoTracking().Include(c => c.Leads).Where(c => c.VersionId == source.Id).ToListAsync(ct);
            var copyOf = new Dictionary<int, Criterion>();
            // Parents before children, so that each child's ParentId is known when it is added.
            var level = from.Where(c => c.ParentId is null).ToList();
            while (level.Count > 0)
            {
                foreach (var c in level)
                {
                    var copy = new Criterion
                    {
                        VersionId = version.Id, ParentId = c.ParentId is { } p ? copyOf[p].Id : null, Code = c.Code, Name = c.Name,
                        NameEn = c.NameEn, Max = c.Max, Method = c.Method, Notes = c.Notes, Order = c.Order, Kind = c.Kind,
                        AppliesTo = [.. c.AppliesTo], Answer = c.Answer, Step = c.Step, Levels = [.. c.Levels],
                        AllowNotApplicable = c.AllowNotApplicable, Rule = c.Rule, EvidenceRequired = c.EvidenceRequired,
                        PreviousCodes = continues ? [c.Code] : [],
                        Leads = c.Leads.Select(l => new CriterionLead { UnitId = l.UnitId, Scope = l.Scope }).ToList(),
                    };
                    copyOf[c.Id] = copy;
                    db.Criteria.Add(copy);
                }
                await db.SaveChangesAsync(ct);
                var ids = level.Select(c => c.Id).ToHashSet();
                level = from.Where(c => c.ParentId is { } p && ids.Contains(p)).ToList();
            }
        }
        await tx.CommitAsync(ct);
        return new FrameworkEdit.Saved((await LoadAsync(db, key, label, ct))!);
    }

    /// <summary>Adds a criterion (<paramref name="code"/> null) or changes the one with that code.</summary>
    public static async Task<FrameworkEdit> SaveCriterionAsync(ChiSoDb db, TimeProvider clock, string key, string label, string? code,
        CriterionChange change, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var (f, version, all) = await LoadTrackedAsync(db, key, label, ct);
        if (f is null || version is null) return new FrameworkEdit.NotFound();
        var node = code is null ? null : all.FirstOrDefault(c => c.Code == code);
        if (code is not null && node is null) return new FrameworkEdit.NotFound();
        if (version.Concurrency != change.Concurrency) return new FrameworkEdit.Conflict();

        var input = change.Criterion with { Code = change.Criterion.Code?.Trim().TrimEnd('.') ?? "", Children = [] };
        var errors = new Dictionary<string, List<string>>();
        foreach (var (field, message) in CriterionRules.Check(input)) Add(errors, field, message);
        var parent = string.IsNullOrWhiteSpace(change.Parent) ? null : all.FirstOrDefault(c => c.Code == change.Parent.Trim());
        if (!string.IsNullOrWhiteSpace(change.Parent) && parent is null) Add(errors, "parent", $"Không có tiêu chí cha '{change.Parent}'.");
        if (input.Code.Length == 0) Add(errors, "code", "Tiêu chí thiếu mã (STT).");
        else
        {
            if (all.Any(c => c.Code == input.Code && c != node)) Add(errors, "code", $"Mã tiêu chí '{input.Code}' đã có trong phiên bản.");
            if (parent is not null && !input.Code.StartsWith(parent.Code + ".", StringComparison.Ordinal))
                Add(errors, "code", $"Mã '{input.Code}' phải bắt đầu bằng mã tiêu chí cha '{parent.Code}.'.");
            if (parent is null && string.IsNullOrWhiteSpace(change.Parent) && input.Code.Contains('.'))
                Add(errors, "code", $"Mã '{input.Code}' có dấu chấm nên cần tiêu chí cha '{input.Code[..input.Code.LastIndexOf('.')]}'.");
        }
        if (node is not null && all.Any(c => c.ParentId == node.Id) && (input.Code != node.Code || parent?.Id != node.ParentId))
            Add(errors, "code", "Không đổi mã hay tiêu chí cha của một tiêu chí đang có tiêu chí con.");
        if (change.Position is < 0) Add(errors, "position", "Vị trí phải từ 0 trở lên.");
        var units = await UnitDirectory.LoadAsync(db, ct);
        foreach (var l in input.Lead.Where(l => units.Find(l.Agency) is null))
            Add(errors, "lead", $"Không tìm thấy đơn vị chủ trì '{l.Agency}' trong danh mục tổ chức.");
        var previous = CriterionRules.Previous(f.Versions.OrderBy(x => x.Id), v => v.ValidFromYear, version.ValidFromYear);
        if (previous is not null && input.PreviousCodes.Count > 0)
        {
            var codes = await db.Criteria.Where(c => c.VersionId == previous.Id).Select(c => c.Code).ToListAsync(ct);
            foreach (var p in input.PreviousCodes.Where(p => !codes.Contains(p)))
                Add(errors, "previousCodes", $"Mã năm trước '{p}' không có trong phiên bản trước ({previous.Label}).");
        }
        if (errors.Count > 0) return Invalid(errors);

        var subject = $"framework:{key}:{label}";
        var reason = string.IsNullOrWhiteSpace(change.Reason) ? DefaultReason : change.Reason.Trim();
        var before = node is null ? null : Describe(FrameworkExport.ToDocument(node), all.FirstOrDefault(c => c.Id == node.ParentId)?.Code);
        if (node is null)
        {
            node = new Criterion { Code = input.Code, Name = input.Name, VersionId = version.Id };
            all.Add(node);
            db.Criteria.Add(node);
        }
        var moved = node.Id == 0 || node.ParentId != parent?.Id || change.Position is not null;
        node.Code = input.Code;
        node.Name = input.Name.Trim();
        node.NameEn = input.NameEn;
        node.Max = input.Max;
        node.Method = CriterionRules.ParseMethod(input.Method)!.Value;
        node.Notes = input.Notes;
        node.Kind = CriterionRules.ParseKind(input.Kind)!.Value;
        node.AppliesTo = input.AppliesTo.Select(k => CriterionRules.ParseUnitKind(k)!.Value).Distinct().Order().ToList();
        node.Answer = CriterionRules.ParseAnswer(input.Answer)!.Value;
        node.Step = input.Step;
        node.Levels = [.. input.Levels];
        node.AllowNotApplicable = input.AllowNotApplicable;
        node.Rule = input.Rule;
        node.EvidenceRequired = input.EvidenceRequired;
        node.PreviousCodes = [.. input.PreviousCodes];
        node.ParentId = parent?.Id;
        var leads = input.Lead.Select(l => (Unit: units.Find(l.Agency)!, l.Scope)).ToList();
        if (!node.Leads.Select(l => (l.UnitId, l.Scope)).SequenceEqual(leads.Select(l => (l.Unit.Id, l.Scope))))
        {
            node.Leads.Clear();
            node.Leads.AddRange(leads.Select(l => new CriterionLead { UnitId = l.Unit.Id, Scope = l.Scope }));
        }
        if (moved) Place(all, node, change.Position);
        Renumber(all);

        var after = Describe(FrameworkExport.ToDocument(node, leads.Select(l => new LeadDocument(l.Unit.Name, l.Scope)).ToList()), parent?.Code);
        if (before is null) db.Audit.Add(Entry(clock, actor.Name, reason, subject, node.Code, null, Summary(after)));
        else
            foreach (var (field, old) in before.Where(b => after[b.Key] != b.Value))
                db.Audit.Add(Entry(clock, actor.Name, reason, subject, $"{code}/{field}", old, after[field]));
        return await SaveAsync(db, version, key, label, ct);
    }

    public static async Task<FrameworkEdit> DeleteCriterionAsync(ChiSoDb db, TimeProvider clock, string key, string label, string code,
        Guid concurrency, string? reason, Actor actor, CancellationToken ct = default)
    {
        RequireEdit(actor);
        var (f, version, all) = await LoadTrackedAsync(db, key, label, ct);
        var node = all.FirstOrDefault(c => c.Code == code);
        if (f is null || version is null || node is null) return new FrameworkEdit.NotFound();
        if (version.Concurrency != concurrency) return new FrameworkEdit.Conflict();
        // Only what nothing refers to can go: a field added by mistake to a version in use is removed, a scored one is not.
        var gone = Subtree(all, node);
        if ((await UsedAsync(db, gone.Select(c => c.Id).ToList(), ct)).Count > 0 && await LockedAsync(db, version.Id, ct) is { } locked)
            return new FrameworkEdit.Locked(locked);
        var why = string.IsNullOrWhiteSpace(reason) ? DefaultReason : reason.Trim();
        foreach (var c in gone)
            db.Audit.Add(Entry(clock, actor.Name, why, $"framework:{key}:{label}", c.Code,
                Summary(Describe(FrameworkExport.ToDocument(c), all.FirstOrDefault(x => x.Id == c.ParentId)?.Code)), null));
        // Deepest first: a parent row goes only after its children (the parent key restricts deletes).
        foreach (var c in Enumerable.Reverse(gone))
        {
            all.Remove(c);
            db.Criteria.Remove(c);
        }
        Renumber(all);
        return await SaveAsync(db, version, key, label, ct);
    }

    static async Task<(Framework?, FrameworkVersion?, List<Criterion>)> LoadTrackedAsync(ChiSoDb db, string key, string label, CancellationToken ct)
    {
        var f = await db.Frameworks.Include(x => x.Versions).FirstOrDefaultAsync(x => x.Key == key, ct);
        var version = f?.Versions.FirstOrDefault(v => v.Label == label);
        if (version is null) return (f, null, []);
        var all = await db.Criteria.Include(c => c.Leads).ThenInclude(l => l.Unit).Where(c => c.VersionId == version.Id).ToListAsync(ct);
        return (f, version, all);
    }

    static async Task<FrameworkEdit> SaveAsync(ChiSoDb db, FrameworkVersion version, string key, string label, CancellationToken ct)
    {
        version.Concurrency = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new FrameworkEdit.Conflict();
        }
        return new FrameworkEdit.Saved((await LoadAsync(db, key, label, ct))!);
    }

    /// <summary>Puts the node among its parent's children at <paramref name="position"/> (last when none). Sibling
    /// orders become 0, 1, 2 ... for the moment: only their relative order matters until <see cref="Renumber"/>.</summary>
    static void Place(List<Criterion> all, Criterion node, int? position)
    {
        var siblings = all.Where(c => c.ParentId == node.ParentId && c != node).OrderBy(c => c.Order).ToList();
        siblings.Insert(Math.Clamp(position ?? siblings.Count, 0, siblings.Count), node);
        for (var i = 0; i < siblings.Count; i++) siblings[i].Order = i;
    }

    /// <summary>Order is the version's document order (depth first), as the importer writes it.</summary>
    static void Renumber(List<Criterion> all)
    {
        var next = 0;
        void Walk(int? parentId)
        {
            // A node not saved yet has Id 0 and no children: it cannot be anybody's parent.
            foreach (var c in all.Where(c => c.ParentId == parentId).OrderBy(c => c.Order).ToList())
            {
                c.Order = next++;
                if (c.Id != 0) Walk(c.Id);
            }
        }
        Walk(null);
    }

    /// <summary>The fields of a node as the audit writes them, in a fixed order.</summary>
    static Dictionary<string, string?> Describe(CriterionDocument c, string? parent) => new()
    {
        ["code"] = c.Code, ["parent"] = parent, ["name"] = c.Name, ["nameEn"] = c.NameEn,
        ["max"] = Num(c.Max), ["method"] = c.Method, ["kind"] = c.Kind,
        ["appliesTo"] = string.Join(",", c.AppliesTo), ["answer"] = c.Answer, ["step"] = Num(c.Step),
        ["levels"] = CriterionRules.FormatLevels(c.Levels), ["allowNotApplicable"] = c.AllowNotApplicable ? "true" : "false",
        ["rule"] = c.Rule, ["evidenceRequired"] = c.EvidenceRequired ? "true" : "false",
        ["previousCodes"] = CriterionRules.FormatCodes(c.PreviousCodes), ["notes"] = c.Notes,
        ["lead"] = string.Join("; ", c.Lead.Select(l => l.Scope is null ? l.Agency : $"{l.Agency} ({l.Scope})")),
    };

    // The database may give back 10.0000 for 10: compare and write the value, not its scale.
    static string? Num(decimal? d) => d?.ToString("0.####", CultureInfo.InvariantCulture);

    static string Summary(Dictionary<string, string?> fields) =>
        JsonSerializer.Serialize(fields.Where(f => !string.IsNullOrEmpty(f.Value)).ToDictionary(), Compact);

    static AuditEntry Entry(TimeProvider clock, string user, string reason, string subject, string field, string? old, string? @new) => new()
    {
        At = clock.GetUtcNow().UtcDateTime, User = user, Reason = reason, Subject = subject, Field = field, OldValue = old, NewValue = @new,
    };

    static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    static FrameworkEdit.Invalid Invalid(Dictionary<string, List<string>> errors) =>
        new(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
