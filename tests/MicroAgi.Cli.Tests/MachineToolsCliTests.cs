using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>The machine tools through the real binary: the workspace from microagi.yaml, approval modes, the REPL's question.</summary>
public sealed class MachineToolsCliTests
{
    private const string Enter = "\r";

    private static string WriteCall(string path, string content) =>
        new JsonObject { ["path"] = path, ["content"] = content }.ToJsonString();

    [Fact]
    public async Task A_one_shot_run_refuses_changes_unless_an_approval_mode_allows_them()
    {
        await using var server = FakeOpenAIServer.Start();
        var write = FakeReply.Call("write", WriteCall("notes.txt", "hello"), "w1");
        server.Enqueue(write, FakeReply.Say("Could not."), write, FakeReply.Say("Written."));
        using var cli = CliRunner.ForOpenAI(server);
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/.keep", ""))!;
        var config = cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");

        var refused = await cli.RunAsync("-p", "write notes", "--config", config);
        Assert.False(File.Exists(Path.Combine(workspace, "notes.txt")));
        var allowed = await cli.RunAsync("-p", "write notes", "--config", config, "--approval", "auto-edit");

        Assert.Contains("[write] error: create notes.txt (5 bytes) needs the user's approval", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--approval auto-edit", refused.Stderr, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("[write] ok", allowed.Stderr, StringComparison.Ordinal);
        Assert.Equal("hello", File.ReadAllText(Path.Combine(workspace, "notes.txt")));
    }

    [Fact]
    public async Task Bad_approval_and_sandbox_settings_are_clear_errors()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        var config = cli.WriteFile("microagi.yaml", "tools:\n  exec:\n    sandbox: maybe\n");

        var flag = await cli.RunAsync("-p", "hi", "--approval", "sometimes");
        var file = await cli.RunAsync("-p", "hi", "--config", config);

        Assert.NotEqual(0, flag.ExitCode);
        Assert.Contains("--approval must be ask, auto-edit or full-auto, not 'sometimes'", flag.Stderr, StringComparison.Ordinal);
        Assert.Contains("tools.exec.sandbox must be auto, bwrap or none, not 'maybe'", file.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_REPL_shows_the_command_and_runs_it_only_after_yes()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("exec", """{"command":"echo approved-run > proof.txt"}""", "e1"),
            FakeReply.Say("Done."));
        using var cli = CliRunner.ForOpenAI(server);
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/.keep", ""))!;
        var config = cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");

        var result = await cli.RunInTerminalAsync("run it\n", async process =>
        {
            await server.WaitForChatRequestsAsync(1, TimeSpan.FromSeconds(60));
            await WaitForAsync(() => !File.Exists(Path.Combine(workspace, "proof.txt")), TimeSpan.FromSeconds(2));
            Assert.False(File.Exists(Path.Combine(workspace, "proof.txt")), "the command ran before the user said yes");
            await process.StandardInput.WriteAsync("y\n");
            await process.StandardInput.FlushAsync();
            await server.WaitForChatRequestsAsync(2, TimeSpan.FromSeconds(60));
            await process.StandardInput.WriteAsync("quit\n");
            await process.StandardInput.FlushAsync();
        }, "--config", config);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("approve? run: echo approved-run > proof.txt", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("s = always this session", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[exec] ok", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("approved-run\n", File.ReadAllText(Path.Combine(workspace, "proof.txt")));
    }

    [Fact]
    public async Task On_a_terminal_no_declines_a_command_and_always_in_this_workspace_approves_file_changes_from_then_on()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        var workspace = Path.GetDirectoryName(cli.WriteFile("workspace/notes.txt", "alpha\nbeta\n"))!;
        var notes = Path.Combine(workspace, "notes.txt");
        var config = cli.WriteFile("microagi.yaml", $"tools:\n  workspace: {workspace}\n");
        server.Enqueue(
            FakeReply.Call("exec", """{"command":"echo ran > proof.txt"}""", "e1"), FakeReply.Say("You said no."),
            FakeReply.Call("edit", """{"path":"notes.txt","old":"beta","new":"BETA"}""", "e2"),
            FakeReply.Call("write", """{"path":"notes.txt","content":"alpha\nBETA\ngamma\n"}""", "e3"), FakeReply.Say("Edited."));

        var session = await cli.RunLiveInTerminalAsync(async terminal =>
        {
            await terminal.WaitForAsync("/help for commands");
            await terminal.TypeAsync("run it" + Enter);
            await terminal.WaitForAsync("allow?");
            await terminal.TypeAsync("n" + Enter);
            await terminal.WaitForAsync("You said no.");
            await terminal.TypeAsync("edit it" + Enter);
            await terminal.WaitForAsync("allow?", times: 2);
            await terminal.TypeAsync("w" + Enter);
            await terminal.WaitForAsync("Edited.");
            await terminal.TypeAsync("/exit" + Enter);
        }, "--config", config);

        Assert.True(session.ExitCode == 0, session.ToString());
        Assert.Contains("approve? run: echo ran > proof.txt", session.Stdout, StringComparison.Ordinal);
        Assert.Contains("  echo ran > proof.txt", session.Stdout, StringComparison.Ordinal);
        Assert.Contains("(in .,", session.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace, "proof.txt")));
        Assert.Contains("[exec] error: the user declined: run: echo ran > proof.txt", session.Stdout, StringComparison.Ordinal);
        Assert.Contains("the user declined: run: echo ran > proof.txt", server.ChatRequests[1].LastToolResult, StringComparison.Ordinal);
        Assert.Contains("approve? edit notes.txt (1 place)", session.Stdout, StringComparison.Ordinal);
        Assert.Contains("  -beta", session.Stdout, StringComparison.Ordinal);
        Assert.Contains("  +BETA", session.Stdout, StringComparison.Ordinal);
        // The write after the "always" is not asked about: two questions in the whole session.
        Assert.Equal(2, session.Stdout.Split("allow?").Length - 1);
        Assert.Equal("alpha\nBETA\ngamma\n", File.ReadAllText(notes));
        Assert.Contains("file changes", File.ReadAllText(Path.Combine(cli.StateDirectory, "profiles", "default", "approvals.json")), StringComparison.Ordinal);

        // A later run where nobody can be asked: the standing answer for file changes in this workspace still holds.
        server.Enqueue(FakeReply.Call("edit", """{"path":"notes.txt","old":"gamma","new":"delta"}""", "p1"), FakeReply.Say("Kept."));
        var later = await cli.RunAsync("-p", "edit again", "--config", config);
        Assert.True(later.ExitCode == 0, later.ToString());
        Assert.Contains("[edit] ok", later.Stderr, StringComparison.Ordinal);
        Assert.Equal("alpha\nBETA\ndelta\n", File.ReadAllText(notes));
    }

    /// <summary>Waits while <paramref name="condition"/> holds, at most <paramref name="most"/>: gives a wrong early run its chance to show.</summary>
    private static async Task WaitForAsync(Func<bool> condition, TimeSpan most)
    {
        var until = DateTime.UtcNow + most;
        while (condition() && DateTime.UtcNow < until) await Task.Delay(100);
    }
}
