using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Cli.Tests.Mcp;

/// <summary><c>microagi mcp serve</c> as a client starts it: the real binary on stdio, the SDK's own client.</summary>
public sealed class McpServeCliTests
{
    private const string Shout = """
        local function handler(input)
          return { text = string.upper(input.text) }
        end
        return { handler = handler }
        """;

    [Fact]
    public async Task A_tool_created_by_another_process_appears_in_a_running_server_and_can_be_called()
    {
        using var cli = new CliRunner();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await McpClient.CreateAsync(ServeTransport(cli), new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(NotificationMethods.ToolListChangedNotification, (_, _) => { changed.TrySetResult(); return ValueTask.CompletedTask; })],
            },
        }, cancellationToken: deadline.Token);
        var before = await client.ListToolsAsync(cancellationToken: deadline.Token);
        Assert.Contains(before, t => t.Name == "create_tool");
        Assert.DoesNotContain(before, t => t.Name == "shout");

        var source = cli.WriteFile("shout.lua", Shout);
        var schema = cli.WriteFile("schema.json", """{"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}""");
        var create = await cli.RunAsync("tools", "create", "--name", "shout", "--source", source, "--schema", schema, "--description", "Upper-cases text");
        Assert.True(create.ExitCode == 0, create.ToString());

        await changed.Task.WaitAsync(deadline.Token);
        var after = await client.ListToolsAsync(cancellationToken: deadline.Token);
        Assert.Equal("Upper-cases text", after.Single(t => t.Name == "shout").Description);
        var result = await client.CallToolAsync("shout", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: deadline.Token);
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("HI", (string?)JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text)!["text"]);
    }

    [Fact]
    public async Task A_missing_agent_is_a_clear_error_on_stderr_and_nothing_on_stdout()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("mcp", "serve", "--agent", "app:nobody");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("agent 'app:nobody' not found", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--agent", result.Stderr, StringComparison.Ordinal);
    }

    private static StdioClientTransport ServeTransport(CliRunner cli)
    {
        var options = new StdioClientTransportOptions
        {
            Name = "microagi",
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "microagi.dll"), "--state-dir", cli.StateDirectory, "mcp", "serve", "--refresh", "0.2"],
            EnvironmentVariables = new Dictionary<string, string?>(cli.Environment),
        };
        return new StdioClientTransport(options);
    }
}

/// <summary>The MCP inspector's CLI (an MCP client not in this repository) against <c>microagi mcp serve</c>.</summary>
public sealed class McpInspectorTests
{
    [NpmFact]
    public async Task The_inspector_lists_the_tools_calls_a_generated_one_and_sees_a_limit_error()
    {
        using var cli = new CliRunner();
        var shout = cli.WriteFile("shout.lua", "local function handler(input) return { text = string.upper(input.text) } end\nreturn { handler = handler }");
        var spin = cli.WriteFile("spin.lua", "local function handler(input) while true do end end\nreturn { handler = handler }");
        Assert.Equal(0, (await cli.RunAsync("tools", "create", "--name", "shout", "--source", shout, "--description", "Upper-cases text")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("tools", "create", "--name", "spin", "--source", spin)).ExitCode);

        var list = await InspectAsync(cli, "--method", "tools/list");
        var call = await InspectAsync(cli, "--method", "tools/call", "--tool-name", "shout", "--tool-arg", "text=hi");
        var limit = await InspectAsync(cli, "--method", "tools/call", "--tool-name", "spin");

        Assert.Contains("\"shout\"", list, StringComparison.Ordinal);
        Assert.Contains("\"create_tool\"", list, StringComparison.Ordinal);
        Assert.Contains("HI", call, StringComparison.Ordinal);
        Assert.Contains("\"isError\": true", limit, StringComparison.Ordinal);
        Assert.Contains("time", limit, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> InspectAsync(CliRunner cli, params string[] request)
    {
        var info = new System.Diagnostics.ProcessStartInfo(NpmMcp.Bin("mcp-inspector")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--cli", "dotnet", Path.Combine(AppContext.BaseDirectory, "microagi.dll"), "--state-dir", cli.StateDirectory, "mcp", "serve" }.Concat(request))
            info.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"inspector exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
