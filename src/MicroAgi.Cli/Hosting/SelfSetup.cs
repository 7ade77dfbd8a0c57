using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Self;
using MicroAgi.Agents.Sessions;
using MicroAgi.Agents.Tools;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Gives a session the self tool (<c>tools: self_evolution: true</c>): attaches it, registers its handler,
/// and publishes what only the host knows — the sandbox limits, the machine tools' settings, the running
/// subagents and the saved sessions.
/// </summary>
internal static class SelfSetup
{
    /// <summary>Where <c>persist: true</c> snapshots live in a state directory.</summary>
    public static string SnapshotDirectory(string stateDirectory) => Path.Combine(stateDirectory, "self", "snapshots");

    public static string SessionsDirectory(string stateDirectory) => Path.Combine(stateDirectory, "sessions");

    public static SelfRuntime Attach(AgentSession session, AgentServices services, ToolHost tools, HostSettings host, JsonlTranscript transcript,
        ISelfAuditSink audit, IReadOnlyList<ProviderSettings> providers, MachineAccess machine)
    {
        var self = SelfRuntime.Attach(session, services, new SelfOptions
        {
            SnapshotDirectory = host.Ephemeral ? null : SnapshotDirectory(host.StateDirectory),
            Audit = audit,
            KnownSecrets = [.. providers.Select(p => p.ApiKey), .. providers.Where(p => p.BaseUrl is not null).SelectMany(p => UrlRedactor.SecretsIn(p.BaseUrl!))],
        });
        tools.Natives.Register(SelfTool.HandlerName, self.Tool.InvokeAsync);

        SandboxSurface.Publish(self.Surface.Root, tools.Runtime, tools.Runtime.Options.Http.AllowedNetworks);
        MachineSurface.Publish(self.Surface.Root, machine);

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
