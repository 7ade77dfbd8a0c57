using System.Globalization;
using System.Text;
using MicroAgi.Llm.Models;

namespace MicroAgi.Llm.Usage;

/// <summary>
/// Tokens and money spent over some requests (a turn, a session). <see cref="CostIsComplete"/> is false when
/// some of the tokens were spent on a model without a known price; <see cref="Cost"/> then covers only the
/// priced ones.
/// </summary>
public sealed record UsageReport(TokenCounts Tokens, decimal Cost, bool CostIsComplete, int Requests)
{
    public static UsageReport Empty { get; } = new(TokenCounts.Zero, 0m, CostIsComplete: true, Requests: 0);

    /// <summary>The report of one request on a model with this price.</summary>
    public static UsageReport ForRequest(TokenCounts tokens, ModelPricing pricing)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        return new UsageReport(tokens, CostOf(tokens, pricing), pricing.IsKnown || tokens.Total == 0, 1);
    }

    /// <summary>
    /// Dollars for these tokens: uncached input at the input price, cached input at the cached price (the input
    /// price when none is given), output — reasoning included — at the output price.
    /// </summary>
    public static decimal CostOf(TokenCounts tokens, ModelPricing pricing)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        const decimal PerMillion = 1_000_000m;
        var cached = Math.Min(tokens.CachedInput, tokens.Input);
        var uncached = tokens.Input - cached;
        return (uncached * pricing.InputPerMillion
                + cached * (pricing.CachedInputPerMillion ?? pricing.InputPerMillion)
                + tokens.Output * pricing.OutputPerMillion) / PerMillion;
    }

    public UsageReport Add(UsageReport other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new UsageReport(Tokens + other.Tokens, Cost + other.Cost, CostIsComplete && other.CostIsComplete, Requests + other.Requests);
    }

    /// <summary>One line for the user, e.g. <c>1,234 in (1,000 cached) · 56 out (12 reasoning) · $0.0042</c>.</summary>
    public string Describe()
    {
        var text = new StringBuilder()
            .Append(Count(Tokens.Input)).Append(" in");
        if (Tokens.CachedInput > 0) text.Append(" (").Append(Count(Tokens.CachedInput)).Append(" cached)");
        text.Append(" · ").Append(Count(Tokens.Output)).Append(" out");
        if (Tokens.Reasoning > 0) text.Append(" (").Append(Count(Tokens.Reasoning)).Append(" reasoning)");
        text.Append(" · ");
        if (!CostIsComplete && Cost == 0) text.Append("cost unknown");
        else text.Append(Money(Cost)).Append(CostIsComplete ? "" : " + unpriced");
        return text.ToString();
    }

    public override string ToString() => Describe();

    private static string Count(long tokens) => tokens.ToString("N0", CultureInfo.InvariantCulture);

    private static string Money(decimal dollars) =>
        dollars == 0 ? "$0" : dollars < 0.01m
            ? "$" + dollars.ToString("0.####", CultureInfo.InvariantCulture)
            : "$" + dollars.ToString("0.00", CultureInfo.InvariantCulture);
}
