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

    [Fact]
    public async Task Over_http_a_profile_narrows_the_served_tools_and_a_tool_created_elsewhere_appears()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("profile", "new", "readers")).ExitCode);
        File.WriteAllText(Path.Combine(cli.StateDirectory, "profiles", "readers", "config.json"),
            """{"tools": {"allow": ["group:fs", "group:generated"], "deny": ["write"]}}""");
        var port = MicroAgi.Testing.FakeLlm.LoopbackPorts.GetUnused();
        var endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
        IList<McpClientTool>? before = null, after = null;
        CallToolResult? called = null;

        var serve = await cli.RunAsync(null, async process =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (var client = await ConnectOverHttpAsync(endpoint, changed, deadline.Token))
            {
                before = await client.ListToolsAsync(cancellationToken: deadline.Token);
                var source = cli.WriteFile("shout.lua", Shout);
                var schema = cli.WriteFile("schema.json", """{"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}""");
                var create = await cli.RunAsync("tools", "create", "--name", "shout", "--source", source, "--schema", schema, "--description", "Upper-cases text");
                Assert.True(create.ExitCode == 0, create.ToString());
                await changed.Task.WaitAsync(deadline.Token);
                after = await client.ListToolsAsync(cancellationToken: deadline.Token);
                called = await client.CallToolAsync("shout", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: deadline.Token);
            }
            using var interrupt = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }, "mcp", "serve", "--http", $"127.0.0.1:{port}", "--profile", "readers", "--refresh", "0.2");

        Assert.True(serve.ExitCode == 0, serve.ToString());
        Assert.Contains($"serving MCP over Streamable HTTP at {endpoint}", serve.Stderr, StringComparison.Ordinal);
        Assert.Equal(["edit", "glob", "read"], before!.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains(after!, t => t.Name == "shout");
        Assert.DoesNotContain(after!, t => t.Name is "write" or "doc_search" or "exec");
        Assert.Equal("HI", (string?)JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(called!.Content)).Text)!["text"]);
    }

    /// <summary>Connects once the server listens: the process takes a moment to start.</summary>
    private static async Task<McpClient> ConnectOverHttpAsync(Uri endpoint, TaskCompletionSource changed, CancellationToken cancellationToken)
    {
        var options = new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(NotificationMethods.ToolListChangedNotification, (_, _) => { changed.TrySetResult(); return ValueTask.CompletedTask; })],
            },
        };
        while (true)
        {
            try
            {
                var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp });
                return await McpClient.CreateAsync(transport, options, cancellationToken: cancellationToken);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    [Theory]
    [InlineData("0.0.0.0:8765")]
    [InlineData("192.168.1.5:8765")]
    [InlineData("localhost:8765")]
    [InlineData("127.0.0.1")]
    public async Task Http_on_anything_but_127_0_0_1_and_a_port_is_refused_with_what_to_do(string address)
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("mcp", "serve", "--http", address);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--http takes 127.0.0.1:PORT (e.g. --http 127.0.0.1:8765), not '{address}'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("no authentication", result.Stderr, StringComparison.Ordinal);
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
