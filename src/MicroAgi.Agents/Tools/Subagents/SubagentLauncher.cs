using System.Collections.Concurrent;
using System.Globalization;
using MicroAgi.Agents.Runtime;
using MicroAgi.Llm.Usage;

namespace MicroAgi.Agents.Tools.Subagents;

/// <summary>Limits of sessions_spawn (<c>tools.subagents</c> in microagi.yaml).</summary>
public sealed record SubagentOptions
{
    /// <summary>Children that may run at once; a further spawn waits for a free slot (within its timeout).</summary>
    public int MaxConcurrent { get; init; } = 3;

    /// <summary>A child's time when the call names none. The parent's tool timeout bounds it too.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The most a call may ask for.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>A child agent running now, as the parent (and <c>self</c>) sees it.</summary>
public sealed record RunningSubagent(string Id, string Task, DateTimeOffset Started);

/// <summary>
/// Runs child agents for sessions_spawn. A child is the parent's agent with a fresh conversation: the
/// same definition, model, working directory, approval gate and limits, and the tools the parent can
/// call minus sessions_spawn (narrowed further when the call names tools). It is cancelled with the
/// parent's turn, stopped at its timeout, and its answer and cost go back to the parent, whose cost
/// meter includes them. The session attaches itself once its agent exists.
/// </summary>
public sealed class SubagentLauncher(SubagentOptions options)
{
    public const string ToolName = "sessions_spawn";

    private readonly SemaphoreSlim _slots = new(options.MaxConcurrent, options.MaxConcurrent);
    private readonly ConcurrentDictionary<string, (RunningSubagent Info, CancellationTokenSource Stop)> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _cancelled = new(StringComparer.Ordinal);
    private AgentServices? _services;
    private AgentContext? _parent;
    private int _next;

    public SubagentOptions Options { get; } = options;

    /// <summary>Binds the launcher to the session whose agent spawns children.</summary>
    public void Attach(AgentServices services, AgentContext parent)
    {
        _services = services;
        _parent = parent;
    }

    public IReadOnlyList<RunningSubagent> Running => _running.Values.Select(r => r.Info).OrderBy(r => r.Started).ToList();

    /// <summary>Cancels a running child; false when there is none by that id.</summary>
    public bool Cancel(string id)
    {
        if (!_running.TryGetValue(id, out var child)) return false;
        _cancelled[id] = true;
        child.Stop.Cancel();
        return true;
    }

    /// <summary>The outcome of one child: its answer and cost, or why it has none.</summary>
    public sealed record Outcome(string Id, TurnResult? Result, string? Error);

    /// <returns>The child's result, or an error the parent's model reads.</returns>
    public async Task<Outcome> RunAsync(string task, IReadOnlyList<string>? tools, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_services is null || _parent is null) return new Outcome("", null, "sessions_spawn works only inside an agent session (microagi run)");
        var parentRunner = _parent.LoadAgent();
        var parentTools = parentRunner.AllTools.Select(t => t.Name).Where(n => n != ToolName).ToHashSet(StringComparer.Ordinal);
        if (tools is not null)
        {
            var refused = tools.Where(t => !parentTools.Contains(t)).ToList();
            if (refused.Count > 0)
                return new Outcome("", null, $"a subagent can use only tools this agent has (and never {ToolName}); not available: {string.Join(", ", refused)}");
            parentTools.IntersectWith(tools);
        }

        var id = "s" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);
        try
        {
            await _slots.WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(id, null, $"no free subagent slot within {timeout.TotalSeconds:0} s ({Options.MaxConcurrent} already running)");
        }
        _running[id] = (new RunningSubagent(id, task, DateTimeOffset.UtcNow), stop);
        var costs = new CostTracker();
        try
        {
            var services = _services.ForChild(costs);
            var allowed = parentTools;
            // The tool policy's subagent layer: never sessions_spawn or the configured extras, nothing the parent is not offered.
            var context = new AgentContext(services, _parent.AgentId)
            {
                ToolFilter = function => allowed.Contains(function.Name),
                ParentTools = parentRunner.AllTools.Select(t => t.Tool.Id).ToHashSet(),
            };
            context.AddTools(_parent.AddedTools);
            var session = new AgentSession(services, context, new Conversation());
            var result = await session.RunTurnAsync(task, SilentObserver.Instance, stop.Token).ConfigureAwait(false);
            return new Outcome(id, result, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(id, null, _cancelled.TryRemove(id, out _)
                ? "the subagent was cancelled by its parent"
                : $"the subagent did not finish within {timeout.TotalSeconds:0} s and was stopped; give it a smaller task or a longer timeout");
        }
        finally
        {
            _running.TryRemove(id, out _);
            _slots.Release();
            foreach (var (model, spent) in costs.SessionByModel) _services.Costs.Include(model, spent);
        }
    }
}
