using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/ChiSo.Bench -- --filter '*'
// Survey export once, timed with a stopwatch (too slow for BenchmarkDotNet's repetitions): -- --export-check
if (args.Contains("--export-check"))
{
    await ChiSo.Bench.SurveyExportCheck.RunAsync();
    return;
}
if (args.Contains("--scoring-check"))
{
    await ChiSo.Bench.SurveyScoringCheck.RunAsync(args.SkipWhile(a => a != "--scoring-check").Skip(1).FirstOrDefault());
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
