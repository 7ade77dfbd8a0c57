using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Usage;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>How a session behaves; the defaults follow the seed.</summary>
public sealed record AgentSettings
{
    /// <summary>Model steps allowed in one user turn before the turn stops and says so.</summary>
    public int MaxIterations { get; init; } = 20;

    /// <summary>Compress when the reported prompt tokens exceed this share of the model's window.</summary>
    public double CompressionThreshold { get; init; } = 0.75;

    /// <summary>The size, in characters, the summary is compressed to.</summary>
    public int CompressionTargetCharacters { get; init; } = 4000;

    /// <summary>The model (name or class) that compresses; the cheap one.</summary>
    public string CompressionModel { get; init; } = "fast";

    /// <summary>The model (name or class) used when neither the agent nor the user names one.</summary>
    public string DefaultModel { get; init; } = "reasoning";

    /// <summary>A model (name, class or provider model) that replaces the agent's own choice (--model).</summary>
    public string? ModelOverride { get; init; }

    /// <summary>Whether to ask for streamed responses (--no-stream turns it off).</summary>
    public bool Stream { get; init; } = true;

    /// <summary>The longest one tool call may take; Lua tools also have their own sandbox deadline.</summary>
    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Tools never offered although the agent lists them: <c>self</c> until <c>tools.self_evolution</c> turns it on.</summary>
    public IReadOnlySet<EntryId> DisabledTools { get; init; } = new HashSet<EntryId> { SelfToolId };

    /// <summary>Which tools the agent is offered, and may call: global, per-provider and subagent rules (docs/policy.md).</summary>
    public Policy.ToolPolicy ToolPolicy { get; init; } = Policy.ToolPolicy.Open;

    /// <summary>The entry of the <c>self</c> tool (off by default, see <see cref="DisabledTools"/>).</summary>
    public static EntryId SelfToolId { get; } = new("app.tools", "self");
}

/// <summary>Everything an agent session runs on: the registry, the tools, the models and the meter.</summary>
public sealed class AgentServices(
    IRegistry registry,
    IFunctionCaller tools,
    Func<ModelDefinition, IChatClient> chatClientFor,
    CostTracker costs,
    AgentSettings? settings = null)
{
    public IRegistry Registry { get; } = registry;
    public IFunctionCaller Tools { get; } = tools;
    public CostTracker Costs { get; } = costs;
    public AgentSettings Settings { get; } = settings ?? new AgentSettings();

    /// <summary>
    /// The provider a model runs on (its configured id, else <c>openai</c>/<c>anthropic</c>), which the tool policy's
    /// <c>byProvider</c> rules are matched against; null when it cannot be told.
    /// </summary>
    public Func<ModelDefinition, string?> ProviderOf { get; init; } = _ => null;

    /// <summary>
    /// Text added to the agent's system prompt, read at every load of the agent: the profile's files and memory
    /// (<see cref="Profiles.ProfilePrompt"/>); null for none.
    /// </summary>
    public Func<string?> PromptContext { get; init; } = () => null;

    /// <summary>
    /// Who decides a call of an approval-required tool (a generated tool's first run, a file change, a command):
    /// the session's gate, which subagents share. Everything goes ahead when none is given (a library host, tests).
    /// </summary>
    public Approval.ApprovalGate Approval { get; init; } = MicroAgi.Agents.Approval.ApprovalGate.AllowAll;

    /// <summary>
    /// What a call of a built-in tool that changes the machine would do (the path and diff, the command), shown
    /// when the gate asks; the session's machine (<c>MachineAccess.Changes</c>). Without one the call's arguments are shown.
    /// </summary>
    public Approval.IChangePreview? Changes { get; init; }

    /// <summary>Where the loop logs its turns, steps and tool calls (<see cref="AgentLog"/>); nowhere by default.</summary>
    public ILoggerFactory Logging { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// The services of a subagent: everything the parent runs on — its approval gate and change preview included, so a
    /// child asks the parent's user and honours the parent's "always" answers — with its own meter.
    /// </summary>
    public AgentServices ForChild(CostTracker childCosts) =>
        new(Registry, Tools, chatClientFor, childCosts, Settings)
        {
            ProviderOf = ProviderOf,
            PromptContext = PromptContext,
            Approval = Approval,
            Changes = Changes,
            Logging = Logging,
        };

    /// <summary>The chat client for a model; the caller owns caching and disposal.</summary>
    public IChatClient ChatClientFor(ModelDefinition model) => chatClientFor(model);

    /// <summary>The model catalogue as the registry holds it now (models are entries too).</summary>
    public ModelCatalog Models() => ModelCatalog.FromRegistry(Registry);
}
