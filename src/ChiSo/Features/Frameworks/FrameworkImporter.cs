using ChiSo.Features.Files;
using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Frameworks;

/// <summary>Writes a <see cref="FrameworkDocument"/> into the database, all or nothing: the whole document is
/// checked first and a single problem means nothing is written. Frameworks match by key, versions by label,
/// criteria by code, results and targets by version, unit and year; every changed score is audited.</summary>
public sealed class FrameworkImporter(ChiSoDb db, TimeProvider clock)
{
    public async Task<ImportReport> ImportAsync(FrameworkDocument doc, Actor actor, string reason, CancellationToken ct = default)
    {
        FrameworkEditor.RequireEdit(actor);
        return await WriteAsync(doc, actor, reason, ct);
    }

    /// <summary>The import once its caller has decided that the actor may write these results: the survey institute
    /// publishes a round's scores (<see cref="Surveys.ScoringPublish"/>) without being allowed to edit frameworks.</summary>
    internal async Task<ImportReport> WriteAsync(FrameworkDocument doc, Actor actor, string reason, CancellationToken ct = default)
    {
        var user = actor.Name;
        ImportedFiles.NfcDocument(doc);
        if (doc.Versions.Any(v => Flatten(v.Criteria).Count() > FrameworkExcel.Limits.MaxRows)) throw FrameworkExcel.Limits.TooManyRows();
        var units = await UnitDirectory.LoadAsync(db, ct);
        var existing = await db.Frameworks.Include(f => f.Versions).ThenInclude(v => v.Criteria)
            .FirstOrDefaultAsync(f => f.Key == doc.Key, ct);
        var problems = Validate(doc, units, existing);
        if (problems.Count > 0) return ImportReport.Refused(problems);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var framework = existing ?? new Framework { Key = doc.Key, Name = doc.Name };
        if (existing is null) db.Frameworks.Add(framework);
        framework.Name = doc.Name;
        framework.NameEn = doc.NameEn;
        framework.Scale = ParseScale(doc.Scale)!.Value;
        framework.RollUp = ParseRollUp(doc.RollUp)!.Value;
        framework.Publisher = doc.Publisher;

        var criteriaCount = 0;
        foreach (var vd in doc.Versions)
        {
            var version = framework.Versions.FirstOrDefault(v => v.Label == vd.Label);
            if (version is null) framework.Versions.Add(version = new FrameworkVersion { Label = vd.Label });
            version.Name = vd.Name;
            version.ValidFromYear = vd.ValidFromYear;
            version.ValidToYear = vd.ValidToYear;
            version.Max = vd.Max;
            version.Source = vd.Source;
            // A copy the framework editor read before this import is stale now.
            version.Concurrency = Guid.NewGuid();
            criteriaCount += await ApplyCriteriaAsync(version, vd.Criteria, units, ct);
        }
        await db.SaveChangesAsync(ct);

        var audit = new List<AuditEntry>();
        var now = clock.GetUtcNow().UtcDateTime;
        var scores = 0;
        foreach (var rd in doc.Results)
            scores += await ApplyResultAsync(framework, rd, units, audit, now, user, reason, ct);
        var targets = 0;
        foreach (var td in doc.Targets)
            targets += await ApplyTargetAsync(framework, td, units, audit, now, user, reason, ct);
        db.Audit.AddRange(audit);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ImportReport([], criteriaCount, scores, targets);
    }

