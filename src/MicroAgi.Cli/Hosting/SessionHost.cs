using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Sessions;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Usage;
using MicroAgi.Mcp.Client;
using MicroAgi.Lua.Modules;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Everything one interactive session runs on, built from the command line, microagi.yaml and the
/// environment: registry, tool runtime, model clients, cost meter, transcript, the agent session, and its
/// log and telemetry (docs/observability.md).
/// </summary>
internal sealed class SessionHost : IAsyncDisposable
{
    private readonly EntryRegistry _registry;
    private readonly McpAgentTools _mcp;
    private readonly ToolHost _tools;
    private readonly ChatClientPool _clients;
    private readonly JsonlTranscript _transcript;
    private readonly ILoggerFactory _logging;
    private readonly SessionTelemetry _telemetry;
    private readonly CancellationTokenSource _stopFollowing = new();
    private readonly Task _following;

    private SessionHost(EntryRegistry registry, McpAgentTools mcp, ToolHost tools, ChatClientPool clients, JsonlTranscript transcript, AgentSession session, CostTracker costs, RetryNotices retries,
        SelfAuditLog selfAudit, ILoggerFactory logging, SessionTelemetry telemetry)
    {
        SelfAudit = selfAudit;
        _logging = logging;
        _telemetry = telemetry;
        Retries = retries;
        _registry = registry;
        _mcp = mcp;
        _tools = tools;
        _clients = clients;
        _transcript = transcript;
        Session = session;
        Costs = costs;
        // Versions other sessions store (here or, with PostgreSQL, on other machines) are taken in as they
        // appear, so a tool written elsewhere can be loaded at the next step, not only at the next turn.
        _following = FollowRegistryAsync(registry, _stopFollowing.Token);
    }

    private static async Task FollowRegistryAsync(EntryRegistry registry, CancellationToken cancellationToken)
    {
        try
        {
            await registry.FollowAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RegistryStoreException)
        {
            // The store went away: the session goes on with what it has; each turn refreshes (and reports) again.
        }
    }

    public AgentSession Session { get; }
    public CostTracker Costs { get; }

    /// <summary>The registry the session runs on (the REPL's /history and /undo read and roll it back).</summary>
    public EntryRegistry Registry => _registry;

    /// <summary>What the agent runs on: models, tools, settings (the REPL's /model and /compact use them).</summary>
    public required AgentServices Services { get; init; }

    /// <summary>Which models a configured provider can run.</summary>
    public ChatClientPool Clients => _clients;

    /// <summary>Where saved sessions are (one .jsonl transcript each).</summary>
    public required string SessionsDirectory { get; init; }

    /// <summary>Whether the agent has the self tool (tools.self_evolution).</summary>
    public bool SelfEvolution { get; init; }

    /// <summary>The budget in force: the session's (--max-budget-usd or budget.session_usd) and one turn's.</summary>
    public (decimal? SessionUsd, decimal? TurnUsd) Budget { get; init; }

    /// <summary>How the REPL shows answers and tool calls (<c>terminal:</c> in microagi.yaml).</summary>
    public TerminalConfig Terminal { get; init; } = new();

    /// <summary>Raised when a provider request is retried (rate limit, server error), so the user sees why a turn waits.</summary>
    public RetryNotices Retries { get; }
    public string TranscriptId => _transcript.Id;

    /// <summary>Why commands run unconfined (no usable bubblewrap), for a warning at start; null when they are sandboxed.</summary>
    public string? SandboxWarning => _tools.Machine?.Shell.Sandbox.Warning;

    /// <summary>Names in the profile's tool policy that match no tool or group (a typo), for a warning at start.</summary>
    public IReadOnlyList<string> ToolPolicyProblems { get; private init; } = [];

    /// <summary>Tools the resumed conversation had loaded that the agent may no longer load, and why.</summary>
    public IReadOnlyList<string> RefusedTools { get; private init; } = [];

    /// <summary>Raised for every action of the self tool (when it is on), so the terminal can show it.</summary>
    public SelfAuditLog SelfAudit { get; }

