using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Self;

/// <summary>
/// The <c>self</c> tool (seed 002): the agent inspects, tunes and calls into its own runtime through the
/// explicit <see cref="RuntimeSurface"/>, manages its tool set and keeps configuration snapshots. Every
/// action is audited; every answer is text with secrets masked.
/// </summary>
public sealed partial class SelfTool
{
    /// <summary>The <c>data.handler</c> of the <c>app.tools:self</c> entry.</summary>
    public const string HandlerName = "self";

    /// <summary>The longest answer; more is cut with a note (as doc_search does).</summary>
    public const int MaxOutputCharacters = 8_000;

    private readonly AgentSession _session;
    private readonly RuntimeSurface _surface;
    private readonly RuntimeVars _vars;
    private readonly SnapshotStore _snapshots;
    private readonly SecretMask _mask;
    private readonly ISelfAuditSink? _audit;
    private readonly TimeProvider _clock;

    public SelfTool(AgentSession session, RuntimeSurface surface, RuntimeVars vars, SnapshotStore snapshots, SecretMask mask, ISelfAuditSink? audit = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(surface);
        ArgumentNullException.ThrowIfNull(vars);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(mask);
        _session = session;
        _surface = surface;
        _vars = vars;
        _snapshots = snapshots;
        _mask = mask;
        _audit = audit;
        _clock = clock ?? TimeProvider.System;
    }

    private SessionTuning Tuning => _session.Context.Tuning;

    /// <summary>The native handler: runs one action and answers with its text, or an error the model can act on.</summary>
    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var arguments = call.Arguments as JsonObject ?? [];
        var action = arguments["action"] is JsonValue given && given.GetValueKind() == JsonValueKind.String ? given.GetValue<string>().Trim() : "";
        SelfOutcome outcome;
        try
        {
            outcome = action switch
            {
                "inspect" => Inspect(Text(arguments, "key")),
                "modify" => Modify(Text(arguments, "key"), arguments),
                "call" => await CallAsync(Text(arguments, "method"), arguments["args"], cancellationToken).ConfigureAwait(false),
                "list_tools" => ListTools(),
                "manage_tool" => ManageTool(Text(arguments, "name"), Text(arguments, "manage_action")),
                "snapshot" => Snapshot(Text(arguments, "name"), arguments["persist"]),
                "restore" => Restore(Text(arguments, "name")),
                "list_snapshots" => ListSnapshots(),
                "reset" => Reset(Text(arguments, "key")),
                _ => SelfOutcome.Fail(action, "", $"unknown action '{action}'; use one of: inspect, modify, call, list_tools, manage_tool, snapshot, restore, list_snapshots, reset"),
            };
        }
        catch (ArgumentException ex)
        {
            // A wrongly typed argument (the schema lets any JSON through for 'value' and 'args').
            outcome = SelfOutcome.Fail(action, "", ex.Message);
        }

        var message = Capped(_mask.MaskText(outcome.Message));
        var summary = _mask.MaskText(outcome.Summary);
        var detail = (JsonObject)(_mask.MaskValue("", outcome.Detail) ?? new JsonObject());
        detail["message"] = message;
        _audit?.Record(new SelfAuditEntry(_clock.GetUtcNow(), action, summary, outcome.Ok, detail));
        return outcome.Ok
            ? FunctionResult.Success(JsonValue.Create(message))
            : FunctionResult.Failure(FunctionErrorKind.HandlerError, message);
    }

    /// <summary>A string argument; a present argument of another type is refused by name.</summary>
    private static string? Text(JsonObject arguments, string name) => arguments[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim() is { Length: > 0 } text ? text : null,
        _ => throw new ArgumentException($"'{name}' must be a string"),
    };

    private static string Capped(string text) =>
        text.Length <= MaxOutputCharacters
            ? text
            : string.Concat(text.AsSpan(0, MaxOutputCharacters), $"\n… ({text.Length - MaxOutputCharacters:N0} more characters; inspect a narrower key)");

    private string Show(string name, JsonNode? value) => ValueText.Show(name, value, _mask);
}

/// <summary>What one self action produced: the model's text, the terminal summary and the audit detail.</summary>
internal sealed record SelfOutcome(bool Ok, string Message, string Summary, JsonObject Detail)
{
    public static SelfOutcome Done(string message, string summary, JsonObject? detail = null) => new(true, message, summary, detail ?? []);

    public static SelfOutcome Fail(string action, string subject, string message) =>
        new(false, message, $"{action} {subject}".Trim() + " refused", new JsonObject { ["subject"] = subject });
}
