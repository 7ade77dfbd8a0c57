using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MicroAgi.Registry.Tests;

/// <summary>
/// A version reported as applied must survive a power loss, not only a killed process: its commit has
/// to be on the disk (the WAL synced) before ApplyAsync returns. Watched with strace on the real writer:
/// between two "applied N" lines the process must have synced the database's WAL file.
/// </summary>
public partial class DurableCommitTests
{
    private const int Versions = 5;

    [Fact]
    public async Task Every_version_reported_applied_was_synced_to_disk_first()
    {
        using var dir = new TempDir();
        var db = Path.Combine(dir.Path, "registry.db");
        var trace = Path.Combine(dir.Path, "trace.txt");

        var info = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", "-qq", "-e", "trace=openat,fsync,fdatasync,write", "-o", trace, "dotnet",
                     Path.Combine(AppContext.BaseDirectory, "MicroAgi.Registry.CrashWriter.dll"), db, "2",
                     Versions.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        using var writer = Process.Start(info)!;
        var output = writer.StandardOutput.ReadToEndAsync();
        var errors = writer.StandardError.ReadToEndAsync();
        await writer.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(writer.ExitCode == 0, $"the writer failed: {await output}{await errors}");

        var walFiles = new HashSet<string>(StringComparer.Ordinal);
        var syncedSinceLastReport = false;
        var reported = 0;
        foreach (var line in File.ReadLines(trace))
        {
            if (WalOpened().Match(line) is { Success: true } opened) walFiles.Add(opened.Groups["fd"].Value);
            else if (Synced().Match(line) is { Success: true } synced && walFiles.Contains(synced.Groups["fd"].Value)) syncedSinceLastReport = true;
            else if (Reported().IsMatch(line))
            {
                reported++;
                Assert.True(syncedSinceLastReport, $"version {reported} was reported applied before its commit was synced to disk");
                syncedSinceLastReport = false;
            }
        }
        Assert.Equal(Versions, reported);
    }

    [GeneratedRegex("""openat\(.*registry\.db-wal", .*\) = (?<fd>\d+)""")]
    private static partial Regex WalOpened();

    [GeneratedRegex("""f(data)?sync\((?<fd>\d+)\) += 0""")]
    private static partial Regex Synced();

    [GeneratedRegex("""write\(\d+, "applied \d+\\n""")]
    private static partial Regex Reported();
}
