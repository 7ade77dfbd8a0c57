using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// How much the seed scenario costs in model requests and input tokens, replayed by a scripted server
/// against the real binary and the real built-in app (its prompt and tool schemas). Tokens are counted
/// with the o200k tokenizer over the JSON of each request's messages and tools — a little more than a
/// provider counts, so the bounds hold with margin.
/// </summary>
public sealed class RequestBudgetTests
{
    private const int MaxFixedTokens = 1500;

    // The target is 8000; measured 2026-12 this way: 11.5k, most of it the doc_search answer
    // (up to 8000 characters) read again by the two later requests. The bound keeps it from growing.
    private const int MaxSeedTokens = 12000;

    private static readonly Tokenizer Tokens = TiktokenTokenizer.CreateForModel("gpt-4o");

    private const string ClockSource = """
        local time = require("time")
        local function handler(input)
          return { utc = time.now():utc():iso() }
        end
        return { handler = handler }
        """;

    [Fact]
    public async Task The_seed_scenario_takes_three_requests_and_a_bounded_number_of_input_tokens()
    {
        await using var server = FakeOpenAIServer.Start();
        var create = new JsonObject
        {
            ["name"] = "current_time_utc",
            ["description"] = "Returns the current UTC time",
            ["source"] = ClockSource,
            ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            ["modules"] = new JsonArray("time"),
            ["tests"] = new JsonArray(new JsonObject { ["input"] = new JsonObject() }),
        };
        server.Enqueue(
            FakeReply.Call("doc_search", """{"query":"current time utc"}""", "c1"),
            FakeReply.CallTools(new FakeToolCall("c2", "create_tool", create.ToJsonString()), new FakeToolCall("c3", "current_time_utc", "{}")),
            FakeReply.Say("It is the time the tool said."));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "what time is it?");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[current_time_utc] ok", result.Stdout);
        Assert.Equal(3, server.ChatRequests.Count);
        var toolResult = (string?)server.ChatRequests[2].Json!["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!["content"];
        Assert.Contains("utc", toolResult, StringComparison.Ordinal);

        var fixedPart = FixedTokens(server.ChatRequests[0]);
        Assert.True(fixedPart <= MaxFixedTokens, $"the system prompt and tool schemas take {fixedPart} tokens, more than {MaxFixedTokens}");
        var total = server.ChatRequests.Sum(InputTokens);
        Assert.True(total <= MaxSeedTokens, $"the seed scenario sent {total} input tokens, more than {MaxSeedTokens}");
    }

    /// <summary>The part of every request that does not change: the system prompt and the tool schemas.</summary>
    private static int FixedTokens(RecordedRequest request)
    {
        var system = request.Json!["messages"]!.AsArray().Where(m => (string?)m!["role"] == "system").Select(m => m!.ToJsonString());
        return Tokens.CountTokens(string.Concat(system) + request.Json["tools"]!.ToJsonString());
    }

    private static int InputTokens(RecordedRequest request) =>
        Tokens.CountTokens(request.Json!["messages"]!.ToJsonString() + request.Json["tools"]?.ToJsonString());
}