    async Task<int> ApplyCriteriaAsync(FrameworkVersion version, List<CriterionDocument> roots, UnitDirectory units, CancellationToken ct)
    {
        if (version.Id == 0) await db.SaveChangesAsync(ct);
        var byCode = await db.Criteria.Include(c => c.Leads).Where(c => c.VersionId == version.Id).ToDictionaryAsync(c => c.Code, ct);
        var order = Flatten(roots).Select((c, i) => (c.Code, i)).ToDictionary(x => x.Code, x => x.i);
        var count = 0;
        // Order is document order (depth first), so the tree reads as the appendix does.
        // Parents are saved before children so that ParentId can be set without navigation fix-up across levels.
        var level = roots.Select(r => (Doc: r, Parent: (Criterion?)null)).ToList();
        while (level.Count > 0)
        {
            var next = new List<(CriterionDocument, Criterion?)>();
            foreach (var (cd, parent) in level)
            {
                if (!byCode.TryGetValue(cd.Code, out var c))
                {
                    c = new Criterion { Code = cd.Code, Name = cd.Name, VersionId = version.Id };
                    db.Criteria.Add(c);
                    byCode[cd.Code] = c;
                }
                c.Name = cd.Name;
                c.NameEn = cd.NameEn;
                c.Max = cd.Max;
                c.Method = ParseMethod(cd.Method)!.Value;
                c.Notes = cd.Notes;
                c.Kind = CriterionRules.ParseKind(cd.Kind)!.Value;
                c.AppliesTo = cd.AppliesTo.Select(k => CriterionRules.ParseUnitKind(k)!.Value).Distinct().Order().ToList();
                c.Answer = CriterionRules.ParseAnswer(cd.Answer)!.Value;
                c.Step = cd.Step;
                c.Levels = [.. cd.Levels];
                c.AllowNotApplicable = cd.AllowNotApplicable;
                c.Rule = cd.Rule;
                c.EvidenceRequired = cd.EvidenceRequired;
                c.PreviousCodes = [.. cd.PreviousCodes];
                c.Order = order[cd.Code];
                c.ParentId = parent?.Id;
                c.Leads.Clear();
                foreach (var l in cd.Lead)
                    c.Leads.Add(new CriterionLead { UnitId = units.Find(l.Agency)!.Id, Scope = l.Scope });
                count++;
                next.AddRange(cd.Children.Select(ch => (ch, (Criterion?)c)));
            }
            await db.SaveChangesAsync(ct);
            level = next;
        }
        return count;
    }

    async Task<int> ApplyResultAsync(Framework framework, ResultDocument rd, UnitDirectory units, List<AuditEntry> audit,
        DateTime now, string user, string reason, CancellationToken ct)
    {
        var version = framework.Versions.First(v => v.Label == rd.Version);
        var unit = units.Find(rd.Unit)!;
        var criteria = await db.Criteria.Where(c => c.VersionId == version.Id).ToDictionaryAsync(c => c.Code, ct);
        var result = await db.Results.Include(r => r.Scores)
            .FirstOrDefaultAsync(r => r.VersionId == version.Id && r.UnitId == unit.Id && r.Year == rd.Year, ct);
        if (result is null)
        {
            result = new IndexResult { VersionId = version.Id, UnitId = unit.Id, Year = rd.Year };
            db.Results.Add(result);
        }
        var subject = $"result:{framework.Key}:{rd.Year}:{unit.Code}";
        var audited = audit.Count;
        Track(audit, now, user, reason, subject, "total", result.Total, rd.Total);
        result.Total = rd.Total;
        result.Rank = rd.Rank;
        result.RankOf = rd.RankOf;
        result.Band = rd.Band;
        result.Source = rd.Source;
        result.PublishedOn = rd.PublishedOn;
        result.Notes = rd.Notes;

        var byCriterion = result.Scores.ToDictionary(s => s.CriterionId);
        var codes = rd.Scores.Keys.Union(rd.Missing.Keys).ToList();
        foreach (var code in codes)
        {
            var c = criteria[code];
            decimal? value = rd.Scores.TryGetValue(code, out var v) ? v : null;
            if (!byCriterion.TryGetValue(c.Id, out var s))
            {
                s = new CriterionScore { CriterionId = c.Id };
                result.Scores.Add(s);
            }
            Track(audit, now, user, reason, subject, code, s.Value, value);
            s.Value = value;
            s.Note = rd.Missing.GetValueOrDefault(code);
        }
        // A copy read before this import goes stale only if a value really changed.
        if (audit.Count > audited || db.Entry(result).State != EntityState.Unchanged) result.Concurrency = Guid.NewGuid();
        return codes.Count;
    }

