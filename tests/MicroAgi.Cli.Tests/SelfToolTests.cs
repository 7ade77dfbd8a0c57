using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// The self tool end to end: the real binary, the scripted fake OpenAI server, microagi.yaml turning it on.
/// The scripted model raises max_iterations, snapshots, changes, restores and unregisters a tool, and each
/// following request shows the loop honoured the change.
/// </summary>
public sealed class SelfToolTests
{
    private static string ToolNames(RecordedRequest request) =>
        string.Join(",", request.Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));


    private static FakeReply Self(string argumentsJson, string id) => FakeReply.Call("self", argumentsJson, id);

    [Fact]
    public async Task The_scripted_model_tunes_itself_and_the_loop_honours_every_change()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            Self("""{"action":"modify","key":"max_iterations","value":8}""", "s1"),
            Self("""{"action":"snapshot","name":"wide","persist":true}""", "s2"),
            Self("""{"action":"modify","key":"max_iterations","value":5}""", "s3"),
            Self("""{"action":"restore","name":"wide"}""", "s4"),
            Self("""{"action":"manage_tool","name":"doc_search","manage_action":"unregister"}""", "s5"),
            FakeReply.Call("registry_list", """{"namespace":"app.tools"}""", "r6"),
            FakeReply.Say("Tuned and done."));
        using var cli = CliRunner.ForOpenAI(server);
        // Three steps as configured: only the raised limit lets the turn reach its seventh step.
        File.WriteAllText(Path.Combine(cli.StateDirectory, "microagi.yaml"), "tools:\n  self_evolution: true\nloop:\n  max_iterations: 3\n");

        var result = await cli.RunAsync("-p", "tune yourself");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Tuned and done.", result.Stdout);
        var lines = result.Stderr.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('[')).ToList();
        Assert.Equal([
            "[self] modify max_iterations 3 → 8",
            "[self] snapshot wide (persisted)",
            "[self] modify max_iterations 8 → 5",
            "[self] restore wide",
            "[self] manage_tool unregister doc_search",
            "[registry_list] ok"], lines);
        Assert.Equal(7, server.ChatRequests.Count);
        Assert.Contains("self", ToolNames(server.ChatRequests[0]).Split(','));
        Assert.StartsWith("\"Set max_iterations = 8 (was 3)", server.ChatRequests[1].LastToolResult);
        // doc_search went out with the step after the one that unregistered it.
        Assert.Contains("doc_search", ToolNames(server.ChatRequests[4]).Split(','));
        Assert.DoesNotContain("doc_search", ToolNames(server.ChatRequests[5]).Split(','));
        Assert.DoesNotContain("doc_search", ToolNames(server.ChatRequests[6]).Split(','));

        var log = await cli.RunAsync("self", "log");
        Assert.True(log.ExitCode == 0, log.ToString());
        Assert.Contains("5 self action(s)", log.Stdout);
        Assert.Contains("modify max_iterations 3 → 8", log.Stdout);
        Assert.Contains("manage_tool unregister doc_search", log.Stdout);

        var snapshots = await cli.RunAsync("self", "snapshots");
        Assert.True(snapshots.ExitCode == 0, snapshots.ToString());
        Assert.Contains("wide", snapshots.Stdout);
        Assert.Contains("max_iterations=8", snapshots.Stdout);

        // After a restart the persisted snapshot is still there to restore.
        server.Enqueue(
            Self("""{"action":"restore","name":"wide"}""", "t1"),
            Self("""{"action":"inspect","key":"max_iterations"}""", "t2"),
            FakeReply.Say("Restored."));
        var second = await cli.RunAsync("-p", "restore the wide setup");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("max_iterations: 8", server.ChatRequests[9].LastToolResult);
    }

    [Fact]
    public async Task Self_is_off_unless_microagi_yaml_turns_it_on()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Call("self", """{"action":"inspect"}""", "x1"), FakeReply.Say("no self here"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "inspect yourself");

        Assert.DoesNotContain("self", ToolNames(server.ChatRequests[0]).Split(','));
        Assert.Contains("[self] error: unknown tool 'self'", result.Stderr);
        var direct = await cli.RunAsync("tools", "call", "app.tools:self", """{"action":"inspect"}""");
        Assert.NotEqual(0, direct.ExitCode);
    }

    [Fact]
    public async Task Reading_everything_and_trying_to_lock_itself_out_reveals_no_key_and_keeps_self()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            Self("""{"action":"inspect"}""", "a1"),
            Self("""{"action":"inspect","key":"sandbox"}""", "a2"),
            Self("""{"action":"call","method":"sessions.list"}""", "a3"),
            Self("""{"action":"inspect","key":"provider"}""", "a4"),
            Self("""{"action":"manage_tool","name":"self","manage_action":"unregister"}""", "a5"),
            Self("""{"action":"modify","key":"tools","value":[]}""", "a6"),
            Self("""{"action":"modify","key":"model","value":"no-such-model"}""", "a7"),
            FakeReply.Say("still myself"));
        using var cli = CliRunner.ForOpenAI(server);
        File.WriteAllText(Path.Combine(cli.StateDirectory, "microagi.yaml"), "tools:\n  self_evolution: true\n");

        var result = await cli.RunAsync("-p", "look at everything");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("max_iterations: 20", server.ChatRequests[1].LastToolResult);
        Assert.Contains("memory_mb", server.ChatRequests[2].LastToolResult);
        Assert.Contains("is not on the runtime surface", server.ChatRequests[4].LastToolResult);
        Assert.Contains("'self' cannot be unregistered", server.ChatRequests[5].LastToolResult);
        Assert.Contains("use manage_tool", server.ChatRequests[6].LastToolResult);
        Assert.Contains("is not a known model", server.ChatRequests[7].LastToolResult);
        Assert.Contains("self", ToolNames(server.ChatRequests[7]).Split(','));
        Assert.All(server.ChatRequests, r => Assert.DoesNotContain(CliRunner.TestKey, r.Body));
        Assert.DoesNotContain(CliRunner.TestKey, result.Stdout + result.Stderr);
        var log = await cli.RunAsync("self", "log");
        Assert.Contains("manage_tool unregister self refused: 'self' cannot be unregistered", log.Stdout);
        Assert.DoesNotContain(CliRunner.TestKey, log.Stdout);
        Assert.All(Directory.GetFiles(Path.Combine(cli.StateDirectory, "sessions")), f => Assert.DoesNotContain(CliRunner.TestKey, File.ReadAllText(f)));
    }
}
