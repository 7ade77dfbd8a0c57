using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// Runs an MCP <c>tools/call</c> through the same registry function and caller as the agent loop — schema check,
/// Lua sandbox limits, the approval gate of the machine tools — bounded by the tool timeout. Every
/// failure becomes a result with <c>isError</c> set, which the client's model can read.
/// </summary>
public sealed class McpToolInvoker(TimeSpan timeout)
{
    public TimeSpan Timeout { get; } = timeout;

    public async Task<CallToolResult> CallAsync(RegistryToolFunction tool, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        var input = new JsonObject();
        foreach (var (name, value) in arguments ?? new Dictionary<string, JsonElement>())
        {
            input[name] = JsonSerializer.SerializeToNode(value);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        FunctionResult result;
        try
        {
            result = await tool.CallAsync(input, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TimedOut();
        }
        cancellationToken.ThrowIfCancellationRequested();
        // A tool may report our deadline as a failed result rather than an exception.
        if (deadline.IsCancellationRequested && !result.IsSuccess) return TimedOut();
        if (!result.IsSuccess) return Error(result.Error ?? "the tool failed");
        // Tools may report a failure as {error: "..."} (the seed's convention): the client sees it as one.
        var reported = result.Value is JsonObject obj && obj["error"] is JsonValue error && error.GetValueKind() == JsonValueKind.String;
        return new CallToolResult { Content = [new TextContentBlock { Text = result.ValueJson }], IsError = reported ? true : null };
    }

    private CallToolResult TimedOut() =>
        Error(string.Create(CultureInfo.InvariantCulture, $"timed out after {Timeout.TotalSeconds:0.#} s; make the tool do less per call"));

    public static CallToolResult Error(string message) =>
        new() { Content = [new TextContentBlock { Text = message }], IsError = true };
}