    async Task<int> ApplyTargetAsync(Framework framework, TargetDocument td, UnitDirectory units, List<AuditEntry> audit,
        DateTime now, string user, string reason, CancellationToken ct)
    {
        var version = framework.Versions.First(v => v.Label == td.Version);
        var unit = units.Find(td.Unit)!;
        var criteria = await db.Criteria.Where(c => c.VersionId == version.Id).ToDictionaryAsync(c => c.Code, ct);
        var target = await db.Targets.Include(t => t.Criteria)
            .FirstOrDefaultAsync(t => t.VersionId == version.Id && t.UnitId == unit.Id && t.Year == td.Year, ct);
        if (target is null)
        {
            target = new IndexTarget { VersionId = version.Id, UnitId = unit.Id, Year = td.Year };
            db.Targets.Add(target);
        }
        var subject = $"target:{framework.Key}:{td.Year}:{unit.Code}";
        var total = td.Total is null ? null : $"{td.Total.Comparator} {td.Total.Value.ToString(CultureInfo.InvariantCulture)}";
        var oldTotal = target.TotalComparator is null ? null : $"{target.TotalComparator.Value.Symbol()} {target.TotalValue?.ToString(CultureInfo.InvariantCulture)}";
        var comparator = td.Total is null ? null : Comparators.Parse(td.Total.Comparator);
        var audited = audit.Count;
        // Compare parsed values, not the texts: the database gives back 92.0000 for 92, and "≥" for ">=".
        if (target.TotalComparator != comparator || target.TotalValue != td.Total?.Value)
            audit.Add(Entry(now, user, reason, subject, "total", oldTotal, total));
        target.TotalComparator = comparator;
        target.TotalValue = td.Total?.Value;
        target.Source = td.Source;

        var byCriterion = target.Criteria.ToDictionary(s => s.CriterionId);
        var codes = td.Criteria.Keys.Union(td.Missing.Keys).ToList();
        foreach (var code in codes)
        {
            var c = criteria[code];
            var t = td.Criteria.GetValueOrDefault(code);
            if (!byCriterion.TryGetValue(c.Id, out var ct2))
            {
                ct2 = new CriterionTarget { CriterionId = c.Id };
                target.Criteria.Add(ct2);
            }
            Track(audit, now, user, reason, subject, code, ct2.Value, t?.Value);
            ct2.Comparator = t is null ? Comparator.AtLeast : Comparators.Parse(t.Comparator)!.Value;
            ct2.Value = t?.Value;
            ct2.Note = td.Missing.GetValueOrDefault(code);
        }
        if (audit.Count > audited || db.Entry(target).State != EntityState.Unchanged) target.Concurrency = Guid.NewGuid();
        return codes.Count;
    }

    static void Track(List<AuditEntry> audit, DateTime now, string user, string reason, string subject, string field, decimal? old, decimal? @new)
    {
        if (old == @new) return;
        audit.Add(Entry(now, user, reason, subject, field,
            old?.ToString(CultureInfo.InvariantCulture), @new?.ToString(CultureInfo.InvariantCulture)));
    }

    static AuditEntry Entry(DateTime now, string user, string reason, string subject, string field, string? old, string? @new) =>
        new() { At = now, User = user, Reason = reason, Subject = subject, Field = field, OldValue = old, NewValue = @new };

