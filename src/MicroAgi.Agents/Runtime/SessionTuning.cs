using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// The settings of one session that may change while it runs (the <c>self</c> tool changes them). The loop
/// reads them before every step, so a change applies from the next step. A null override means "as
/// configured". <see cref="Version"/> moves whenever the runner must be rebuilt (model, generation settings,
/// tool set, window).
/// </summary>
public sealed class SessionTuning(int maxIterations)
{
    private readonly HashSet<EntryId> _unregistered = [];
    private string? _model;
    private int? _contextWindowTokens;
    private double? _temperature;
    private int? _thinkingEffort;

    /// <summary>Model steps one user turn may take; read before every step.</summary>
    public int MaxIterations { get; set; } = maxIterations;

    /// <summary>The window the compression threshold is measured against; null: the model's own.</summary>
    public int? ContextWindowTokens { get => _contextWindowTokens; set => Change(ref _contextWindowTokens, value); }

    /// <summary>A model name or class that replaces the configured one; null: as configured.</summary>
    public string? Model { get => _model; set => Change(ref _model, value); }

    public double? Temperature { get => _temperature; set => Change(ref _temperature, value); }

    public int? ThinkingEffort { get => _thinkingEffort; set => Change(ref _thinkingEffort, value); }

    /// <summary>Tools taken out of the agent for this session (they come back with <see cref="Reregister"/>).</summary>
    public IReadOnlyCollection<EntryId> UnregisteredTools => _unregistered;

    /// <summary>Changes each time something the runner is built from changes.</summary>
    public int Version { get; private set; }

    public bool Unregister(EntryId id) => Bump(_unregistered.Add(id));

    public bool Reregister(EntryId id) => Bump(_unregistered.Remove(id));

    public bool IsUnregistered(EntryId id) => _unregistered.Contains(id);

    private void Change<T>(ref T field, T value)
    {
        if (EqualityComparer<T>.Default.Equals(field, value)) return;
        field = value;
        Version++;
    }

    private bool Bump(bool changed)
    {
        if (changed) Version++;
        return changed;
    }
}

/// <summary>Runs before every model step of a session (the self tool's watchdog is one).</summary>
public interface IStepGuard
{
    void BeforeStep(AgentSession session, IAgentObserver observer);
}
