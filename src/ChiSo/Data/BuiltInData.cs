using System.Text.Json;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Plans;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChiSo.Data;

/// <summary>The data ChiSo ships: the organisation registry and the published results and targets
/// transcribed from the source documents (Data/BuiltIn/*.json, embedded in the assembly).</summary>
public static class BuiltInData
{
    public static readonly string[] FrameworkFiles = ["par-province.json", "sipas.json", "papi.json", "city-par-departments.json", "city-par-communes.json"];

    public static T Read<T>(string name)
    {
        using var stream = typeof(BuiltInData).Assembly.GetManifestResourceStream($"ChiSo.BuiltIn.{name}")
            ?? throw new InvalidOperationException($"Built-in data file {name} is not embedded.");
        return JsonSerializer.Deserialize<T>(stream, FrameworkDocument.Json)
            ?? throw new InvalidOperationException($"Built-in data file {name} is empty.");
    }

    /// <summary>Writes the built-in data; safe to run again (everything is matched and updated in place).</summary>
    public static async Task SeedAsync(ChiSoDb db, TimeProvider clock, CancellationToken ct = default)
    {
        await AccountsSetup.EnsureRolesAsync(db, ct);
        var unitProblems = await new UnitImporter(db).ImportAsync(Read<UnitsDocument>("units.json"), Actor.System, ct);
        if (unitProblems.Count > 0)
            throw new InvalidOperationException("Built-in units are invalid: " + string.Join("; ", unitProblems));
        var importer = new FrameworkImporter(db, clock);
        foreach (var file in FrameworkFiles)
        {
            var report = await importer.ImportAsync(Read<FrameworkDocument>(file), Actor.System, "Dữ liệu có sẵn (" + file + ")", ct);
            if (!report.Succeeded)
                throw new InvalidOperationException($"Built-in {file} is invalid: " + string.Join("; ", report.Problems));
        }
        var questionnaires = new QuestionnaireImporter(db);
        foreach (var file in QuestionnaireImporter.BuiltInFiles)
        {
            // A questionnaire version is never changed once stored (answers refer to it): only missing ones are added.
            var doc = Read<QuestionnaireDocument>("questionnaires/" + file);
            if (await db.Questionnaires.AnyAsync(q => q.Key == doc.Key && q.Version == doc.Version, ct)) continue;
            var report = await questionnaires.ImportAsync(doc, Actor.System, ct);
            if (!report.Succeeded)
                throw new InvalidOperationException($"Built-in questionnaire {file} is invalid: " + string.Join("; ", report.Problems));
        }
        await PlansAsync(db, clock, addMissing: true, ct);
        var leadProblems = await PlanLeads.KeepAsync(db, Plans(), clock, ct);
        if (leadProblems.Count > 0)
            throw new InvalidOperationException("Built-in lead tables are invalid: " + string.Join("; ", leadProblems));
    }

    /// <summary>Plans are created once; after that they belong to their users (progress, edits). A built-in plan stored
    /// before its document held tasks is completed from it, once (<see cref="PlanImporter.CompleteAsync"/>).</summary>
    static async Task PlansAsync(ChiSoDb db, TimeProvider clock, bool addMissing, CancellationToken ct)
    {
        var plans = new PlanImporter(db, clock);
        foreach (var plan in Plans())
        {
            if (await db.Plans.FirstOrDefaultAsync(p => p.Title == plan.Title && p.Year == plan.Year, ct) is { } stored)
            {
                await plans.CompleteAsync(stored, plan, Actor.System, ct);
                continue;
            }
            if (!addMissing) continue;
            var (_, problems) = await plans.ImportAsync(plan, Actor.System, ct);
            if (problems.Count > 0)
                throw new InvalidOperationException($"Built-in plan {plan.Number ?? plan.Title} is invalid: " + string.Join("; ", problems));
        }
    }

