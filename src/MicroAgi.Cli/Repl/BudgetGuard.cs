using System.Globalization;
using MicroAgi.Agents.Runtime;
using MicroAgi.Llm.Usage;

namespace MicroAgi.Cli.Repl;

/// <summary>
/// Stops a turn before a model request once the session or the turn has spent its budget (--max-budget-usd,
/// <c>budget:</c> in microagi.yaml). The price of a request is known only from its answer, so the request that
/// crosses the line runs; none after it does.
/// </summary>
internal sealed class BudgetGuard(CostTracker costs, decimal? sessionUsd, decimal? turnUsd) : IStepGuard
{
    public void BeforeStep(AgentSession session, IAgentObserver observer)
    {
        if (sessionUsd is { } sessionLimit && costs.Session.Cost >= sessionLimit)
            throw new BudgetExceededException($"the session has spent {Usd(costs.Session.Cost)} of its {Usd(sessionLimit)} budget, so no more model requests are made "
                + "(raise --max-budget-usd or budget.session_usd in microagi.yaml, or start a new session)");
        if (turnUsd is { } turnLimit && costs.CurrentTurn.Cost >= turnLimit)
            throw new BudgetExceededException($"this turn has spent {Usd(costs.CurrentTurn.Cost)} of its {Usd(turnLimit)} budget and was stopped "
                + "(raise budget.turn_usd in microagi.yaml; ask again to continue)");
    }

    private static string Usd(decimal amount) => "$" + amount.ToString("0.00##", CultureInfo.InvariantCulture);
}

/// <summary>A turn stopped because the budget is spent; the conversation keeps the request.</summary>
internal sealed class BudgetExceededException(string message) : Exception(message);
