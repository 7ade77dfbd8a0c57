namespace MicroAgi.Llm.Models;

/// <summary>
/// Prices in US dollars per million tokens. Cached input tokens cost <see cref="CachedInputPerMillion"/>
/// when it is set, else the full input price (a conservative estimate: providers charge less, never more).
/// </summary>
public sealed record ModelPricing(decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion = null)
{
    /// <summary>No price known (models that are not in the registry, local servers): costs count as zero and
    /// are reported as unknown.</summary>
    public static ModelPricing Unknown { get; } = new(0, 0) { IsKnown = false };

    public bool IsKnown { get; init; } = true;
}
