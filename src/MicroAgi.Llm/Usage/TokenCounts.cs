using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Usage;

/// <summary>
/// Token counts of one or more requests. <see cref="Input"/> includes the <see cref="CachedInput"/> tokens
/// and <see cref="Output"/> the <see cref="Reasoning"/> tokens (OpenAI's convention, which both providers'
/// clients report in).
/// </summary>
public readonly record struct TokenCounts(long Input, long Output, long CachedInput = 0, long Reasoning = 0)
{
    public long Total => Input + Output;

    public static TokenCounts Zero => default;

    /// <summary>The counts a response reported; absent counts are zero.</summary>
    public static TokenCounts From(UsageDetails? usage) => usage is null
        ? default
        : new TokenCounts(
            usage.InputTokenCount ?? 0,
            usage.OutputTokenCount ?? 0,
            usage.CachedInputTokenCount ?? 0,
            usage.ReasoningTokenCount ?? 0);

    public static TokenCounts operator +(TokenCounts left, TokenCounts right) => left.Add(right);

    public TokenCounts Add(TokenCounts other) =>
        new(Input + other.Input, Output + other.Output, CachedInput + other.CachedInput, Reasoning + other.Reasoning);
}
