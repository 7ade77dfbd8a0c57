using System.Reflection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace MicroAgi.Mcp.Serving;

/// <summary>The MCP server of <c>microagi mcp serve</c>: the registry's tools over stdio (or a stream pair, for tests); HTTP is <see cref="McpHttpServer"/>.</summary>
public static class McpToolServer
{
    public const string ServerName = "microagi";

    public static McpServerOptions Options(ServedToolCollection tools)
    {
        var options = new McpServerOptions();
        Configure(options, tools);
        return options;
    }

    /// <summary>Sets what every transport serves: the server's name and version, and the live tool collection.</summary>
    public static void Configure(McpServerOptions options, ServedToolCollection tools)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tools);
        options.ServerInfo = new Implementation { Name = ServerName, Version = Version };
        options.ToolCollection = tools.Tools;
        options.ServerInstructions = "MicroAgi's registry tools: its built-in tools and the Lua tools its agent wrote for itself. "
            + "The list changes while the server runs (notifications/tools/list_changed).";
    }

    /// <summary>Serves over this process's stdin/stdout until the client closes stdin or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunStdioAsync(McpServerOptions options, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var transport = new StdioServerTransport(options, logging);
        await using var server = McpServer.Create(transport, options, logging);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves over a stream pair (an in-process client in tests).</summary>
    public static async Task RunAsync(McpServerOptions options, Stream input, Stream output, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var transport = new StreamServerTransport(input, output, ServerName, logging);
        await using var server = McpServer.Create(transport, options, logging);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Version =>
        (Assembly.GetEntryAssembly() ?? typeof(McpToolServer).Assembly).GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
