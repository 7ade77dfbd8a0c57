using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// Runs <c>function.mcp</c> entries (see <see cref="McpToolEntries"/>) through the server pool: the same
/// call API as Lua and native tools, so the loop's timeout, tracing and error results apply unchanged.
/// </summary>
public sealed class McpFunctionKind(McpServerPool servers, McpResultText results) : IFunctionKind
{
    public string Kind => McpToolEntries.FunctionKind;

    public PreparedFunction Prepare(Entry entry) => new McpFunction(servers, results, entry);

    private sealed class McpFunction(McpServerPool servers, McpResultText results, Entry entry) : PreparedFunction
    {
        public override async Task<FunctionResult> InvokeAsync(JsonNode arguments, CancellationToken cancellationToken)
        {
            var (serverId, tool) = McpToolEntries.Target(entry);
            McpServerConnection server;
            try
            {
                server = await servers.GetAsync(serverId, cancellationToken).ConfigureAwait(false);
            }
            catch (McpServerConfigException ex)
            {
                return FunctionResult.Failure(FunctionErrorKind.NotCallable, ex.Message);
            }
            var input = arguments is JsonObject obj
                ? obj.ToDictionary(p => p.Key, p => p.Value is null ? null : (object?)JsonSerializer.SerializeToElement(p.Value))
                : new Dictionary<string, object?>();
            try
            {
                var result = await server.CallAsync(tool, input, cancellationToken).ConfigureAwait(false);
                var value = results.ToJson(result);
                return result.IsError == true
                    ? FunctionResult.Failure(FunctionErrorKind.HandlerError, value?["error"]?.GetValue<string>() ?? "the MCP tool failed")
                    : FunctionResult.Success(value);
            }
            catch (McpServerUnavailableException ex)
            {
                return FunctionResult.Failure(FunctionErrorKind.NativeFailure, ex.Message);
            }
        }
    }
}
