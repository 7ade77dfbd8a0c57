using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Mcp.Serving;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Tests.Serving;

public sealed class McpServeTests
{
    internal const string Echo = """
        local function handler(input)
          return { said = input.text, length = #input.text }
        end
        return { handler = handler }
        """;

    internal static readonly JsonObject EchoSchema = new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "string" } },
        ["required"] = new JsonArray("text"),
    };

    [Fact]
    public async Task Lists_the_agents_built_in_tools_with_their_schema_and_description_but_not_the_session_only_ones()
    {
        await using var host = ServeHost.InMemory();
        await using var client = await host.ConnectAsync();

        var tools = await client.ListToolsAsync(cancellationToken: host.Deadline.Token);

        var names = tools.Select(t => t.Name).ToList();
        Assert.Contains("doc_search", names);
        Assert.Contains("create_tool", names);
        Assert.Contains("write", names);
        Assert.DoesNotContain("self", names);
        Assert.DoesNotContain("load_tool", names);
        Assert.DoesNotContain("sessions_spawn", names);
        var read = tools.Single(t => t.Name == "registry_read");
        Assert.Contains("entry", read.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("object", read.JsonSchema.GetProperty("type").GetString());
        Assert.True(read.JsonSchema.GetProperty("properties").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task A_generated_tool_is_served_with_its_schema_and_runs_in_the_lua_sandbox()
    {
        await using var host = ServeHost.InMemory();
        await host.WriteToolAsync("echo_text", Echo, "Echoes text", EchoSchema);
        await using var client = await host.ConnectAsync();

        var tools = await client.ListToolsAsync(cancellationToken: host.Deadline.Token);
        var echo = tools.Single(t => t.Name == "echo_text");
        Assert.Equal("Echoes text", echo.Description);
        Assert.Equal("string", echo.JsonSchema.GetProperty("properties").GetProperty("text").GetProperty("type").GetString());

        var result = await client.CallToolAsync("echo_text", new Dictionary<string, object?> { ["text"] = "héllo" }, cancellationToken: host.Deadline.Token);

        Assert.NotEqual(true, result.IsError);
        var value = JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text)!;
        Assert.Equal("héllo", (string?)value["said"]);
        Assert.Equal(6, (int?)value["length"]); // Lua's # counts bytes
    }

    [Fact]
    public async Task Arguments_that_break_the_schema_are_an_error_result_naming_the_problem()
    {
        await using var host = ServeHost.InMemory();
        await host.WriteToolAsync("echo_text", Echo, "Echoes text", EchoSchema);
        await using var client = await host.ConnectAsync();

        var result = await client.CallToolAsync("echo_text", new Dictionary<string, object?> { ["text"] = 42 }, cancellationToken: host.Deadline.Token);

        Assert.True(result.IsError);
        Assert.Contains("invalid arguments", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_that_runs_past_the_sandbox_deadline_is_stopped_and_reported_as_an_error()
    {
        await using var host = ServeHost.InMemory();
        await host.WriteToolAsync("spin", "local function handler(input) while true do end end\nreturn { handler = handler }");
        await using var client = await host.ConnectAsync();

        var result = await client.CallToolAsync("spin", cancellationToken: host.Deadline.Token);

        Assert.True(result.IsError);
        Assert.Contains("time", Text(result), StringComparison.OrdinalIgnoreCase);
        // The server lives on: the next call is answered.
        var next = await client.CallToolAsync("registry_read", new Dictionary<string, object?> { ["id"] = "app.generated:spin" }, cancellationToken: host.Deadline.Token);
        Assert.NotEqual(true, next.IsError);
    }

    [Fact]
    public async Task A_change_to_the_machine_is_refused_in_ask_mode_with_the_way_to_allow_it()
    {
        await using var host = ServeHost.InMemory(ApprovalMode.Ask);
        await using var client = await host.ConnectAsync();

        var result = await client.CallToolAsync("write", new Dictionary<string, object?> { ["path"] = "notes.txt", ["content"] = "hi" }, cancellationToken: host.Deadline.Token);

        Assert.True(result.IsError);
        Assert.Contains("--approval", Text(result), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(host.Workspace, "notes.txt")));
    }

    [Fact]
    public async Task In_ask_mode_edits_and_commands_are_refused_too_but_looking_at_processes_needs_no_approval()
    {
        await using var host = ServeHost.InMemory(ApprovalMode.Ask);
        await File.WriteAllTextAsync(Path.Combine(host.Workspace, "notes.txt"), "one\n", host.Deadline.Token);
        await using var client = await host.ConnectAsync();

        var edit = await client.CallToolAsync("edit", new Dictionary<string, object?> { ["path"] = "notes.txt", ["old"] = "one", ["new"] = "two" }, cancellationToken: host.Deadline.Token);
        var start = await client.CallToolAsync("process", new Dictionary<string, object?> { ["action"] = "start", ["command"] = "sleep 30" }, cancellationToken: host.Deadline.Token);
        var list = await client.CallToolAsync("process", new Dictionary<string, object?> { ["action"] = "list" }, cancellationToken: host.Deadline.Token);

        Assert.True(edit.IsError);
        Assert.Contains("edit notes.txt (1 place) needs the user's approval and nobody can be asked in this run; the user can allow it with --approval auto-edit or full-auto", Text(edit), StringComparison.Ordinal);
        Assert.Equal("one\n", await File.ReadAllTextAsync(Path.Combine(host.Workspace, "notes.txt"), host.Deadline.Token));
        Assert.True(start.IsError);
        Assert.Contains("run: sleep 30 needs the user's approval", Text(start), StringComparison.Ordinal);
        Assert.Contains("--approval full-auto", Text(start), StringComparison.Ordinal);
        Assert.NotEqual(true, list.IsError);
        Assert.Contains("\"processes\":[]", Text(list), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_to_the_machine_goes_ahead_when_the_server_was_started_with_a_mode_that_allows_it()
    {
        await using var host = ServeHost.InMemory(ApprovalMode.AutoEdit);
        await using var client = await host.ConnectAsync();

        var result = await client.CallToolAsync("write", new Dictionary<string, object?> { ["path"] = "notes.txt", ["content"] = "hi" }, cancellationToken: host.Deadline.Token);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("hi", await File.ReadAllTextAsync(Path.Combine(host.Workspace, "notes.txt"), host.Deadline.Token));
        var command = await client.CallToolAsync("exec", new Dictionary<string, object?> { ["command"] = "echo hi" }, cancellationToken: host.Deadline.Token);
        Assert.True(command.IsError); // auto-edit lets file changes through, not commands
        Assert.Contains("full-auto", Text(command), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_created_while_serving_appears_and_the_client_is_told_the_list_changed()
    {
        await using var host = ServeHost.InMemory();
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new McpClientOptions
        {
            // What today's clients speak. From 2026-07-28 on, a client opens subscriptions/listen to be told (the SDK does that part).
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(NotificationMethods.ToolListChangedNotification, (_, _) => { changed.TrySetResult(); return ValueTask.CompletedTask; })],
            },
        };
        await using var client = await host.ConnectAsync(options);
        Assert.DoesNotContain(await client.ListToolsAsync(cancellationToken: host.Deadline.Token), t => t.Name == "echo_text");

        await host.WriteToolAsync("echo_text", Echo, "Echoes text", EchoSchema);

        await changed.Task.WaitAsync(host.Deadline.Token);
        Assert.Contains(await client.ListToolsAsync(cancellationToken: host.Deadline.Token), t => t.Name == "echo_text");
    }

    [Fact]
    public async Task A_new_version_with_a_changed_description_replaces_the_served_tool()
    {
        await using var host = ServeHost.InMemory();
        await host.WriteToolAsync("echo_text", Echo, "Echoes text", EchoSchema);
        await using var client = await host.ConnectAsync();

        await host.WriteToolAsync("echo_text", Echo, "Repeats the text back", EchoSchema);

        var tools = await client.ListToolsAsync(cancellationToken: host.Deadline.Token);
        Assert.Equal("Repeats the text back", tools.Single(t => t.Name == "echo_text").Description);
    }

    [Fact]
    public async Task A_tool_another_process_stores_in_the_shared_sqlite_registry_appears_without_a_restart()
    {
        var database = Path.Combine(Path.GetTempPath(), "microagi-mcp-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var host = await ServeHost.OverSqliteAsync(database);
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            host.Tools.Changed += (_, _) => changed.TrySetResult();
            await using var client = await host.ConnectAsync();

            // The other process: its own registry over the same database file.
            await using (var other = await ServeHost.OverSqliteAsync(database))
            {
                await other.WriteToolAsync("echo_text", Echo, "Echoes text", EchoSchema);
            }

            await changed.Task.WaitAsync(host.Deadline.Token);
            var result = await client.CallToolAsync("echo_text", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: host.Deadline.Token);
            Assert.Equal("hi", (string?)JsonNode.Parse(Text(result))!["said"]);
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(database) + "*")) File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unknown_tool_name_is_a_protocol_error()
    {
        await using var host = ServeHost.InMemory();
        await using var client = await host.ConnectAsync();

        var error = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(
            async () => await client.CallToolAsync("no_such_tool", cancellationToken: host.Deadline.Token));

        Assert.Contains("no_such_tool", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tool_policy_narrows_what_is_served()
    {
        using var registry = new DisposableRegistry();
        var policy = Agents.Policy.ToolPolicy.Open.Narrowed(new Agents.Policy.ToolRules("--tools-allow", ["group:fs", "doc_search"]))
            .Narrowed(new Agents.Policy.ToolRules("--tools-deny", Deny: ["write"]));

        var (tools, _) = ServedTools.Resolve(registry.Registry.Snapshot(), ServeHost.Agent, new Functions.FunctionCaller(registry.Registry), policy);

        Assert.Equal(["doc_search", "edit", "glob", "read"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_missing_agent_stops_the_server_before_it_starts_with_the_way_to_name_one()
    {
        using var registry = new DisposableRegistry();
        var error = Assert.Throws<Agents.Definitions.AgentDefinitionException>(
            () => ServedTools.Resolve(registry.Registry.Snapshot(), new Registry.EntryId("app", "nobody"), new Functions.FunctionCaller(registry.Registry)));
        Assert.Contains("--agent", error.Message, StringComparison.Ordinal);
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    private sealed class DisposableRegistry : IDisposable
    {
        public Registry.EntryRegistry Registry { get; } = MicroAgi.Registry.EntryRegistry.CreateInMemory(ServeHost.BaseEntries());

        public void Dispose() => Registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
