using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Usage;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Usage;

public sealed class CostTrackerTests
{
    private static readonly ModelDefinition Priced = new()
    {
        Name = "priced",
        ContextWindow = 128_000,
        OutputTokens = 4_096,
        Pricing = new ModelPricing(InputPerMillion: 2.5m, OutputPerMillion: 10m),
    };

    private static UsageDetails Usage(long input, long output, long? cached = null, long? reasoning = null) => new()
    {
        InputTokenCount = input,
        OutputTokenCount = output,
        CachedInputTokenCount = cached,
        ReasoningTokenCount = reasoning,
    };

    [Fact]
    public void Sums_tokens_and_money_per_turn_and_per_session()
    {
        var tracker = new CostTracker();

        tracker.Record(Priced, Usage(1_000_000, 0));
        tracker.Record(Priced, Usage(0, 100_000));
        var firstTurn = tracker.EndTurn();
        tracker.Record(Priced, Usage(200_000, 50_000));

        Assert.Equal(3.5m, firstTurn.Cost);
        Assert.Equal(2, firstTurn.Requests);
        Assert.Equal(new TokenCounts(1_000_000, 100_000), firstTurn.Tokens);
        Assert.Equal(1m, tracker.CurrentTurn.Cost);
        Assert.Equal(1, tracker.CurrentTurn.Requests);
        Assert.Equal(4.5m, tracker.Session.Cost);
        Assert.Equal(3, tracker.Session.Requests);
        Assert.Equal(new TokenCounts(1_200_000, 150_000), tracker.Session.Tokens);
    }

    [Fact]
    public void Prices_cached_input_as_input_unless_the_model_has_a_cached_price()
    {
        var cachedPrice = Priced with { Pricing = Priced.Pricing with { CachedInputPerMillion = 0.25m } };
        var usage = Usage(input: 1_000_000, output: 0, cached: 800_000);

        var withoutCachedPrice = new CostTracker().Record(Priced, usage);
        var withCachedPrice = new CostTracker().Record(cachedPrice, usage);

        Assert.Equal(2.5m, withoutCachedPrice.Cost);
        Assert.Equal((200_000 * 2.5m + 800_000 * 0.25m) / 1_000_000m, withCachedPrice.Cost);
    }

    [Fact]
    public void Prices_reasoning_tokens_once_as_part_of_the_output()
    {
        var report = new CostTracker().Record(Priced, Usage(input: 0, output: 1_000_000, reasoning: 600_000));

        Assert.Equal(10m, report.Cost);
        Assert.Equal(600_000, report.Tokens.Reasoning);
    }

    [Fact]
    public void Marks_the_cost_incomplete_when_a_model_has_no_known_price()
    {
        var unpriced = ModelDefinition.Unregistered("llama3.1", ModelLimits.Default);
        var tracker = new CostTracker();

        tracker.Record(unpriced, Usage(500, 20));
        var onlyUnpriced = tracker.CurrentTurn;
        tracker.Record(Priced, Usage(1_000_000, 0));

        Assert.False(onlyUnpriced.CostIsComplete);
        Assert.Equal("500 in · 20 out · cost unknown", onlyUnpriced.Describe());
        Assert.False(tracker.CurrentTurn.CostIsComplete);
        Assert.Equal(2.5m, tracker.CurrentTurn.Cost);
        Assert.EndsWith("$2.50 + unpriced", tracker.CurrentTurn.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_a_request_whose_server_reported_no_usage()
    {
        var tracker = new CostTracker();

        tracker.Record(Priced, usage: null);

        Assert.Equal(1, tracker.Session.Requests);
        Assert.Equal(TokenCounts.Zero, tracker.Session.Tokens);
        Assert.True(tracker.Session.CostIsComplete);
    }

    [Fact]
    public void Describes_usage_in_one_line_for_the_user()
    {
        var report = new CostTracker().Record(Priced, Usage(input: 1234, output: 56, cached: 1000, reasoning: 12));

        Assert.Equal("1,234 in (1,000 cached) · 56 out (12 reasoning) · $0.0036", report.Describe());
    }

    [Fact]
    public void Keeps_the_session_spending_per_model()
    {
        var tracker = new CostTracker();
        var other = Priced with { Name = "other" };

        tracker.Record(Priced, Usage(10, 1));
        tracker.Record(other, Usage(20, 2));
        tracker.Record(Priced, Usage(30, 3));

        Assert.Equal(new TokenCounts(40, 4), tracker.SessionByModel["priced"].Tokens);
        Assert.Equal(new TokenCounts(20, 2), tracker.SessionByModel["other"].Tokens);
    }

    [Fact]
    public async Task Accounts_what_a_real_streamed_response_reports()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("ok").WithUsage(prompt: 2_000, completion: 500, cached: 1_000, reasoning: 100));
        using var client = ChatClientFactory.Create(Priced, new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = server.BaseUrl, ApiKey = "k" });
        var tracker = new CostTracker();

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToChatResponseAsync();
        tracker.Record(Priced, response.Usage);

        Assert.Equal(new TokenCounts(2_000, 500, 1_000, 100), tracker.Session.Tokens);
        Assert.Equal((2_000 * 2.5m + 500 * 10m) / 1_000_000m, tracker.Session.Cost);
    }
}
