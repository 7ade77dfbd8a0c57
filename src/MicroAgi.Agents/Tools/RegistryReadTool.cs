using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// <c>registry_read {id}</c> → <c>{id, kind, meta, data}</c>, the whole entry including a function's
/// Lua source in <c>data.source</c>; <c>not found: &lt;id&gt;</c> when there is none.
/// </summary>
internal sealed class RegistryReadTool(IRegistry registry)
{
    public Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken) =>
        Task.FromResult(Read(call.Arguments));

    private FunctionResult Read(JsonNode? arguments)
    {
        if (!ToolResults.TryOptionalString(arguments, "id", out var text, out var error)) return ToolResults.Error(error!);
        if (string.IsNullOrWhiteSpace(text)) return ToolResults.Error("'id' is required, e.g. {\"id\": \"app.tools:doc_search\"}");
        if (!EntryId.TryParse(text.Trim(), out var id, out var parseError)) return ToolResults.Error(parseError);
        var entry = registry.Get(id);
        if (entry is null) return ToolResults.Error($"not found: {id}");
        return ToolResults.Ok(new JsonObject
        {
            ["id"] = entry.Id.ToString(),
            ["kind"] = entry.Kind,
            ["meta"] = JsonSerializer.SerializeToNode(entry.Meta),
            ["data"] = JsonSerializer.SerializeToNode(entry.Data),
        });
    }
}
