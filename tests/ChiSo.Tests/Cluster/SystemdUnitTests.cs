using System.Diagnostics;

namespace ChiSo.Tests.Cluster;

/// <summary>The unit deploy/systemd ships, read by systemd itself (systemd-analyze verify, Debian's systemd package; tests/run-tests.sh
/// installs it). No systemd runs here as the first process, so the unit is not started: the cluster tests run the same
/// command line and settings (ClusterFixture), this test holds the file to what systemd accepts.</summary>
public sealed class SystemdUnitTests
{
    const string Analyze = "/usr/bin/systemd-analyze";

    [Fact]
    public async Task The_instance_unit_is_one_systemd_accepts_and_a_broken_copy_is_not()
    {
        Assert.True(File.Exists(Analyze), $"{Analyze} is missing: apt-get install systemd (./chiso test installs it).");
        var unit = await File.ReadAllTextAsync(Path.Combine(ClusterFixture.FindRoot(), "deploy", "systemd", "chiso@.service"));
        Assert.Empty(await VerifyAsync(unit));
        // The check has teeth: a misspelt type and a missing program are reported.
        var broken = await VerifyAsync(unit.Replace("Type=exec", "Type=exce").Replace("/usr/bin/dotnet", "/usr/bin/dotnet-missing"));
        Assert.Contains(broken, l => l.Contains("exce", StringComparison.Ordinal));
        Assert.Contains(broken, l => l.Contains("dotnet-missing", StringComparison.Ordinal));
    }

    /// <summary>What systemd-analyze says of the unit as instance 5081. Debian's dotnet package puts dotnet at /usr/bin/dotnet, as
    /// the unit expects; a machine with the SDK elsewhere gets its own path in the copy, so that only the unit is judged.</summary>
    static async Task<List<string>> VerifyAsync(string unit)
    {
        var dir = Directory.CreateTempSubdirectory("chiso-unit-");
        try
        {
            if (!File.Exists("/usr/bin/dotnet") && Environment.ProcessPath is { } dotnet && Path.GetFileName(dotnet) == "dotnet")
                unit = unit.Replace("ExecStart=/usr/bin/dotnet ", $"ExecStart={dotnet} ", StringComparison.Ordinal);
            var path = Path.Combine(dir.FullName, "chiso@5081.service");
            await File.WriteAllTextAsync(path, unit);
            var start = new ProcessStartInfo(Analyze) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = dir.FullName };
            start.ArgumentList.Add("verify");
            start.ArgumentList.Add(path);
            using var p = Process.Start(start)!;
            var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        finally { dir.Delete(true); }
    }
}
