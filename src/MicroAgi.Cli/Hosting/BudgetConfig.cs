using System.Globalization;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// <c>budget:</c> in microagi.yaml: the most a session (<c>session_usd</c>, also <c>--max-budget-usd</c>) or one
/// turn (<c>turn_usd</c>) may spend on models, in US dollars.
/// </summary>
internal sealed class BudgetConfig
{
    public decimal? SessionUsd { get; set; }
    public decimal? TurnUsd { get; set; }

    public string? Problem() => UsdProblem("budget.session_usd", SessionUsd) ?? UsdProblem("budget.turn_usd", TurnUsd);

    /// <returns>What is wrong with an amount of dollars, or null when it is absent or fine.</returns>
    public static string? UsdProblem(string name, decimal? value) =>
        value is { } usd && usd <= 0
            ? $"{name} must be an amount of US dollars above 0 (e.g. 0.50), not {usd.ToString(CultureInfo.InvariantCulture)}"
            : null;
}
