using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// <c>add_mcp_server {name, command, args?, description?}</c> → writes <c>app.generated:&lt;name&gt;</c> through
/// <see cref="McpServerWriter"/> and, when this session's agent uses the server (<paramref name="used"/>: its
/// tools grant <c>mcp.&lt;name&gt;:*</c> and the tool policy leaves some of them), starts it and answers
/// <c>{id, action, version, tools, next}</c> with the names its tools can be called by at once. A server that
/// was written but cannot start is an error result saying why, so the model can correct it.
/// </summary>
public sealed class AddMcpServerTool(McpServerWriter writer, McpAgentTools mcp, Func<EntryId, bool> used)
{
    /// <summary>The handler name its entry (<c>app.tools:add_mcp_server</c>) gives in <c>data.handler</c>.</summary>
    public const string HandlerName = "add_mcp_server";

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var request = McpServerRequest.FromArguments(call.Arguments, out var error);
        if (request is null) return Error(error!);
        var outcome = await writer.WriteAsync(request, HandlerName, cancellationToken).ConfigureAwait(false);
        if (!outcome.IsSuccess) return Error(outcome.Error!);

        var server = outcome.Server!;
        var result = new JsonObject
        {
            ["id"] = server.Id.ToString(),
            ["action"] = outcome.Updated ? "updated" : "created",
            ["version"] = outcome.Version,
        };
        if (!used(server.Id))
        {
            result["tools"] = new JsonArray();
            result["next"] = $"it is written, but this agent does not use it here: its tools do not grant {McpToolEntries.Namespace(server.Id)}:*, or the tool policy removes them. An agent that grants them starts it in its next session";
            return FunctionResult.Success(result);
        }
        var (tools, problems) = await mcp.DiscoverAsync(server.Id, cancellationToken).ConfigureAwait(false);
        if (tools.Count == 0 && problems.Count > 0)
        {
            return Error($"{server.Id} was written (registry version {outcome.Version}) but cannot be used: {string.Join("; ", problems)}. "
                + "Correct it with add_mcp_server under the same name");
        }
        var names = tools.Select(ToolEntry.LlmNameOf).ToList();
        result["tools"] = new JsonArray([.. names.Select(n => (JsonNode)JsonValue.Create(n))]);
        if (problems.Count > 0) result["warnings"] = new JsonArray([.. problems.Select(p => (JsonNode)JsonValue.Create(p))]);
        result["next"] = names.Count == 0
            ? "the server runs but lists no tools"
            : $"it runs: call its tools by name now, e.g. {names[0]}";
        return FunctionResult.Success(result);
    }

    private static FunctionResult Error(string message) => FunctionResult.Failure(FunctionErrorKind.HandlerError, message);
}
