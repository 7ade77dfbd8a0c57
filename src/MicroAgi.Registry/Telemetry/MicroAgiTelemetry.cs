using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MicroAgi.Telemetry;

/// <summary>
/// The one <see cref="ActivitySource"/> and <see cref="Meter"/> all of MicroAgi reports through, and the span and
/// attribute names it uses (OpenTelemetry GenAI semantic conventions where they exist, <c>microagi.*</c> beside
/// them). It lives in the project every other one references, so the agent loop, the Lua sandbox and the tools
/// can all emit. With no listener (no OTLP endpoint configured) <see cref="Source"/> starts no activities and
/// costs a null check.
/// </summary>
public static class MicroAgiTelemetry
{
    /// <summary>The name of the activity source and meter; the model calls' <c>chat</c> spans use it too.</summary>
    public const string SourceName = "MicroAgi";

    public static ActivitySource Source { get; } = new(SourceName);

    public static Meter Meter { get; } = new(SourceName);

    /// <summary>Span names (GenAI conventions: operation name, then the agent's or tool's name).</summary>
    public static class Operations
    {
        public const string InvokeAgent = "invoke_agent";
        public const string ExecuteTool = "execute_tool";
        public const string CreateTool = "create_tool";
        public const string LoadTool = "load_tool";
        public const string SandboxCall = "sandbox_call";
    }

    /// <summary>Attribute names.</summary>
    public static class Attributes
    {
        public const string OperationName = "gen_ai.operation.name";
        public const string AgentName = "gen_ai.agent.name";
        public const string RequestModel = "gen_ai.request.model";
        public const string ToolName = "gen_ai.tool.name";
        public const string ToolCallId = "gen_ai.tool.call.id";
        public const string ToolType = "gen_ai.tool.type";
        public const string SessionId = "microagi.session.id";
        public const string RegistryVersion = "microagi.registry.version";
        public const string EntryId = "microagi.entry.id";
        public const string LimitHit = "microagi.sandbox.limit";
    }

    /// <summary>
    /// Starts a span named "<paramref name="operation"/> <paramref name="target"/>" with
    /// <c>gen_ai.operation.name</c> set, or returns null when nobody listens.
    /// </summary>
    public static Activity? Start(string operation, string? target, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(string.IsNullOrEmpty(target) ? operation : $"{operation} {target}", kind);
        activity?.SetTag(Attributes.OperationName, operation);
        return activity;
    }

    /// <summary>The <c>invoke_agent</c> span of one turn of <paramref name="agent"/>, or null when nobody listens.</summary>
    public static Activity? StartAgentTurn(string agent, string model)
    {
        var activity = Start(Operations.InvokeAgent, agent);
        activity?.SetTag(Attributes.AgentName, agent);
        activity?.SetTag(Attributes.RequestModel, model);
        return activity;
    }

    /// <summary>The <c>execute_tool</c> span of one tool call, or null when nobody listens.</summary>
    public static Activity? StartToolCall(string toolName, string callId)
    {
        var activity = Start(Operations.ExecuteTool, toolName);
        activity?.SetTag(Attributes.ToolName, toolName);
        activity?.SetTag(Attributes.ToolCallId, callId);
        activity?.SetTag(Attributes.ToolType, "function");
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="error"/> (<c>error.type</c> and status).</summary>
    public static void Fail(Activity? activity, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (activity is null) return;
        activity.SetTag("error.type", error.GetType().FullName);
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
    }
}
