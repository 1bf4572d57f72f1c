using ChiSo.Features.Files;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Units;

/// <summary>Writes a <see cref="UnitsDocument"/> into the registry, all or nothing. Units match by code;
/// events by date, kind and the units they join, so importing the same document twice changes nothing.</summary>
public sealed class UnitImporter(ChiSoDb db)
{
    /// <summary>The registry is the standing agency's.</summary>
    public static bool MayEdit(Actor actor) => actor.IsAdmin;

    /// <summary>Units, events and groups a registry document may hold (README "Limits of imports").</summary>
    public static readonly ImportLimits Limits = ImportLimits.Units;

    /// <summary>The problems of the first 1,000 (closed by the count of the rest), or none when the document was written.</summary>
    public async Task<IReadOnlyList<string>> ImportAsync(UnitsDocument doc, Actor actor, CancellationToken ct = default)
    {
        actor.Require(MayEdit(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được sửa danh mục tổ chức.");
        ImportedFiles.NfcDocument(doc);
        if (doc.Units.Count + doc.Events.Count + doc.Groups.Count + doc.Successions.Count > Limits.MaxRows) throw Limits.TooManyRows();
        var existing = await db.Units.Include(u => u.Aliases).ToDictionaryAsync(u => u.Code, ct);
        var successions = await db.UnitSuccessions.AsNoTracking()
            .Select(x => new { From = x.Predecessor!.Code, To = x.Successor!.Code }).ToListAsync(ct);
        var problems = Validate(doc, existing.Values, successions.Select(x => (x.From, x.To)).ToList());
        if (problems.Count > ProblemRows<string>.Shown)
            return [.. problems.Take(ProblemRows<string>.Shown), ProblemRows.More(problems.Count - ProblemRows<string>.Shown)];
        if (problems.Count > 0) return problems;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pending = 0;
        foreach (var d in doc.Units)
        {
            // Written a thousand at a time inside the one transaction: EF builds each save's commands at once, and a whole
            // registry's (units and aliases, 20,000 rows at the limit) cost more memory than the rows themselves.
            if (++pending % 1000 == 0) await db.SaveChangesAsync(ct);
            if (!existing.TryGetValue(d.Code, out var u))
            {
                u = new Unit { Code = d.Code, Name = d.Name };
                db.Units.Add(u);
                existing[d.Code] = u;
            }
            u.Name = d.Name;
            u.ShortName = d.ShortName;
            u.NameEn = d.NameEn;
            u.Kind = UnitKinds.Parse(d.Kind)!.Value;
            u.Subkind = d.Subkind;
            u.ValidFrom = d.ValidFrom;
            u.ValidTo = d.ValidTo;
            var wanted = new[] { d.Name, d.ShortName }.Concat(d.Aliases).OfType<string>()
                .Select(a => (Alias: a.Trim(), Normalized: UnitNames.Normalize(a))).DistinctBy(a => a.Normalized).ToList();
            u.Aliases.RemoveAll(a => wanted.All(w => w.Normalized != a.Normalized));
            foreach (var w in wanted.Where(w => u.Aliases.All(a => a.Normalized != w.Normalized)))
                u.Aliases.Add(new UnitAlias { Alias = w.Alias, Normalized = w.Normalized });
        }
        await db.SaveChangesAsync(ct);
        foreach (var d in doc.Units)
            existing[d.Code].ParentId = d.Parent is null ? null : existing[d.Parent].Id;

        var events = await db.UnitEvents.Include(e => e.Parts).ToListAsync(ct);
        foreach (var e in doc.Events)
        {
            var kind = UnitKinds.ParseEvent(e.Kind)!.Value;
            var parts = e.From.Select(c => (existing[c].Id, true)).Concat(e.To.Select(c => (existing[c].Id, false))).ToHashSet();
            if (events.Any(x => x.Date == e.Date && x.Kind == kind && x.Parts.Select(p => (p.UnitId, p.IsPredecessor)).ToHashSet().SetEquals(parts)))
                continue;
            db.UnitEvents.Add(new UnitEvent
            {
                Date = e.Date, Kind = kind, Reference = e.Reference, Note = e.Note,
                Parts = parts.Select(p => new UnitEventPart { UnitId = p.Item1, IsPredecessor = p.Item2 }).ToList(),
            });
        }

        var known = successions.Select(x => (x.From, x.To)).ToHashSet();
        foreach (var x in doc.Successions.Where(x => known.Add((x.From, x.To))))
            db.UnitSuccessions.Add(new UnitSuccession
            {
                PredecessorId = existing[x.From].Id, SuccessorId = existing[x.To].Id, Date = x.Date, Reference = x.Reference.Trim(),
                ReferenceDate = x.ReferenceDate, Share = x.Share, Note = x.Note,
            });

        var groups = await db.UnitGroups.ToDictionaryAsync(g => g.Name, ct);
        foreach (var g in doc.Groups)
        {
            if (!groups.TryGetValue(g.Name, out var group)) db.UnitGroups.Add(group = new UnitGroup { Name = g.Name });
            group.Aliases = g.Aliases;
            group.Kinds = g.Kinds.Select(k => UnitKinds.Parse(k)!.Value).ToList();
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return [];
    }

    static List<string> Validate(UnitsDocument doc, ICollection<Unit> existing, List<(string From, string To)> successions)
    {
        var p = new List<string>();
        var codes = existing.Select(u => u.Code).ToHashSet();
        var seen = new HashSet<string>();
        // Names already held by units the document leaves alone are taken (unique in the database too);
        // units in the document get their names replaced, so theirs are checked against the document only.
        var replaced = doc.Units.Select(u => u.Code).ToHashSet();
        var aliases = existing.Where(u => !replaced.Contains(u.Code))
            .SelectMany(u => u.Aliases.Select(a => (a.Normalized, u.Code))).ToDictionary(a => a.Normalized, a => a.Code);
        foreach (var u in doc.Units)
        {
            if (string.IsNullOrWhiteSpace(u.Code)) { p.Add($"Đơn vị '{u.Name}' thiếu mã."); continue; }
            if (!seen.Add(u.Code)) p.Add($"Mã đơn vị '{u.Code}' bị trùng.");
            codes.Add(u.Code);
            if (UnitKinds.Parse(u.Kind) is null) p.Add($"{u.Code}: loại đơn vị '{u.Kind}' không hợp lệ.");
            if (u.Subkind is not null && !UnitKinds.Subkinds.Contains(u.Subkind)) p.Add($"{u.Code}: loại xã/phường '{u.Subkind}' không hợp lệ.");
            if (u.ValidFrom is { } f && u.ValidTo is { } t && t < f) p.Add($"{u.Code}: ngày kết thúc trước ngày bắt đầu.");
            foreach (var a in new[] { u.Name, u.ShortName }.Concat(u.Aliases).OfType<string>().Select(UnitNames.Normalize).Distinct())
                if (aliases.TryGetValue(a, out var other) && other != u.Code) p.Add($"Tên gọi '{a}' dùng cho cả {other} và {u.Code}.");
                else aliases[a] = u.Code;
        }
        foreach (var u in doc.Units.Where(u => u.Parent is not null && !codes.Contains(u.Parent)))
            p.Add($"{u.Code}: không có đơn vị cấp trên '{u.Parent}'.");
        foreach (var e in doc.Events)
        {
            if (UnitKinds.ParseEvent(e.Kind) is null) p.Add($"Sự kiện {e.Date:dd/MM/yyyy}: loại '{e.Kind}' không hợp lệ.");
            foreach (var c in e.From.Concat(e.To).Where(c => !codes.Contains(c)))
                p.Add($"Sự kiện {e.Date:dd/MM/yyyy}: không có đơn vị '{c}'.");
        }
        // Successions are checked against the units as the document leaves them, and against each other for cycles.
        var spans = existing.ToDictionary(u => u.Code, u => new UnitSpan(u.Code, u.Name, u.ValidFrom, u.ValidTo));
        foreach (var u in doc.Units) spans[u.Code] = new UnitSpan(u.Code, u.Name, u.ValidFrom, u.ValidTo);
        var graph = successions.Concat(doc.Successions.Select(x => (x.From, x.To))).Distinct().ToList();
        var row = 0;
        foreach (var x in doc.Successions)
        {
            var at = x.Row ?? $"Kế thừa dòng {++row}";
            if (!spans.TryGetValue(x.From, out var from) || !spans.TryGetValue(x.To, out var to))
            {
                p.Add($"{at}: không có đơn vị '{(spans.ContainsKey(x.From) ? x.To : x.From)}'.");
                continue;
            }
            var others = graph.Where(e => e != (x.From, x.To)).ToLookup(e => e.From, e => e.To);
            p.AddRange(SuccessionRules.Problems(from, to, x.Date, x.Reference, c => others[c]).Select(m => $"{at}: {m}"));
        }
        foreach (var g in doc.Groups)
            foreach (var k in g.Kinds.Where(k => UnitKinds.Parse(k) is null))
                p.Add($"Nhóm '{g.Name}': loại đơn vị '{k}' không hợp lệ.");
        return p;
    }
}