    /// <summary>What a database seeded by an earlier version lacks: built-in plans completed (a plan its users deleted
    /// stays deleted), deadlines read again with today's reading of their texts, the plans' lead tables as their years' leads.</summary>
    public static async Task UpgradeAsync(ChiSoDb db, TimeProvider clock, CancellationToken ct = default)
    {
        await PlansAsync(db, clock, addMissing: false, ct);
        await PlanTasks.RereadDeadlinesAsync(db, clock, ct);
        // A database seeded before the lead tables were kept gets each plan year's leads once; problems (a registry edited
        // by hand) are shown, not thrown, as for the units.
        foreach (var problem in await PlanLeads.KeepAsync(db, Plans(), clock, ct))
            Console.Error.WriteLine("Bảng phân công chủ trì có sẵn chưa bổ sung được: " + problem);
    }

    /// <summary>The plans transcribed from the seeds, oldest first so that a unit's plan finds the plan it implements.</summary>
    public static IEnumerable<PlanDocument> Plans() =>
        typeof(BuiltInData).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("ChiSo.BuiltIn.plans/", StringComparison.Ordinal)).Order()
            .Select(n => Read<PlanDocument>(n["ChiSo.BuiltIn.".Length..]))
            .OrderBy(p => p.Year).ThenBy(p => p.IssuedOn);

    /// <summary>Migrates, then seeds an empty database (the first run of `./chiso serve`).</summary>
    public static async Task MigrateAndSeedIfEmptyAsync(ChiSoDb db, TimeProvider clock, CancellationToken ct = default)
    {
        // On an empty database EF reads the history table before making it and logs that read's failure at Error
        // (dotnet/efcore#37328), though nothing is wrong: made first, the read finds it empty.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
        await AuditChain.SealExistingAsync(db, ct);
        await QuestionLinks.BackfillAsync(db, ct);
        // Roles on every start too: a database seeded before accounts existed gets them.
        await AccountsSetup.EnsureRolesAsync(db, ct);
        await DatabaseSetup.UseWriteAheadLogAsync(db, ct);
        if (!await db.Frameworks.AnyAsync(ct)) await SeedAsync(db, clock, ct);
        else
        {
            // Units first: the plans' upgrade names the units they hold.
            foreach (var problem in await AddMissingUnitsAsync(db, ct))
                Console.Error.WriteLine("Danh mục tổ chức có sẵn chưa bổ sung được: " + problem);
            await UpgradeAsync(db, clock, ct);
        }
    }

    /// <summary>An existing database gets the built-in units it lacks (the 2025 communes and wards), with the events,
    /// successions and groups that name them; units it already has keep the standing agency's edits. Problems are
    /// returned, not thrown: a registry edited by hand must not stop the app from starting.</summary>
    public static async Task<IReadOnlyList<string>> AddMissingUnitsAsync(ChiSoDb db, CancellationToken ct = default)
    {
        var doc = Read<UnitsDocument>("units.json");
        var have = (await db.Units.Select(u => u.Code).ToListAsync(ct)).ToHashSet();
        var groups = (await db.UnitGroups.Select(g => g.Name).ToListAsync(ct)).ToHashSet();
        var missing = doc.Units.Where(u => !have.Contains(u.Code)).ToList();
        var missingGroups = doc.Groups.Where(g => !groups.Contains(g.Name)).ToList();
        var successions = await db.UnitSuccessions.CountAsync(ct);
        if (missing.Count == 0 && missingGroups.Count == 0 && successions > 0) return [];
        var codes = have.Concat(missing.Select(u => u.Code)).ToHashSet();
        var upgrade = new UnitsDocument
        {
            Units = missing,
            Events = doc.Events.Where(e => e.From.Concat(e.To).Any(c => !have.Contains(c)) && e.From.Concat(e.To).All(codes.Contains)).ToList(),
            Groups = missingGroups,
            Successions = doc.Successions.Where(x => codes.Contains(x.From) && codes.Contains(x.To)).ToList(),
        };
        var problems = await new UnitImporter(db).ImportAsync(upgrade, Actor.System, ct);
        // Successions the hand-edited registry no longer fits are left to the standing agency; the units still come in.
        return problems.Count == 0 ? [] : [.. problems, .. await new UnitImporter(db).ImportAsync(upgrade with { Successions = [] }, Actor.System, ct)];
    }
}
