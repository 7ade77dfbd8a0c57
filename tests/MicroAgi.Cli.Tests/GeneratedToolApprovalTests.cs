using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// A generated Lua tool's first run in a session needs the user's yes (docs/tools.md#approval): the REPL asks on a
/// terminal showing the tool, its arguments and its source; <c>-p</c> refuses unless a mode allows it; an "always
/// in this workspace" covers the tool only while its code stays the same.
/// </summary>
public sealed class GeneratedToolApprovalTests
{
    private const string Enter = "\r";
    private const string NumbersV1 = "-- counts to one\nreturn { handler = function(input) return { n = 1, said = input.word } end }";
    private const string NumbersV2 = "-- counts to two\nreturn { handler = function(input) return { n = 2, said = input.word } end }";
    private const string Schema = """{"type": "object", "properties": {"word": {"type": "string"}}}""";
    private const string NeedsApproval = "[numbers] error: first run of the generated tool app.generated:numbers needs the user's approval";

    private static FakeReply LoadNumbers(string id) => FakeReply.Call("load_tool", """{"id":"app.generated:numbers"}""", id);

    private static FakeReply CallNumbers(string id) => FakeReply.Call("numbers", """{"word":"hello"}""", id);

    [Fact]
    public async Task A_one_shot_run_refuses_a_generated_tool_unless_a_mode_allows_it_and_the_turn_goes_on()
    {
        await using var server = FakeOpenAIServer.Start();
        var source = new JsonObject
        {
            ["name"] = "numbers",
            ["description"] = "Counts",
            ["source"] = NumbersV1,
            ["schema"] = JsonNode.Parse(Schema),
            ["modules"] = new JsonArray(),
            ["tests"] = new JsonArray(new JsonObject { ["input"] = new JsonObject { ["word"] = "test" } }),
        }.ToJsonString();
        // create_tool's own test run is not asked about; the model's first call of what it wrote is.
        server.Enqueue(FakeReply.Call("create_tool", source, "c1"), CallNumbers("c2"), FakeReply.Say("Could not run it."),
            LoadNumbers("c3"), CallNumbers("c4"), FakeReply.Say("It said one."));
        using var cli = CliRunner.ForOpenAI(server);
        var config = WorkspaceConfig(cli);

        var refused = await cli.RunAsync("-p", "count", "--config", config);
        var allowed = await cli.RunAsync("-p", "count again", "--config", config, "--approval", "auto-edit");

        Assert.True(refused.ExitCode == 0, refused.ToString());
        Assert.Contains("[create_tool] ok", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(NeedsApproval + " and nobody can be asked in this run; the user can allow it with --approval auto-edit", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("Could not run it.", refused.Stdout, StringComparison.Ordinal);
        // The model read the refusal as the call's result: the conversation stays whole.
        Assert.Contains("--approval auto-edit", server.ChatRequests[2].LastToolResult, StringComparison.Ordinal);

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("[numbers] ok", allowed.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"n\":1", server.ChatRequests[5].LastToolResult.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_REPL_asks_before_a_generated_tools_first_run_showing_its_source_and_no_yes_and_always_work()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        var config = WorkspaceConfig(cli);
        await CreateNumbersAsync(cli, NumbersV1);

        // Session one: "n" declines (the model reads why), "y" runs it, and a second run in the session is not asked about.
        server.Enqueue(LoadNumbers("a1"), CallNumbers("a2"), FakeReply.Say("You said no."),
            CallNumbers("a3"), CallNumbers("a4"), FakeReply.Say("Ran twice."));
        var first = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await terminal.WaitForAsync("/help for commands");
            await terminal.TypeAsync("count" + Enter);
            await terminal.WaitForAsync("allow?");
            await terminal.TypeAsync("n" + Enter);
            await terminal.WaitForAsync("You said no.");
            await terminal.TypeAsync("count again" + Enter);
            await terminal.WaitForAsync("allow?", times: 2);
            await terminal.TypeAsync("y" + Enter);
            await terminal.WaitForAsync("Ran twice.");
            await terminal.TypeAsync("/exit" + Enter);
        }, "--config", config);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("approve? first run of the generated tool app.generated:numbers", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("-- counts to one", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("arguments: {\"word\":\"hello\"}", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Count(first.Stdout, "approve? first run"));
        Assert.Contains("the user declined: first run of the generated tool app.generated:numbers", server.ChatRequests[2].LastToolResult, StringComparison.Ordinal);
        Assert.Contains("\"n\":1", server.ChatRequests[5].LastToolResult.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Session two: "w" runs it and keeps the answer for this workspace.
        server.Enqueue(LoadNumbers("b1"), CallNumbers("b2"), FakeReply.Say("Kept."));
        var second = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await terminal.WaitForAsync("/help for commands");
            await terminal.TypeAsync("count" + Enter);
            await terminal.WaitForAsync("allow?");
            await terminal.TypeAsync("w" + Enter);
            await terminal.WaitForAsync("Kept.");
            await terminal.TypeAsync("/exit" + Enter);
        }, "--config", config);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("[numbers] ok", second.Stdout, StringComparison.Ordinal);

        // Session three, where nobody can be asked: the standing answer covers the same code.
        server.Enqueue(LoadNumbers("c1"), CallNumbers("c2"), FakeReply.Say("Covered."));
        var covered = await cli.RunAsync("-p", "count", "--config", config);
        Assert.True(covered.ExitCode == 0, covered.ToString());
        Assert.Contains("[numbers] ok", covered.Stderr, StringComparison.Ordinal);

        // The tool changes: the standing answer no longer covers it.
        await CreateNumbersAsync(cli, NumbersV2);
        server.Enqueue(LoadNumbers("d1"), CallNumbers("d2"), FakeReply.Say("Refused."));
        var changed = await cli.RunAsync("-p", "count", "--config", config);
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.Contains(NeedsApproval, changed.Stderr, StringComparison.Ordinal);
    }

    private static string WorkspaceConfig(CliRunner cli)
    {
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/.keep", ""))!;
        return cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");
    }

    private static async Task CreateNumbersAsync(CliRunner cli, string source)
    {
        var file = cli.WriteFile("numbers.lua", source);
        var schema = cli.WriteFile("numbers.json", Schema);
        var create = await cli.RunAsync("tools", "create", "--name", "numbers", "--source", file, "--schema", schema);
        Assert.True(create.ExitCode == 0, create.ToString());
    }


    private static int Count(string haystack, string needle) =>
        haystack.Split(needle).Length - 1;
}
