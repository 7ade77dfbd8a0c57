using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Self;
using MicroAgi.Agents.Sessions;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Gives a session the self tool (<c>tools: self_evolution: true</c>): attaches it, registers its handler,
/// and publishes what only the host knows — the sandbox limits and the saved sessions.
/// </summary>
internal static class SelfSetup
{
    /// <summary>Where <c>persist: true</c> snapshots live in a state directory.</summary>
    public static string SnapshotDirectory(string stateDirectory) => Path.Combine(stateDirectory, "self", "snapshots");

    public static string SessionsDirectory(string stateDirectory) => Path.Combine(stateDirectory, "sessions");

    public static SelfRuntime Attach(AgentSession session, AgentServices services, ToolHost tools, HostSettings host, JsonlTranscript transcript,
        ISelfAuditSink audit, IReadOnlyList<ProviderSettings> providers)
    {
        var self = SelfRuntime.Attach(session, services, new SelfOptions
        {
            SnapshotDirectory = host.Ephemeral ? null : SnapshotDirectory(host.StateDirectory),
            Audit = audit,
            KnownSecrets = [.. providers.Select(p => p.ApiKey), .. providers.Where(p => p.BaseUrl is not null).SelectMany(p => UrlRedactor.SecretsIn(p.BaseUrl!))],
        });
        tools.Natives.Register(SelfTool.HandlerName, self.Tool.InvokeAsync);

        var limits = tools.Runtime.Options.Limits;
        var sandbox = self.Surface.Root.Node("sandbox", "The limits every Lua tool call runs under (microagi.yaml sandbox)");
        sandbox.Add(new SurfaceProperty("memory_mb", "Memory a Lua call may hold", () => limits.MemoryBytes / (1024 * 1024)));
        sandbox.Add(new SurfaceProperty("timeout_seconds", "Wall-clock time a Lua call may take", () => limits.Timeout.TotalSeconds));
        sandbox.Add(new SurfaceProperty("max_call_depth", "Nested call frames a Lua call may reach", () => limits.MaxCallDepth));
        sandbox.Add(new SurfaceProperty("max_result_bytes", "The largest result, as JSON text", () => limits.MaxResultBytes));
        sandbox.Add(new SurfaceProperty("http_allow", "Private networks http_client may reach",
            () => new JsonArray([.. tools.Runtime.Options.Http.AllowedNetworks.Select(n => (JsonNode)n)])));

        var sessionsDirectory = SessionsDirectory(host.StateDirectory);
        var sessions = self.Surface.Root.Node("sessions", "This session and the saved ones (microagi run --resume <id>)");
        sessions.Add(new SurfaceProperty("current", "This session's id", () => transcript.Id));
        sessions.Add(new SurfaceMethod("list", "The ids of the saved sessions, newest first (at most 50)",
            () => new JsonArray([.. JsonlTranscript.SessionIds(sessionsDirectory).Take(50).Select(id => (JsonNode)id)])));
        return self;
    }
}

/// <summary>
/// The audit of the self tool: each action becomes a <c>{"type":"self", …}</c> record in the session transcript
/// (read back by <c>microagi self log</c>) and an event the terminal shows as a tool line.
/// </summary>
internal sealed class SelfAuditLog(JsonlTranscript transcript) : ISelfAuditSink
{
    public event EventHandler<SelfAuditEntry>? Recorded;

    public void Record(SelfAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        transcript.AppendRecord(entry.ToJson());
        Recorded?.Invoke(this, entry);
    }
}
