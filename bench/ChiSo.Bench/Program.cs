using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/ChiSo.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
