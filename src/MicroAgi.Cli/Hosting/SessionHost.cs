using Microsoft.Extensions.AI;
using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Sessions;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Usage;
using MicroAgi.Lua.Modules;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Everything one interactive session runs on, built from the command line, microagi.yaml and the
/// environment: registry, tool runtime, model clients, cost meter, transcript and the agent session.
/// </summary>
internal sealed class SessionHost : IAsyncDisposable
{
    private readonly EntryRegistry _registry;
    private readonly ToolHost _tools;
    private readonly ChatClientPool _clients;
    private readonly JsonlTranscript _transcript;

    private SessionHost(EntryRegistry registry, ToolHost tools, ChatClientPool clients, JsonlTranscript transcript, AgentSession session, CostTracker costs, RetryNotices retries, SelfAuditLog selfAudit)
    {
        SelfAudit = selfAudit;
        Retries = retries;
        _registry = registry;
        _tools = tools;
        _clients = clients;
        _transcript = transcript;
        Session = session;
        Costs = costs;
    }

    public AgentSession Session { get; }
    public CostTracker Costs { get; }

    /// <summary>Raised when a provider request is retried (rate limit, server error), so the user sees why a turn waits.</summary>
    public RetryNotices Retries { get; }
    public string TranscriptId => _transcript.Id;

    /// <summary>Tools the resumed conversation had loaded that the agent may no longer load, and why.</summary>
    public IReadOnlyList<string> RefusedTools { get; private init; } = [];

    /// <summary>Raised for every action of the self tool (when it is on), so the terminal can show it.</summary>
    public SelfAuditLog SelfAudit { get; }

    /// <summary>Takes in registry versions other processes stored (tools another session created).</summary>
    public Task RefreshRegistryAsync(CancellationToken cancellationToken) => _registry.RefreshAsync(cancellationToken);

    public static async Task<SessionHost> StartAsync(HostSettings host, RunSettings run, CancellationToken cancellationToken)
    {
        var config = MicroAgiConfig.For(host, run.ConfigFile);
        var retries = new RetryNotices();
        var providers = LlmSetup.Providers(config, run.BaseUrl, Environment.GetEnvironmentVariable, retries);

        var registry = await RegistryHost.OpenAsync(host, cancellationToken).ConfigureAwait(false);
        ToolHost? tools = null;
        ChatClientPool? clients = null;
        JsonlTranscript? transcript = null;
        try
        {
            tools = ToolHost.Create(registry, SandboxOptions.From(config.Sandbox), remoteDocs: config.Docs);
            clients = new ChatClientPool(new ChatClientFactory(providers));
            var agentId = EntryId.Parse(run.Agent ?? config.Agent ?? "app:dev_assistant");
            var agentEntry = registry.Get(agentId)
                ?? throw new AgentDefinitionException(agentId, "not found in the registry (see 'microagi registry list --type agent.gen1')");
            var definition = AgentDefinition.FromEntry(agentEntry);
            var explicitModel = run.Model ?? NonEmpty(Environment.GetEnvironmentVariable("MICROAGI_MODEL")) ?? config.Model;
            var (modelOverride, compression) = ModelChoice.Choose(ModelCatalog.FromRegistry(registry), clients, explicitModel, definition.Model, config.CompressionModel);

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
            // self is granted through app.tools:* like the others, and offered only when the user turned it on.
            if (config.Tools.SelfEvolution) settings = settings with { DisabledTools = new HashSet<EntryId>() };
            var costs = new CostTracker();
            var pool = clients;
            var services = new AgentServices(registry, tools.Functions, pool.For, costs, settings);

            var sessions = Path.Combine(host.StateDirectory, "sessions");
            IReadOnlyList<ChatMessage> history = [];
            if (run.Resume is { } resume) (transcript, history) = JsonlTranscript.Resume(sessions, resume.Length == 0 ? null : resume);
            else transcript = JsonlTranscript.Create(sessions);

            var context = new AgentContext(services, agentId);
            var refusedTools = ResumedTools.Restore(context, history);
            var session = new AgentSession(services, context, new Conversation(transcript, history));
            var selfAudit = new SelfAuditLog(transcript);
            if (config.Tools.SelfEvolution) SelfSetup.Attach(session, services, tools, host, transcript, selfAudit, providers);
            return new SessionHost(registry, tools, clients, transcript, session, costs, retries, selfAudit) { RefusedTools = refusedTools };
        }
        catch
        {
            transcript?.Dispose();
            clients?.Dispose();
            tools?.Dispose();
            await registry.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _transcript.Dispose();
        _clients.Dispose();
        _tools.Dispose();
        await _registry.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>An exported but empty variable (<c>MICROAGI_MODEL=</c>) means "not set", as in most tools.</summary>
    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

}

/// <summary>What the run command was asked for.</summary>
/// <param name="TurnTimeout">How long one turn may take in all (--timeout); null for no limit.</param>
internal sealed record RunSettings(string? Agent, string? Model, string? BaseUrl, bool Stream, string? ConfigFile, string? Resume, TimeSpan? TurnTimeout = null);