    /// <summary>Saves what a finished turn spent in the transcript, for <c>microagi sessions list</c>.</summary>
    public void RecordTurn(UsageReport usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        _transcript.AppendRecord(new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = Repl.SessionSummary.TurnRecord,
            ["cost_usd"] = usage.Cost,
            ["input_tokens"] = usage.Tokens.Input,
            ["output_tokens"] = usage.Tokens.Output,
            ["requests"] = usage.Requests,
        });
    }

    /// <summary>Takes in registry versions other processes stored (tools another session created).</summary>
    public Task RefreshRegistryAsync(CancellationToken cancellationToken) => _registry.RefreshAsync(cancellationToken);

    /// <param name="stderr">Where <c>--verbose</c> logs.</param>
    public static async Task<SessionHost> StartAsync(HostSettings host, RunSettings run, TextWriter stderr, CancellationToken cancellationToken)
    {
        var config = MicroAgiConfig.For(host, run.ConfigFile);
        var profile = ProfileSetup.Open(host, run.Profile);
        ProfileSetup.Apply(profile, config);
        var retries = new RetryNotices();
        var providers = ProfileSetup.Providers(profile, LlmSetup.Providers(config, run.BaseUrl, Environment.GetEnvironmentVariable, retries));
        // A head start for the provider code of the first requests and the first tool step, the default provider's
        // kind first, while the registry opens (it holds nothing to dispose: not awaited).
        var kinds = providers.Select(p => p.Kind).ToList();
        _ = Task.Run(() => ModelStepWarmUp.RunAsync(kinds), CancellationToken.None);

        var logging = SessionLogging.Create(run.Verbose, Environment.GetEnvironmentVariable(SessionLogging.LevelVariable), host.StateDirectory, stderr);
        var telemetry = SessionTelemetry.FromEnvironment(Environment.GetEnvironmentVariable);
        EntryRegistry registry;
        try
        {
            registry = await RegistryHost.OpenAsync(host, cancellationToken, config.Registry.Store).ConfigureAwait(false);
        }
        catch
        {
            telemetry.Dispose();
            logging.Dispose();
            throw;
        }
        // The agent reads the registry with the tools of the MCP servers it grants (docs/mcp.md).
        var mcp = new McpAgentTools(registry, Path.Combine(host.StateDirectory, "mcp-media"), Environment.GetEnvironmentVariable, config.Mcp.Allowlist());
        ToolHost? tools = null;
        ChatClientPool? clients = null;
        JsonlTranscript? transcript = null;
        try
        {
            var machine = MachineSetup.Create(config, host, MachineSetup.Mode(run.Approval, config), run.ApprovalPrompt, profile);
            tools = ToolHost.Create(mcp.Registry, SandboxOptions.From(config.Sandbox), remoteDocs: config.Docs, machine: machine, moreKinds: [mcp.Kind]);
            tools.StartWarmUp();
            clients = new ChatClientPool(new ChatClientFactory(providers, logging));
            var agentId = EntryId.Parse(run.Agent ?? config.Agent ?? "app:dev_assistant");
            var agentEntry = registry.Get(agentId)
                ?? throw new AgentDefinitionException(agentId, "not found in the registry (see 'microagi registry list --type agent.gen1')");
            var definition = AgentDefinition.FromEntry(agentEntry);
            // The command line's rules come after the profile's: each can only narrow what the ones before allow.
            var toolPolicy = run.ToolRules.Aggregate(profile?.Tools ?? Agents.Policy.ToolPolicy.Open, (policy, rules) => policy.Narrowed(rules));
            // Before any server runs: one whose tools the policy removes whatever they are called is never started.
            // (Its names are checked, and reported, once the servers' tools are known, below.)
            var startPolicy = toolPolicy.Compile(Agents.Policy.ToolCatalog.FromRegistry(registry.Snapshot()));
            foreach (var problem in await mcp.DiscoverForAsync(definition, startPolicy, cancellationToken).ConfigureAwait(false)) stderr.WriteLine("warning: " + problem);
            var addMcpServer = new AddMcpServerTool(new McpServerWriter(registry, new AgentWritePolicy(tools.Scopes), config.Mcp.Allowlist()), mcp,
                server => McpAgentTools.Uses(definition, startPolicy, server));
            tools.Natives.Register(AddMcpServerTool.HandlerName, addMcpServer.InvokeAsync);
            var explicitModel = run.Model ?? NonEmpty(Environment.GetEnvironmentVariable("MICROAGI_MODEL")) ?? config.Model;
            var catalog = ModelCatalog.FromRegistry(registry);
            var (modelOverride, compression) = ModelChoice.Choose(catalog, clients, explicitModel, definition.Model, config.CompressionModel);
            if (explicitModel is null && (modelOverride ?? definition.Model) is { } chosen && catalog.Resolve(chosen) is var model
                && clients.SettingsFor(model) is { } provider
                && await ServerModels.ChooseAsync(provider, model, cancellationToken).ConfigureAwait(false) is { } served)
            {
                (modelOverride, compression) = ModelChoice.Choose(catalog, clients, served, definition.Model, config.CompressionModel);
            }

            var settings = new AgentSettings
            {
                ModelOverride = modelOverride,
                CompressionModel = compression,
                Stream = run.Stream,
                MaxIterations = config.Loop.MaxIterations ?? 20,
                CompressionThreshold = config.Loop.CompressionThreshold ?? 0.75,
                CompressionTargetCharacters = config.Loop.CompressionTargetChars ?? 4000,
                ToolTimeout = TimeSpan.FromSeconds(config.Tools.TimeoutSeconds ?? 60),
            };
            var policyProblems = ToolPolicySetup.Compile(toolPolicy, Agents.Policy.ToolCatalog.FromRegistry(mcp.Registry.Snapshot(), unlisted: mcp.Families())).Problems;
            settings = settings with { ToolPolicy = toolPolicy };
            // self is granted through app.tools:* like the others, and offered only when the user turned it on.
            if (config.Tools.SelfEvolution) settings = settings with { DisabledTools = new HashSet<EntryId>() };
            var costs = new CostTracker();
            var pool = clients;
            var services = new AgentServices(mcp.Registry, tools.Functions, pool.For, costs, settings) { ProviderOf = pool.ProviderOf, PromptContext = ProfileContext(profile, machine), Approval = machine.Approval, Changes = machine.Changes, Logging = logging };

            var sessions = Path.Combine(host.StateDirectory, "sessions");
            IReadOnlyList<ChatMessage> history = [];
            if (run.Resume is { } resume) (transcript, history) = JsonlTranscript.Resume(sessions, Repl.SessionSummary.Resolve(sessions, resume));
            else transcript = JsonlTranscript.Create(sessions);

            // What this session's agent writes (create_tool, self) is recorded as its, in this session, in history.
            registry.Author = VersionAuthor.OfProcess(transcript.Id) with { Agent = agentId.ToString() };
            var context = new AgentContext(services, agentId);
            var refusedTools = ResumedTools.Restore(context, history);
            var session = new AgentSession(services, context, new Conversation(transcript, history));
            tools.PrepareInBackground([.. session.Runner.Tools.Select(t => t.Tool.Id)]);
            machine.Subagents.Attach(services, session.Context);
            (decimal? SessionUsd, decimal? TurnUsd) budget = (run.MaxBudgetUsd ?? config.Budget.SessionUsd, config.Budget.TurnUsd);
            session.AddGuard(new Repl.BudgetGuard(costs, budget.SessionUsd, budget.TurnUsd));
            var selfAudit = new SelfAuditLog(transcript);
            if (config.Tools.SelfEvolution) SelfSetup.Attach(session, services, tools, host, transcript, selfAudit, providers, machine);
            return new SessionHost(registry, mcp, tools, clients, transcript, session, costs, retries, selfAudit, logging, telemetry)
            {
                RefusedTools = refusedTools,
                Services = services,
                SessionsDirectory = sessions,
                SelfEvolution = config.Tools.SelfEvolution,
                Budget = budget,
                Terminal = config.Terminal,
                ToolPolicyProblems = policyProblems,
            };
        }
        catch
        {
            transcript?.Dispose();
            clients?.Dispose();
            tools?.Dispose();
            await mcp.DisposeAsync().ConfigureAwait(false);
            await registry.DisposeAsync().ConfigureAwait(false);
            telemetry.Dispose();
            logging.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopFollowing.CancelAsync().ConfigureAwait(false);
        await _following.ConfigureAwait(false);
        _stopFollowing.Dispose();
        _transcript.Dispose();
        _clients.Dispose();
        _tools.Dispose();
        await _mcp.DisposeAsync().ConfigureAwait(false);
        await _registry.DisposeAsync().ConfigureAwait(false);
        // Last: flushes the spans of the whole session, and the log's final lines.
        _telemetry.Dispose();
        _logging.Dispose();
    }

    /// <summary>The profile's files and memory, read again at every load of the agent (what it wrote down is known next session).</summary>
    private static Func<string?> ProfileContext(Agents.Profiles.AgentProfile? profile, Agents.Tools.MachineAccess machine) =>
        profile is null ? () => null : () => new Agents.Profiles.ProfilePrompt(profile, machine.Workspace.FullPath).Build();

    /// <summary>An exported but empty variable (<c>MICROAGI_MODEL=</c>) means "not set", as in most tools.</summary>
    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

}

