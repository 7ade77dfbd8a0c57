using MicroAgi.Llm.Compression;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Compression;

public sealed class ConversationCompressorTests : IAsyncLifetime
{
    private static readonly CompressionOptions SmallChunks = new() { ChunkCharacters = 1_000, MinimumChunkSummary = 50, MaxCalls = 40 };

    private readonly FakeOpenAIServer _server = FakeOpenAIServer.Start();
    private IChatClient _client = null!;

    public Task InitializeAsync()
    {
        _client = ChatClientFactory.Create(
            new ModelDefinition { Name = "nano", ContextWindow = 100_000, OutputTokens = 4_000 },
            new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = _server.BaseUrl, ApiKey = "k", Retry = RetrySettings.None });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static string Transcript(int paragraphs) =>
        string.Join("\n\n", Enumerable.Range(1, paragraphs).Select(i =>
            $"Paragraph {i:D3}: the user asked about item {i} and the assistant answered with the details of item {i}."));

    private static string PromptOf(RecordedRequest request) =>
        request.Json!["messages"]!.AsArray().Last()!["content"]!.ToJsonString();

    [Fact]
    public async Task Returns_text_that_already_fits_without_calling_the_model()
    {
        var compressor = new ConversationCompressor(_client, SmallChunks);

        var result = await compressor.CompressAsync("short enough", 100);

        Assert.Equal("short enough", result.Summary);
        Assert.Equal(0, result.Calls);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Summarises_text_that_fits_one_chunk_in_one_call()
    {
        _server.Enqueue(FakeReply.Say("Items 1-8 were discussed.").WithUsage(300, 10));
        var compressor = new ConversationCompressor(_client, SmallChunks);

        var result = await compressor.CompressAsync(Transcript(8), 200);

        Assert.Equal("Items 1-8 were discussed.", result.Summary);
        Assert.Equal(1, result.Calls);
        Assert.Equal(300, result.Usage.InputTokenCount);
        var prompt = PromptOf(_server.ChatRequests.Single());
        Assert.Contains("at most 200 characters", prompt, StringComparison.Ordinal);
        Assert.Contains("Paragraph 008", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summarises_each_chunk_of_a_long_text_in_order_then_merges_the_summaries()
    {
        var text = Transcript(24); // about 2,500 characters: three chunks of at most 1,000
        _server.Enqueue(
            FakeReply.Say("SUMMARY-A").WithUsage(250, 5),
            FakeReply.Say("SUMMARY-B").WithUsage(250, 5),
            FakeReply.Say("SUMMARY-C").WithUsage(250, 5),
            FakeReply.Say("All 24 items were discussed.").WithUsage(40, 8));
        var compressor = new ConversationCompressor(_client, SmallChunks);

        var result = await compressor.CompressAsync(text, 300);

        Assert.Equal("All 24 items were discussed.", result.Summary);
        Assert.Equal(4, result.Calls);
        Assert.Equal(790, result.Usage.InputTokenCount);
        var prompts = _server.ChatRequests.Select(PromptOf).ToList();
        Assert.Equal(4, prompts.Count);
        for (var part = 1; part <= 3; part++) Assert.Contains($"part {part} of 3", prompts[part - 1], StringComparison.Ordinal);
        Assert.Contains("Paragraph 001", prompts[0], StringComparison.Ordinal);
        Assert.Contains("Paragraph 024", prompts[2], StringComparison.Ordinal);
        for (var i = 1; i <= 24; i++)
            Assert.Single(prompts.Take(3), p => p.Contains($"Paragraph {i:D3}", StringComparison.Ordinal));
        Assert.Contains("Merge them", prompts[3], StringComparison.Ordinal);
        Assert.Contains("SUMMARY-A\\n\\nSUMMARY-B\\n\\nSUMMARY-C", prompts[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compresses_in_several_rounds_when_the_chunk_summaries_are_still_too_long()
    {
        var text = Transcript(120); // about 12,000 characters
        var wordy = string.Join(' ', Enumerable.Repeat("detail", 40)); // 279 characters, cut to each call's limit
        for (var i = 0; i < 40; i++) _server.Enqueue(FakeReply.Say(wordy));
        var compressor = new ConversationCompressor(_client, SmallChunks);

        var result = await compressor.CompressAsync(text, 2_000);

        var prompts = _server.ChatRequests.Select(PromptOf).ToList();
        var rounds = prompts.Select(p => System.Text.RegularExpressions.Regex.Match(p, @"part \d+ of (\d+)"))
            .Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.Equal(2, rounds.Count);
        Assert.True(rounds[0] > rounds[1]);
        Assert.Contains("Merge them", prompts[^1], StringComparison.Ordinal);
        Assert.Equal(prompts.Count, result.Calls);
        Assert.True(result.Calls <= compressor.PlannedCalls(text.Length, 2_000));
        Assert.True(result.Summary.Length <= 2_000);
    }

    [Fact]
    public async Task Cuts_a_summary_that_overshoots_the_target_at_a_word_boundary()
    {
        _server.Enqueue(FakeReply.Say(string.Join(' ', Enumerable.Repeat("verbose", 60))));
        var compressor = new ConversationCompressor(_client, SmallChunks);

        var result = await compressor.CompressAsync(Transcript(5), 100);

        Assert.True(result.Summary.Length <= 100, $"{result.Summary.Length} characters");
        Assert.EndsWith("verbose…", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_before_any_call_when_the_text_would_take_more_calls_than_allowed()
    {
        var compressor = new ConversationCompressor(_client, SmallChunks with { MaxCalls = 5 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => compressor.CompressAsync(Transcript(100), 500));

        Assert.Contains("more than the 5 allowed", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Stops_when_cancelled_between_or_during_calls()
    {
        _server.Enqueue(FakeReply.Say("SUMMARY-A"), FakeReply.NoAnswer());
        var compressor = new ConversationCompressor(_client, SmallChunks);
        using var cancellation = new CancellationTokenSource();
        var compressing = compressor.CompressAsync(Transcript(24), 300, cancellation.Token);

        await _server.WaitForChatRequestsAsync(2, TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => compressing);
        Assert.Equal(2, _server.ChatRequests.Count);
    }

    [Fact]
    public async Task Reports_a_model_that_answers_nothing()
    {
        _server.Enqueue(FakeReply.Say(""));
        var compressor = new ConversationCompressor(_client, SmallChunks);

        var error = await Assert.ThrowsAsync<LlmException>(() => compressor.CompressAsync(Transcript(5), 100));

        Assert.Equal(LlmErrorKind.InvalidResponse, error.Kind);
    }

    [Fact]
    public void Rejects_options_under_which_a_round_would_not_shrink_the_text()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConversationCompressor(_client, new CompressionOptions { ChunkCharacters = 1_000, MinimumChunkSummary = 400 }));

        Assert.Contains("four times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Splits_text_at_paragraph_boundaries_without_losing_anything()
    {
        var text = Transcript(30);

        var pieces = TextChunker.Split(text, 1_000);

        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p => Assert.True(p.Length <= 1_000));
        Assert.All(pieces.SkipLast(1), p => Assert.EndsWith("\n\n", p, StringComparison.Ordinal));
        Assert.True(pieces.Count <= TextChunker.MaxPieces(text.Length, 1_000));
        var unbroken = new string('x', 2_500);
        Assert.Equal(unbroken, string.Concat(TextChunker.Split(unbroken, 1_000)));
    }
}
