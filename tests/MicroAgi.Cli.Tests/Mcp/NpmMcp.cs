using System.Runtime.CompilerServices;

namespace MicroAgi.Cli.Tests.Mcp;

/// <summary>
/// The MCP servers and client from npm that <c>.ci/run</c> installs into <c>.ci/mcp-npm</c> (never
/// globally): <c>@modelcontextprotocol/server-everything</c>, <c>server-filesystem</c> and the inspector, whose <c>--cli</c> mode is an MCP client.
/// </summary>
internal static class NpmMcp
{
    public static string Directory { get; } = Path.Combine(RepoRoot(), ".ci", "mcp-npm");

    public static string Bin(string name) => Path.Combine(Directory, "node_modules", ".bin", name);

    public static bool Installed => File.Exists(Bin("mcp-server-everything")) && File.Exists(Bin("mcp-server-filesystem")) && File.Exists(Bin("mcp-inspector"));

    public const string SkipReason = "the npm MCP packages are not installed in .ci/mcp-npm; .ci/run installs them "
        + "(npm install --prefix .ci/mcp-npm @modelcontextprotocol/server-everything @modelcontextprotocol/server-filesystem @modelcontextprotocol/inspector)";

    private static string RepoRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MicroAgi.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no MicroAgi.slnx above {here}");
    }
}

/// <summary>A test that needs the npm MCP packages: skipped, saying how to install them, when they are not there.</summary>
internal sealed class NpmFactAttribute : FactAttribute
{
    public NpmFactAttribute()
    {
        if (!NpmMcp.Installed) Skip = NpmMcp.SkipReason;
    }
}
