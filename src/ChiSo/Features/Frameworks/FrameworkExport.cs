using ChiSo.Features.Accounts;
using ChiSo.Features.Files;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Frameworks;

/// <summary>Reads a framework back out of the database as a <see cref="FrameworkDocument"/>.</summary>
public static class FrameworkExport
{
    /// <summary>The whole framework, or with a year: the version valid that year, that year's results
    /// and the next year's targets (the appendix layout: "Kết quả năm N", "Mục tiêu năm N+1").</summary>
    public static async Task<FrameworkDocument?> DocumentAsync(ChiSoDb db, string key, int? year, CancellationToken ct = default)
    {
        var f = await db.Frameworks.AsNoTracking().Include(x => x.Versions).FirstOrDefaultAsync(x => x.Key == key, ct);
        if (f is null) return null;
        var versions = year is { } y ? f.Versions.Where(v => v == f.VersionFor(y)).ToList() : f.Versions.OrderBy(v => v.ValidFromYear).ToList();
        var ids = versions.Select(v => v.Id).ToList();
        var criteria = await db.Criteria.AsNoTracking().Where(c => ids.Contains(c.VersionId))
            .Include(c => c.Leads).ThenInclude(l => l.Unit).ToListAsync(ct);
        var codeOf = criteria.ToDictionary(c => c.Id, c => c.Code);
        var labelOf = versions.ToDictionary(v => v.Id, v => v.Label);

        var results = await db.Results.AsNoTracking().Include(r => r.Scores).Include(r => r.Unit)
            .Where(r => ids.Contains(r.VersionId) && (year == null || r.Year == year)).ToListAsync(ct);
        var targets = await db.Targets.AsNoTracking().Include(t => t.Criteria).Include(t => t.Unit)
            .Where(t => ids.Contains(t.VersionId) && (year == null || t.Year == year + 1)).ToListAsync(ct);

        List<CriterionDocument> Tree(int versionId, int? parentId) => TreeOf(criteria.Where(c => c.VersionId == versionId).ToList(), parentId);

        return new FrameworkDocument
        {
            Key = f.Key, Name = f.Name, NameEn = f.NameEn, Scale = f.Scale.ToString().ToLowerInvariant(),
            RollUp = f.RollUp.ToString().ToLowerInvariant(), Publisher = f.Publisher,
            Versions = versions.Select(v => new VersionDocument
            {
                Label = v.Label, Name = v.Name, ValidFromYear = v.ValidFromYear, ValidToYear = v.ValidToYear, Max = v.Max,
                Source = v.Source, Criteria = Tree(v.Id, null),
            }).ToList(),
            Results = results.OrderBy(r => r.Year).ThenBy(r => r.Unit!.Code).Select(r => new ResultDocument
            {
                Unit = r.Unit!.Name, Year = r.Year, Version = labelOf[r.VersionId], Total = r.Total, Rank = r.Rank, RankOf = r.RankOf,
                Band = r.Band, Source = r.Source, PublishedOn = r.PublishedOn, Notes = r.Notes,
                Scores = r.Scores.Where(s => s.Value is not null).OrderBy(s => s.CriterionId).ToDictionary(s => codeOf[s.CriterionId], s => s.Value!.Value),
                Missing = r.Scores.Where(s => s.Value is null && s.Note is not null).ToDictionary(s => codeOf[s.CriterionId], s => s.Note!),
            }).ToList(),
            Targets = targets.OrderBy(t => t.Year).ThenBy(t => t.Unit!.Code).Select(t => new TargetDocument
            {
                Unit = t.Unit!.Name, Year = t.Year, Version = labelOf[t.VersionId], Source = t.Source,
                Total = t.TotalComparator is { } c && t.TotalValue is { } v ? new TargetValueDocument(c.Symbol(), v) : null,
                Criteria = t.Criteria.Where(x => x.Value is not null).OrderBy(x => x.CriterionId)
                    .ToDictionary(x => codeOf[x.CriterionId], x => new TargetValueDocument(x.Comparator.Symbol(), x.Value!.Value)),
                Missing = t.Criteria.Where(x => x.Value is null && x.Note is not null).ToDictionary(x => codeOf[x.CriterionId], x => x.Note!),
            }).ToList(),
        };
    }

    /// <summary>One version's criteria (leads with their units loaded) as the document's tree under <paramref name="parentId"/>.</summary>
    public static List<CriterionDocument> TreeOf(IReadOnlyCollection<Criterion> criteria, int? parentId) => criteria
        .Where(c => c.ParentId == parentId).OrderBy(c => c.Order)
        .Select(c => ToDocument(c) with { Children = TreeOf(criteria, c.Id) }).ToList();

    /// <summary>A criterion without its children; its leads from <paramref name="leads"/> when given, else from the
    /// loaded units.</summary>
    public static CriterionDocument ToDocument(Criterion c, List<LeadDocument>? leads = null) => new()
    {
        Code = c.Code, Name = c.Name, NameEn = c.NameEn, Max = c.Max, Method = c.Method.Key(),
        Lead = leads ?? c.Leads.Select(l => new LeadDocument(l.Unit!.Name, l.Scope)).ToList(), Notes = c.Notes,
        Kind = c.Kind.Key(), AppliesTo = c.AppliesTo.Order().Select(k => k.Key()).ToList(), Answer = c.Answer.Key(),
        Step = c.Step, Levels = [.. c.Levels], AllowNotApplicable = c.AllowNotApplicable, Rule = c.Rule,
        EvidenceRequired = c.EvidenceRequired, PreviousCodes = [.. c.PreviousCodes],
    };

    public static async Task<ImportReport> ImportJsonAsync(FrameworkImporter importer, Stream json, Actor actor, string reason, CancellationToken ct = default)
    {
        FrameworkEditor.RequireEdit(actor);
        json = await ImportedFiles.SeekableAsync(json, FrameworkExcel.Limits, ct: ct);
        FrameworkDocument? doc;
        try
        {
            doc = await JsonSerializer.DeserializeAsync<FrameworkDocument>(json, FrameworkDocument.Json, ct);
        }
        catch (JsonException e)
        {
            return ImportReport.Refused([new ImportProblem($"Tệp JSON không đọc được: {e.Message}") { Where = e.Path }]);
        }
        if (doc is null) return ImportReport.Refused([new ImportProblem("Tệp JSON rỗng.")]);
        return await importer.ImportAsync(doc, actor, reason, ct);
    }
}
