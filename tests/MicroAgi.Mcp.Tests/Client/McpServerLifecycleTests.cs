using System.Diagnostics;
using System.Globalization;
using MicroAgi.Cli.Tests.Mcp;
using MicroAgi.Mcp.Client;
using MicroAgi.Registry;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Tests.Client;

/// <summary>A connection to server-everything (from npm) outlives the server's death and a call that takes too long.</summary>
public sealed class McpServerLifecycleTests : IDisposable
{
    private readonly string _pidFile = Path.Combine(Path.GetTempPath(), $"microagi-mcp-{Guid.NewGuid():N}.pid");

    /// <summary>server-everything started through a shell that writes its pid first (exec keeps the pid), so the test can kill it.</summary>
    private McpServerDefinition Everything(TimeSpan callTimeout) => new()
    {
        Id = new EntryId("app.mcp", "everything"),
        Command = "sh",
        Arguments = ["-c", $"echo $$ > '{_pidFile}'; exec '{NpmMcp.Bin("mcp-server-everything")}'"],
        CallTimeout = callTimeout,
    };

    private static async Task<string> EchoAsync(McpServerConnection connection, string message)
    {
        var result = await connection.CallAsync("echo", new Dictionary<string, object?> { ["message"] = message }, CancellationToken.None);
        return Text(result);
    }

    private static string Text(CallToolResult result) =>
        (result.IsError == true ? "error: " : "") + string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    [NpmFact]
    public async Task A_server_killed_between_calls_is_started_again_and_the_next_call_runs()
    {
        await using var connection = new McpServerConnection(Everything(TimeSpan.FromSeconds(60)));
        Assert.Equal("Echo: before", await EchoAsync(connection, "before"));
        using (var server = Process.GetProcessById(int.Parse(File.ReadAllText(_pidFile).Trim(), CultureInfo.InvariantCulture)))
        {
            server.Kill();
            await server.WaitForExitAsync();
        }

        var after = await EchoAsync(connection, "after");

        Assert.Equal("Echo: after", after);
        Assert.Equal(2, connection.Starts);
    }

    [NpmFact]
    public async Task A_call_past_the_timeout_is_a_clear_error_and_the_same_session_serves_the_next_call()
    {
        await using var connection = new McpServerConnection(Everything(TimeSpan.FromSeconds(3)));
        Assert.Equal("Echo: warm", await EchoAsync(connection, "warm"));

        var slow = await connection.CallAsync("trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 120, ["steps"] = 120 }, CancellationToken.None);
        var next = await EchoAsync(connection, "still here");

        Assert.Equal("error: mcp_everything_trigger-long-running-operation timed out after 3 s (MCP server app.mcp:everything); the server is still connected", Text(slow));
        Assert.Equal("Echo: still here", next);
        Assert.Equal(1, connection.Starts);
    }

    public void Dispose() => File.Delete(_pidFile);
}