    /// <summary>Everything that would make the document wrong or unusable, in Vietnamese.</summary>
    public static List<ImportProblem> Validate(FrameworkDocument doc, UnitDirectory units, Framework? existing)
    {
        var p = new List<ImportProblem>();
        if (string.IsNullOrWhiteSpace(doc.Key)) p.Add(new("Thiếu mã bộ chỉ số (key)."));
        if (string.IsNullOrWhiteSpace(doc.Name)) p.Add(new("Thiếu tên bộ chỉ số."));
        if (ParseScale(doc.Scale) is null) p.Add(new($"Thang điểm '{doc.Scale}' không hợp lệ (points hoặc percent)."));
        if (ParseRollUp(doc.RollUp) is null) p.Add(new($"Cách cộng dồn '{doc.RollUp}' không hợp lệ (sum hoặc none)."));

        var versions = new Dictionary<string, Dictionary<string, CriterionDocument>>();
        foreach (var v in doc.Versions)
        {
            var where = $"Phiên bản {v.Label}";
            if (string.IsNullOrWhiteSpace(v.Label)) { p.Add(new("Phiên bản thiếu nhãn.")); continue; }
            if (versions.ContainsKey(v.Label)) { p.Add(new($"Phiên bản '{v.Label}' lặp lại.")); continue; }
            if (v.ValidToYear is { } to && to < v.ValidFromYear)
                p.Add(new($"Năm hết hiệu lực {to} trước năm bắt đầu {v.ValidFromYear}.") { Where = where });
            if (v.Max <= 0) p.Add(new("Điểm tối đa của bộ chỉ số phải lớn hơn 0.") { Where = where });
            var codes = new Dictionary<string, CriterionDocument>();
            ValidateCriteria(v.Criteria, null, codes, units, p);
            versions[v.Label] = codes;
        }
        // Previous codes name criteria of the version before (the latest start year before this one, from the
        // document or already stored); a version with none before it has nothing to check against.
        // In the order entered (stored ones first, by id), so that of two versions from one year the later one is "before".
        var known = (existing?.Versions ?? []).Where(e => doc.Versions.All(v => v.Label != e.Label)).OrderBy(e => e.Id)
                .Select(e => (e.Label, e.ValidFromYear, Codes: (IReadOnlySet<string>)e.Criteria.Select(c => c.Code).ToHashSet()))
            .Concat(doc.Versions.Where(v => !string.IsNullOrWhiteSpace(v.Label)).DistinctBy(v => v.Label)
                .Select(v => (v.Label, v.ValidFromYear, Codes: (IReadOnlySet<string>)FlattenCodes(v.Criteria))))
            .ToList();
        foreach (var v in doc.Versions.Where(v => !string.IsNullOrWhiteSpace(v.Label)))
        {
            var previous = CriterionRules.Previous(known.Select(k => Tuple.Create(k.Label, k.ValidFromYear, k.Codes)), k => k.Item2, v.ValidFromYear) is { } found
                ? (Label: found.Item1, ValidFromYear: found.Item2, Codes: found.Item3) : default;
            if (previous.Label is null) continue;
            foreach (var c in Flatten(v.Criteria))
                foreach (var code in c.PreviousCodes.Where(x => !previous.Codes.Contains(x)))
                    p.Add(new($"Mã năm trước '{code}' không có trong phiên bản trước ({previous.Label}).") { Where = c.Code });
        }
        Dictionary<string, CriterionDocument>? CriteriaOf(string label)
        {
            if (versions.TryGetValue(label, out var c)) return c;
            var ev = existing?.Versions.FirstOrDefault(x => x.Label == label);
            if (ev is null) return null;
            return ev.Criteria.ToDictionary(x => x.Code, x => new CriterionDocument { Code = x.Code, Name = x.Name, Max = x.Max });
        }
        decimal? VersionMax(string label) =>
            doc.Versions.FirstOrDefault(v => v.Label == label)?.Max ?? existing?.Versions.FirstOrDefault(x => x.Label == label)?.Max;

        var seenResults = new HashSet<(string, string, int)>();
        foreach (var r in doc.Results)
        {
            var where = $"Kết quả năm {r.Year}";
            var criteria = CriteriaOf(r.Version);
            if (criteria is null) { p.Add(new($"Không có phiên bản '{r.Version}'.") { Where = where }); continue; }
            var unit = units.Find(r.Unit);
            if (unit is null) p.Add(new($"Không tìm thấy đơn vị '{r.Unit}' trong danh mục tổ chức.") { Where = where });
            else if (!seenResults.Add((r.Version, unit.Code, r.Year))) p.Add(new("Kết quả lặp lại cho cùng đơn vị và năm.") { Where = where });
            if (r.Total is { } total && (total < 0 || total > VersionMax(r.Version)))
                p.Add(new($"Tổng điểm {Num(total)} ngoài khoảng 0–{Num(VersionMax(r.Version) ?? 0)}.") { Where = where });
            if (r.Rank is { } rank && (rank < 1 || (r.RankOf is { } of && rank > of)))
                p.Add(new($"Xếp hạng {r.Rank}/{r.RankOf} không hợp lệ.") { Where = where });
            foreach (var (code, value) in r.Scores)
                CheckValue(p, criteria, code, value, where, "Kết quả");
            foreach (var code in r.Missing.Keys.Where(k => !criteria.ContainsKey(k)))
                p.Add(new($"Mã tiêu chí '{code}' không có trong phiên bản {r.Version}.") { Where = where });
        }
        foreach (var t in doc.Targets)
        {
            var where = $"Mục tiêu năm {t.Year}";
            var criteria = CriteriaOf(t.Version);
            if (criteria is null) { p.Add(new($"Không có phiên bản '{t.Version}'.") { Where = where }); continue; }
            if (units.Find(t.Unit) is null) p.Add(new($"Không tìm thấy đơn vị '{t.Unit}' trong danh mục tổ chức.") { Where = where });
            if (t.Total is { } total)
            {
                if (Comparators.Parse(total.Comparator) is null) p.Add(new($"Phép so sánh '{total.Comparator}' không hợp lệ.") { Where = where });
                if (total.Value < 0 || total.Value > VersionMax(t.Version))
                    p.Add(new($"Mục tiêu tổng {Num(total.Value)} ngoài khoảng 0–{Num(VersionMax(t.Version) ?? 0)}.") { Where = where });
            }
            foreach (var (code, value) in t.Criteria)
            {
                if (Comparators.Parse(value.Comparator) is null)
                    p.Add(new($"Phép so sánh '{value.Comparator}' không hợp lệ.") { Where = code });
                CheckValue(p, criteria, code, value.Value, where, "Mục tiêu");
            }
        }
        return p;
    }

