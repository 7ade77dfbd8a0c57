using System.Runtime.CompilerServices;

namespace MicroAgi.Agents.Tests.Tools;

/// <summary>Files of the repository the tests read as they are shipped: the built-in app and docs/lua.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built-in app (its tools/_index.yaml holds the five tool entries).</summary>
    public static string BuiltInApp => Path.Combine(Root, "src", "MicroAgi.Cli", "App");

    public static string LuaDocs => Path.Combine(Root, "docs", "lua");

    private static string FindRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MicroAgi.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no MicroAgi.slnx above {here}");
    }
}
