using MicroAgi.Llm.Models;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Usage;

/// <summary>
/// Sums tokens and money per turn and per session, and per model over the session. Record every response's
/// usage (the compression model's too); call <see cref="EndTurn"/> when a user turn is over. Thread-safe.
/// </summary>
public sealed class CostTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UsageReport> _byModel = new(StringComparer.OrdinalIgnoreCase);
    private UsageReport _turn = UsageReport.Empty;
    private UsageReport _session = UsageReport.Empty;
    private UsageReport _lastTurn = UsageReport.Empty;

    /// <summary>What the most recently finished turn spent (empty before the first one ends).</summary>
    public UsageReport LastTurn
    {
        get
        {
            lock (_lock) return _lastTurn;
        }
    }

    /// <summary>What the current (unfinished) turn has spent so far.</summary>
    public UsageReport CurrentTurn
    {
        get
        {
            lock (_lock) return _turn;
        }
    }

    /// <summary>What the whole session has spent, the current turn included.</summary>
    public UsageReport Session
    {
        get
        {
            lock (_lock) return _session;
        }
    }

    /// <summary>The session's spending per model name.</summary>
    public IReadOnlyDictionary<string, UsageReport> SessionByModel
    {
        get
        {
            lock (_lock) return new Dictionary<string, UsageReport>(_byModel, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Adds one response's usage (null when the server reported none: the request is still counted).</summary>
    /// <returns>The report of this request alone.</returns>
    public UsageReport Record(ModelDefinition model, UsageDetails? usage)
    {
        ArgumentNullException.ThrowIfNull(model);
        var request = UsageReport.ForRequest(TokenCounts.From(usage), model.Pricing);
        lock (_lock)
        {
            _turn = _turn.Add(request);
            _session = _session.Add(request);
            _byModel[model.Name] = _byModel.TryGetValue(model.Name, out var earlier) ? earlier.Add(request) : request;
        }
        return request;
    }

    /// <summary>Closes the current turn and starts the next one.</summary>
    /// <returns>What the closed turn spent.</returns>
    public UsageReport EndTurn()
    {
        lock (_lock)
        {
            var finished = _turn;
            _turn = UsageReport.Empty;
            _lastTurn = finished;
            return finished;
        }
    }
}
