using System.Text.Json.Nodes;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// No message breaks a session, through the real binary: the fake server refuses any request longer than
/// gpt-5.1's window (a token per four characters), as a real one does; a huge tool result or answer is cut,
/// and the next run resuming the session still works.
/// </summary>
public class OversizedMessageCliTests
{
    private static readonly FakeServerOptions RealWindow = new() { ContextLimitCharacters = 128_000 * 4 };

    private const string DumpSource = """
        local function handler(input)
          return string.rep("r", 900000)
        end

        return { handler = handler }
        """;

    [Fact]
    public async Task A_900_KB_tool_result_is_cut_and_the_resumed_session_still_works()
    {
        await using var server = FakeOpenAIServer.Start(RealWindow);
        var create = new JsonObject
        {
            ["name"] = "dump",
            ["description"] = "Returns a lot of text",
            ["source"] = DumpSource,
            ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            ["modules"] = new JsonArray(),
        };
        server.Enqueue(
            FakeReply.Call("create_tool", create.ToJsonString(), "c1"),
            FakeReply.Call("load_tool", """{"id":"app.generated:dump"}""", "c2"),
            FakeReply.Call("dump", "{}", "c3"),
            FakeReply.Say("that was long"),
            FakeReply.Say("still working"));
        using var cli = CliRunner.ForOpenAI(server);

        var first = await cli.RunAsync("-p", "dump it", "--approval", "auto-edit");
        var second = await cli.RunAsync("--resume", "-p", "and now?");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("[dump] ok", first.Stderr);
        Assert.Contains("the result of dump was cut from 900,002", first.Stderr);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("still working", second.Stdout);
        Assert.All(server.ChatRequests, r => Assert.True(r.Body.Length <= RealWindow.ContextLimitCharacters, $"a request of {r.Body.Length} characters"));
        Assert.Contains("[cut: this was 900,002 characters", server.ChatRequests[4].Body);
    }

    [Fact]
    public async Task A_5_MB_answer_is_cut_at_the_output_limit_and_the_resumed_session_still_works()
    {
        await using var server = FakeOpenAIServer.Start(RealWindow);
        server.Enqueue(FakeReply.Say(new string('a', 5_000_000)).InTextChunksOf(65_536), FakeReply.Say("short again"));
        using var cli = CliRunner.ForOpenAI(server);

        var first = await cli.RunAsync("-p", "talk a lot");
        var second = await cli.RunAsync("--resume", "-p", "briefly?");

        // dev_assistant asks for 2048 tokens; eight characters a token is more than any honest answer has.
        Assert.True(first.Stdout.Length < (2048 * 8) + 2_000, $"{first.Stdout.Length} characters printed");
        Assert.Contains("cut off at the output limit", first.Stderr);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("short again", second.Stdout);
        Assert.True(server.ChatRequests[1].Body.Length < 40_000, $"the resumed request has {server.ChatRequests[1].Body.Length} characters");
    }
}
