using System.Runtime.CompilerServices;

namespace MicroAgi.Mcp.Tests;

/// <summary>Where the repository's shipped app lives, found from this source file.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built-in app, whose agent and tool entries the server reads.</summary>
    public static string BuiltInApp => Path.Combine(Root, "src", "MicroAgi.Cli", "App");

    private static string FindRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MicroAgi.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no MicroAgi.slnx above {here}");
    }
}
