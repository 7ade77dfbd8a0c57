using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// Runs an MCP <c>tools/call</c> through the same registry function and caller as the agent loop — schema check,
/// Lua sandbox limits — bounded by the tool timeout. A call of a tool that changes the machine (write, edit, exec,
/// process start) goes to the approval gate first, as in the loop; nobody can be asked over MCP, so the gate's mode
/// (<c>--approval</c>) lets it through or refuses it with the way to allow it. Generated tools are not asked
/// about: the client decides about the calls it makes. Every failure becomes a result with <c>isError</c> set,
/// which the client's model can read.
/// </summary>
public sealed class McpToolInvoker(TimeSpan timeout, ApprovalGate approval, IChangePreview? changes)
{
    public TimeSpan Timeout { get; } = timeout;

    public async Task<CallToolResult> CallAsync(RegistryToolFunction tool, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        var input = new JsonObject();
        foreach (var (name, value) in arguments ?? new Dictionary<string, JsonElement>())
        {
            input[name] = JsonSerializer.SerializeToNode(value);
        }

        if (ToolCallApproval.ChangesMachine(tool.Tool))
        {
            var call = new FunctionCallContent(Guid.NewGuid().ToString("N"), tool.Name, arguments?.ToDictionary(a => a.Key, a => (object?)a.Value) ?? []);
            var answer = await approval.DecideAsync(new ToolApprovalRequestContent(call.CallId, call), tool.Tool, changes, cancellationToken).ConfigureAwait(false);
            if (!answer.Approved) return Error(answer.Reason ?? "this call needs approval");
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
