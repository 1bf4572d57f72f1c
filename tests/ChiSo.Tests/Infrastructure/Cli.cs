using System.Diagnostics;
using System.Text.Json;

namespace ChiSo.Tests.Infrastructure;

public static class Cli
{
    /// <summary>Runs the built CLI (artifacts/bin/ChiSo.Cli) against the test's database and reads its --json output.</summary>
    public static async Task<JsonElement> RunAsync(TestDatabase database, params string[] args)
    {
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ChiSo.Cli", "release", "ChiSo.Cli.dll"));
        Assert.True(File.Exists(dll), $"Build the solution first: {dll} is missing.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["Database__Provider"] = database.ProviderName;
        start.Environment["ConnectionStrings__ChiSo"] = database.ConnectionString;
        start.Environment["Security__Secret"] = ChiSoApp.Secret;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return JsonDocument.Parse(await output).RootElement.Clone();
    }
}
