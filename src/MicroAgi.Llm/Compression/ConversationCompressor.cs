using MicroAgi.Llm.Errors;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Compression;

/// <summary>
/// Shrinks text (a conversation transcript, usually) to a target size with a cheap model. Text that fits in
/// one chunk is summarised in one call. Longer text is cut into chunks at paragraph or line boundaries; each
/// chunk is summarised to its share of the target (at most a quarter of a chunk, so every round at least
/// halves the text), the summaries are joined, and the rounds repeat until the text fits one chunk; a final
/// call merges it to the target. The number of calls is computed before the first one is made and must not
/// exceed <see cref="CompressionOptions.MaxCalls"/>. The result is never longer than the target: a model that
/// overshoots is cut at a word boundary.
/// </summary>
public sealed class ConversationCompressor
{
    private const string Instructions =
        "You compress conversation transcripts into notes an AI assistant will continue from. Keep every fact, "
        + "decision, name, number, identifier, file path, tool name and tool result, error, and the user's latest "
        + "request and any open question. Drop greetings, filler and repetition. Write plain text without a preamble.";

    private readonly IChatClient _client;
    private readonly CompressionOptions _options;

    public ConversationCompressor(IChatClient client, CompressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new CompressionOptions();
        _options.Validate();
    }

    /// <summary>How many model calls compressing <paramref name="textLength"/> characters to
    /// <paramref name="targetCharacters"/> takes at most (0 when the text already fits).</summary>
    public int PlannedCalls(int textLength, int targetCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(textLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCharacters);
        if (textLength <= targetCharacters) return 0;
        var calls = 0;
        var length = textLength;
        while (length > _options.ChunkCharacters)
        {
            // An upper bound: the chunker may cut early at a boundary, so chunks can be a fifth shorter.
            var chunks = TextChunker.MaxPieces(length, _options.ChunkCharacters);
            calls += chunks;
            length = chunks * ChunkSummaryLimit(chunks, targetCharacters) + (chunks - 1) * Separator.Length;
        }
        return calls + 1;
    }

    /// <summary>The longest text that compresses to <paramref name="targetCharacters"/> within
    /// <see cref="CompressionOptions.MaxCalls"/> calls: what a caller must cut its text to first.</summary>
    public int MaxTextLength(int targetCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCharacters);
        // The planned calls grow with the length, so the longest length within budget is found by halving.
        int low = targetCharacters, high = int.MaxValue / 2;
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if (PlannedCalls(middle, targetCharacters) <= _options.MaxCalls) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    /// <summary>Compresses <paramref name="text"/> to at most <paramref name="targetCharacters"/> characters.</summary>
    /// <exception cref="ArgumentException">The text is so long that compressing it would take more calls than allowed.</exception>
    /// <exception cref="LlmException">The model failed or answered nothing.</exception>
    public async Task<CompressionResult> CompressAsync(string text, int targetCharacters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCharacters);
        if (string.IsNullOrWhiteSpace(text)) return new CompressionResult("", 0, new UsageDetails());
        if (text.Length <= targetCharacters) return new CompressionResult(text, 0, new UsageDetails());
        var planned = PlannedCalls(text.Length, targetCharacters);
        if (planned > _options.MaxCalls)
            throw new ArgumentException(
                $"compressing {text.Length:N0} characters to {targetCharacters:N0} would take {planned} model calls, more than the {_options.MaxCalls} allowed; "
                + "raise CompressionOptions.MaxCalls or ChunkCharacters, or compress less text", nameof(text));

        var run = new Run(this, cancellationToken);
        var current = text;
        var rounds = 0;
        while (current.Length > _options.ChunkCharacters)
        {
            var chunks = TextChunker.Split(current, _options.ChunkCharacters);
            var limit = ChunkSummaryLimit(chunks.Count, targetCharacters);
            var summaries = new List<string>(chunks.Count);
            for (var i = 0; i < chunks.Count; i++)
                summaries.Add(await run.SummariseAsync(
                    $"Summarise part {i + 1} of {chunks.Count} of a longer conversation in at most {limit} characters:\n\n{chunks[i]}",
                    limit).ConfigureAwait(false));
            current = string.Join(Separator, summaries);
            rounds++;
        }
        var prompt = rounds == 0
            ? $"Summarise this conversation in at most {targetCharacters} characters:\n\n{current}"
            : $"These are summaries of consecutive parts of one conversation, in order. Merge them into one summary of at most {targetCharacters} characters; where they disagree, keep the later state:\n\n{current}";
        var summary = await run.SummariseAsync(prompt, targetCharacters).ConfigureAwait(false);
        return new CompressionResult(summary, run.Calls, run.Usage);
    }

    private const string Separator = "\n\n";

    /// <summary>A chunk's share of the target, at least the configured minimum and at most a quarter of a chunk.</summary>
    private int ChunkSummaryLimit(int chunks, int targetCharacters) =>
        Math.Min(_options.ChunkCharacters / 4, Math.Max(_options.MinimumChunkSummary, targetCharacters / chunks));

    /// <summary>The state of one compression: calls made and usage so far.</summary>
    private sealed class Run(ConversationCompressor owner, CancellationToken cancellationToken)
    {
        public int Calls { get; private set; }
        public UsageDetails Usage { get; } = new();

        public async Task<string> SummariseAsync(string prompt, int limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Calls++;
            var options = new ChatOptions
            {
                Instructions = Instructions,
                // About 3-4 characters per token: room for the summary, but a bound on a rambling model.
                MaxOutputTokens = (limit / 2) + 64,
            };
            var response = await owner._client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], options, cancellationToken).ConfigureAwait(false);
            if (response.Usage is { } usage) Usage.Add(usage);
            var text = response.Text.Trim();
            if (text.Length == 0)
                throw new LlmException(LlmErrorKind.InvalidResponse, "the compression model answered with no text; check that the compression model can summarise (a chat model, not an embedding model)");
            return TextChunker.Truncate(text, limit);
        }
    }
}

/// <summary>A compressed text, the calls it took and the tokens they used (for cost accounting).</summary>
public sealed record CompressionResult(string Summary, int Calls, UsageDetails Usage);

/// <summary>How <see cref="ConversationCompressor"/> splits its work.</summary>
public sealed record CompressionOptions
{
    /// <summary>The most text one call summarises (about 6,000 tokens by default, which any chat model takes).</summary>
    public int ChunkCharacters { get; init; } = 24_000;

    /// <summary>The floor for a chunk's summary, however small the target.</summary>
    public int MinimumChunkSummary { get; init; } = 400;

    /// <summary>The most model calls one compression may make.</summary>
    public int MaxCalls { get; init; } = 32;

    internal void Validate()
    {
        if (MinimumChunkSummary < 1)
            throw new ArgumentOutOfRangeException(nameof(MinimumChunkSummary), MinimumChunkSummary, "a chunk summary needs at least one character");
        if (ChunkCharacters < 4 * MinimumChunkSummary)
            throw new ArgumentOutOfRangeException(nameof(ChunkCharacters), ChunkCharacters,
                $"a chunk must be at least four times the minimum chunk summary ({MinimumChunkSummary}), so that every round shrinks the text");
        if (MaxCalls < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxCalls), MaxCalls, "compression needs at least one call");
    }
}
