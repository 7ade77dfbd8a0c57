using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;
using MicroAgi.Registry;
using MicroAgi.Telemetry;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// What one tool call produced: the result the model reads, and what the loop must act on — a tool to
/// add to the agent (<see cref="LoadedTool"/>), written by create_tool when <see cref="Created"/>.
/// </summary>
public sealed record ToolCallOutcome(FunctionResultContent Result, string ToolName, string? Error, EntryId? LoadedTool)
{
    public bool Created { get; init; }

    /// <summary>The call gave the registry new tools the agent may be granted (add_mcp_server started a server): reload the agent.</summary>
    public bool ToolsChanged { get; init; }
}

/// <summary>
/// Runs the model's tool calls. Each call is isolated: an unknown tool, arguments that are not a
/// JSON object, a tool that fails, throws or overruns its time, a call the user declined all become
/// error results the model can read — never an exception that ends the turn.
/// </summary>
/// <param name="approval">Decides the calls of tools offered as approval-required (generated tools' first runs, changes to the machine).</param>
/// <param name="changes">Describes a call that changes the machine for the question (null: its arguments are shown).</param>
public sealed class ToolCallExecutor(Func<TimeSpan> timeout, ApprovalGate approval, IChangePreview? changes)
{
    public ToolCallExecutor(TimeSpan timeout) : this(() => timeout, ApprovalGate.AllowAll, changes: null) { }

    /// <summary>The built-in tool whose <c>loaded = true</c> result adds a tool to the agent.</summary>
    public static readonly EntryId LoadToolId = new("app.tools", "load_tool");

    /// <summary>The built-in tool whose success adds the tool it wrote to the agent, so the model can call it in the same reply.</summary>
    public static readonly EntryId CreateToolId = new("app.tools", "create_tool");

    /// <summary>The built-in tool whose success adds an MCP server's tools to the registry the agent reads.</summary>
    public static readonly EntryId AddMcpServerId = new("app.tools", "add_mcp_server");

    /// <summary>Twice the longest valid tool name: enough to recognise a misspelt one.</summary>
    private const int MaxQuotedNameLength = 128;

    /// <summary>Runs one call, traced as an <c>execute_tool</c> span (GenAI semantic conventions).</summary>
    public async Task<ToolCallOutcome> ExecuteAsync(AgentRunner runner, FunctionCallContent call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(call);
        using var span = MicroAgiTelemetry.StartToolCall(call.Name, call.CallId);
        var outcome = await ExecuteUntracedAsync(runner, call, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is { } error) span?.SetStatus(ActivityStatusCode.Error, error);
        return outcome;
    }