/// <summary>What the run command was asked for.</summary>
/// <param name="TurnTimeout">How long one turn may take in all (--timeout); null for no limit.</param>
internal sealed record RunSettings(string? Agent, string? Model, string? BaseUrl, bool Stream, string? ConfigFile, string? Resume, TimeSpan? TurnTimeout = null, bool Verbose = false)
{
    /// <summary>--raw: answers as the model wrote them, never rendered as markdown.</summary>
    public bool Raw { get; init; }

    /// <summary>--approval: ask, auto-edit or full-auto (else the configuration's, else ask).</summary>
    public string? Approval { get; init; }

    /// <summary>--max-budget-usd: the most the session may spend, over the configuration's budget.session_usd.</summary>
    public decimal? MaxBudgetUsd { get; init; }

    /// <summary>--profile: the profile to run with (default: the default profile).</summary>
    public string? Profile { get; init; }

    /// <summary>--tools-allow and --tools-deny: global rule sets that narrow the profile's tool policy.</summary>
    public IReadOnlyList<Agents.Policy.ToolRules> ToolRules { get; init; } = [];

    /// <summary>Who is asked before a change; null where nobody can be (then ask refuses).</summary>
    public Agents.Approval.IApprovalPrompt? ApprovalPrompt { get; init; }
}
