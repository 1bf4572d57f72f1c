using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/ChiSo.Bench -- --filter '*'
// Survey export once, timed with a stopwatch (too slow for BenchmarkDotNet's repetitions): -- --export-check
if (args.Contains("--export-check"))
{
    await ChiSo.Bench.SurveyExportCheck.RunAsync();
    return;
}
// The nation on PostgreSQL (NATION_PG; bench/nation/nation.sh): -- --nation generate [years] [per-year] | score [year]
// Where a task board's time goes, over the database bench/tasks/tasks.sh kept: -- --board-check <database file> [unit]
if (args.Contains("--board-check"))
{
    var rest = args.SkipWhile(a => a != "--board-check").Skip(1).ToArray();
    await ChiSo.Bench.BoardCheck.RunAsync(rest[0], rest.ElementAtOrDefault(1) ?? "SNV");
    return;
}
if (args.Contains("--nation"))
{
    await ChiSo.Bench.NationSimulation.RunAsync(args.SkipWhile(a => a != "--nation").Skip(1).ToArray());
    return;
}
if (args.Contains("--scoring-check"))
{
    await ChiSo.Bench.SurveyScoringCheck.RunAsync(args.SkipWhile(a => a != "--scoring-check").Skip(1).FirstOrDefault());
    return;
}
// Paper import against a raw prepared insert of the same rows, as a ratio in one run: -- --import-check [rows]
if (args.Contains("--import-check"))
{
    var rows = args.SkipWhile(a => a != "--import-check").Skip(1).FirstOrDefault() is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 100_000;
    await ChiSo.Bench.PaperImportCheck.RunAsync(rows);
    return;
}
// The audit chain: write, then verify [rows] rows on SQLite and (with CHISO_TEST_PG) PostgreSQL: -- --audit-check [rows]
if (args.Contains("--audit-check"))
{
    var rows = args.SkipWhile(a => a != "--audit-check").Skip(1).FirstOrDefault() is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 100_000;
    await ChiSo.Bench.AuditChainCheck.RunAsync(rows);
    return;
}
// The files bench/imports/imports.sh uploads: -- --import-files <dir> <bench database file> <round>
if (args.Contains("--import-files"))
{
    var rest = args.SkipWhile(a => a != "--import-files").Skip(1).ToArray();
    await ChiSo.Bench.ImportFiles.RunAsync(rest[0], rest[1], int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
