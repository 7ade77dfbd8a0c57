using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace MicroAgi.Functions.Tools;

/// <summary>
/// A registry tool as an <see cref="AIFunction"/>: the name, description and JSON schema of its
/// <see cref="ToolEntry"/>, invoked through the function caller with all its limits (schema validation,
/// argument size, the kind's sandbox). Any tool — Lua, native C#, later MCP — is this one type, so the
/// agent loop, an M.E.AI pipeline and an MCP server take it as it is. The call goes by id, so a tool
/// changed in the registry mid-session runs as it is now.
/// </summary>
public sealed class RegistryToolFunction : AIFunction
{
    private readonly IFunctionCaller _caller;

    public RegistryToolFunction(ToolEntry tool, IFunctionCaller caller)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(caller);
        Tool = tool;
        _caller = caller;
    }

    public ToolEntry Tool { get; }

    public override string Name => Tool.LlmName;

    public override string Description => Tool.Description;

    public override JsonElement JsonSchema => Tool.Schema;

    /// <summary>Calls the tool and returns the full result (value, or error with its kind, and logs).</summary>
    public Task<FunctionResult> CallAsync(JsonNode? arguments, CancellationToken cancellationToken = default) =>
        _caller.CallAsync(Tool.Id, arguments, cancellationToken);

    /// <summary>
    /// For M.E.AI and MCP hosts: the result value as JSON, or <c>{"error": "…"}</c> — a tool failure is a
    /// result the model reads (the seed's convention), not an exception.
    /// </summary>
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var node = new JsonObject();
        foreach (var (name, value) in arguments) node[name] = JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions);
        var result = await CallAsync(node, cancellationToken).ConfigureAwait(false);
        var json = result.IsSuccess ? result.Value : new JsonObject { ["error"] = result.Error };
        return JsonSerializer.SerializeToElement(json);
    }
}