    static void CheckValue(List<ImportProblem> p, Dictionary<string, CriterionDocument> criteria, string code, decimal value, string where, string what)
    {
        if (!criteria.TryGetValue(code, out var c))
        {
            p.Add(new($"Mã tiêu chí '{code}' không có trong phiên bản.") { Where = code, Column = where });
            return;
        }
        if (value < 0) p.Add(new($"{what} {Num(value)} âm.") { Where = code, Column = where });
        else if (c.Max is { } max && value > max)
            p.Add(new($"{what} {Num(value)} vượt điểm tối đa {Num(max)}.") { Where = code, Column = where });
    }

    static void ValidateCriteria(List<CriterionDocument> list, CriterionDocument? parent, Dictionary<string, CriterionDocument> codes,
        UnitDirectory units, List<ImportProblem> p)
    {
        foreach (var c in list)
        {
            if (string.IsNullOrWhiteSpace(c.Code)) { p.Add(new($"Tiêu chí '{c.Name}' thiếu mã (STT).")); continue; }
            if (!codes.TryAdd(c.Code, c)) p.Add(new($"Mã tiêu chí '{c.Code}' bị trùng.") { Where = c.Code });
            if (parent is not null && !c.Code.StartsWith(parent.Code + ".", StringComparison.Ordinal))
                p.Add(new($"Mã '{c.Code}' không thuộc tiêu chí cha '{parent.Code}' (cây tiêu chí bị lỗi).") { Where = c.Code });
            if (parent is null && c.Code.Contains('.'))
                p.Add(new($"Mã '{c.Code}' thiếu tiêu chí cha '{c.Code[..c.Code.LastIndexOf('.')]}' (cây tiêu chí bị lỗi).") { Where = c.Code });
            foreach (var (_, message) in CriterionRules.Check(c)) p.Add(new(message) { Where = c.Code });
            foreach (var l in c.Lead.Where(l => units.Find(l.Agency) is null))
                p.Add(new($"Không tìm thấy đơn vị chủ trì '{l.Agency}' trong danh mục tổ chức.") { Where = c.Code });
            ValidateCriteria(c.Children, c, codes, units, p);
        }
    }

    static string Num(decimal d) => d.ToString("0.####", CultureInfo.GetCultureInfo("vi-VN"));

    public static IEnumerable<CriterionDocument> Flatten(IEnumerable<CriterionDocument> roots) =>
        roots.SelectMany(r => Flatten(r.Children).Prepend(r));

    public static FrameworkScale? ParseScale(string s) => s switch { "points" => FrameworkScale.Points, "percent" => FrameworkScale.Percent, _ => null };
    public static RollUp? ParseRollUp(string s) => s switch { "sum" => Frameworks.RollUp.Sum, "none" => Frameworks.RollUp.None, _ => null };
    public static ScoringMethod? ParseMethod(string s) => CriterionRules.ParseMethod(s);

    static HashSet<string> FlattenCodes(IEnumerable<CriterionDocument> roots) => Flatten(roots).Select(c => c.Code).ToHashSet();
}