    private async Task<ToolCallOutcome> ExecuteUntracedAsync(AgentRunner runner, FunctionCallContent call, CancellationToken cancellationToken)
    {
        var function = runner.FindTool(call.Name);
        // A tool the policy filtered out is not offered, but a model may still name it (from memory, an earlier session).
        if (function is null && runner.Policy.Refusal(call.Name) is { } refusal) return Failed(call, refusal);
        if (function is null)
        {
            var known = string.Join(", ", runner.Tools.Select(t => t.Name));
            return Failed(call, string.IsNullOrEmpty(call.Name)
                ? $"the tool call has no name; name one of the tools you can call: {known}"
                : $"unknown tool '{Shortened(call.Name)}'; the tools you can call are: {known}");
        }
        if (call.Exception is not null)
        {
            return Failed(call, $"the arguments are not valid JSON ({call.Exception.Message}); send a JSON object matching the tool's schema");
        }

        JsonNode? arguments;
        try
        {
            arguments = call.Arguments is null ? new JsonObject() : ArgumentsNode(call.Arguments);
        }
        catch (JsonException ex)
        {
            return Failed(call, $"the arguments could not be read: {ex.Message}");
        }

        if (runner.FindOffered(call.Name) is { } offered && ToolCallApproval.IsRequired(offered))
        {
            // The user's time to answer is not the tool's: the question is asked before the call's clock starts.
            var answer = await approval.DecideAsync(new ToolApprovalRequestContent(call.CallId, call), function.Tool, changes, cancellationToken).ConfigureAwait(false);
            if (!answer.Approved) return Failed(call, answer.Reason ?? "the user did not approve this call");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var limit = timeout();
        if (!function.Tool.RunsOwnDeadline) deadline.CancelAfter(limit);
        FunctionResult result;
        try
        {
            result = await function.CallAsync(arguments, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TimedOut(call, limit);
        }
#pragma warning disable CA1031 // A failing tool must never end the turn: any exception becomes the model's error result.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return Failed(call, $"the tool failed: {ex.Message}");
        }

        // A tool may report cancellation as a result rather than an exception: tell the user's cancel from our deadline.
        cancellationToken.ThrowIfCancellationRequested();
        if (deadline.IsCancellationRequested && !result.IsSuccess) return TimedOut(call, limit);
        if (!result.IsSuccess) return Failed(call, result.Error ?? "the tool failed");
        var value = result.Value;
        var json = result.ValueJson;
        // Tools may also report a failure as {error: "..."} (the seed's convention); show it as one.
        var reported = value is JsonObject obj && obj["error"] is JsonValue error && error.TryGetValue<string>(out var text) ? text : null;
        return new ToolCallOutcome(new FunctionResultContent(call.CallId, json), call.Name, reported, LoadedToolOf(function.Tool.Id, value))
        {
            Created = function.Tool.Id == CreateToolId,
            ToolsChanged = function.Tool.Id == AddMcpServerId && reported is null,
        };
    }

    /// <summary>
    /// The call's arguments as a JSON object. The adapter hands them over as JSON elements it parsed, which are
    /// wrapped as they are (the serializer would look up a converter for each value's runtime type, at every
    /// step); values built in code go through the serializer.
    /// </summary>
    private static JsonObject ArgumentsNode(IDictionary<string, object?> arguments)
    {
        var node = new JsonObject();
        foreach (var (name, value) in arguments)
            node[name] = value is JsonElement element ? NodeOf(element) : JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions);
        return node;
    }

    private static JsonNode? NodeOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => JsonValue.Create(element),
    };

    /// <summary>The result recorded for a call that never ran because the turn was cancelled.</summary>
    public static ToolCallOutcome Cancelled(FunctionCallContent call) => Failed(call, "cancelled by the user before it ran");

    private static ToolCallOutcome TimedOut(FunctionCallContent call, TimeSpan limit) =>
        Failed(call, $"timed out after {limit.TotalSeconds:0.#} s; make the tool do less per call");

    /// <summary>An error result the model reads, for a call that did not do what it should.</summary>
    public static ToolCallOutcome Failed(FunctionCallContent call, string message) =>
        new(new FunctionResultContent(call.CallId, new JsonObject { ["error"] = message }.ToJsonString(ReadableJson.Compact)), call.Name, message, null);

    /// <summary>A name as the error result quotes it: a model that sent megabytes of name need not read them back.</summary>
    private static string Shortened(string name) =>
        name.Length <= MaxQuotedNameLength ? name : string.Concat(name.AsSpan(0, MaxQuotedNameLength), "…");

    /// <summary>
    /// create_tool's result once the loop has tried to load what it wrote: loaded, the model may call the
    /// tool at once; not loadable, the model reads why (the tool is written all the same).
    /// </summary>
    public static ToolCallOutcome WithLoadNote(ToolCallOutcome outcome, string? problem)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Result.Result is not string text || JsonNode.Parse(text) is not JsonObject result) return outcome;
        result["loaded"] = problem is null;
        result["next"] = problem is null
            ? $"it is loaded: call {(string?)result["alias"]} now, in this reply if you like"
            : $"it was written but cannot be called in this session: {problem}";
        return outcome with
        {
            Result = new FunctionResultContent(outcome.Result.CallId, result.ToJsonString(ReadableJson.Compact)),
            LoadedTool = problem is null ? outcome.LoadedTool : null,
        };
    }

    private static EntryId? LoadedToolOf(EntryId tool, JsonNode? value)
    {
        if (tool == CreateToolId)
            return value is JsonObject result && result["id"] is JsonValue written && written.TryGetValue<string>(out var created) && EntryId.TryParse(created, out var createdId) ? createdId : null;
        return tool == LoadToolId ? LoadToolResult.LoadedId(value) : null;
    }
}
