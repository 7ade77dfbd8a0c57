using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;
using MicroAgi.Telemetry;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// <c>load_tool {id}</c> → <c>{loaded: true, id, alias, description}</c> when the entry is a tool; the
/// agent loop sees <c>loaded</c>, adds the tool to the session and reloads the runner. Errors:
/// <c>not found: &lt;id&gt;</c>, <c>not a tool (meta.type != 'tool'): &lt;id&gt;</c>. A bare name
/// (<c>current_time</c>) means the generated tool <c>app.generated:current_time</c>.
/// </summary>
internal sealed class LoadToolTool(IRegistry registry)
{
    public Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken) =>
        Task.FromResult(Load(call.Arguments));

    private FunctionResult Load(JsonNode? arguments)
    {
        if (!ToolResults.TryOptionalString(arguments, "id", out var text, out var error)) return ToolResults.Error(error!);
        if (string.IsNullOrWhiteSpace(text)) return ToolResults.Error("'id' is required, e.g. {\"id\": \"app.generated:current_time_utc\"}");
        text = text.Trim();
        EntryId id;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (!EntryId.TryParse(text, out id, out var parseError)) return ToolResults.Error(parseError);
        }
        else if (GeneratedToolName.Problem(text) is null)
        {
            id = new EntryId(GeneratedToolWriter.Namespace, text);
        }
        else
        {
            return ToolResults.Error($"not found: {GeneratedToolName.Printable(text)} (give the full id, namespace:name)");
        }

        using var span = MicroAgiTelemetry.Start(MicroAgiTelemetry.Operations.LoadTool, id.ToString());
        span?.SetTag(MicroAgiTelemetry.Attributes.EntryId, id.ToString());
        var entry = registry.Get(id);
        if (entry is null) return ToolResults.Error($"not found: {id}");
        if (ToolEntry.From(entry) is not { } tool) return ToolResults.Error($"not a tool (meta.type != 'tool'): {id}");
        return ToolResults.Ok(new JsonObject
        {
            ["loaded"] = true,
            ["id"] = id.ToString(),
            ["alias"] = tool.LlmName,
            ["description"] = tool.Description,
        });
    }
}
