using MicroAgi.Functions.Tools;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// One registry tool as an MCP tool: the name, description and input schema the agent loop offers its
/// model (one reader: <see cref="ToolEntry"/>), called by entry id so the entry's newest version runs.
/// Not the SDK's AIFunction wrapper: a failure must reach the client as <c>isError</c>, and the call
/// needs the tool timeout.
/// </summary>
public sealed class RegistryMcpTool : McpServerTool
{
    private readonly McpToolInvoker _invoker;

    public RegistryMcpTool(RegistryToolFunction function, McpToolInvoker invoker)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(invoker);
        Function = function;
        _invoker = invoker;
        ProtocolTool = new Tool { Name = function.Name, Description = function.Description, InputSchema = function.JsonSchema };
    }

    public RegistryToolFunction Function { get; }

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata => [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await _invoker.CallAsync(Function, request.Params?.Arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the client would see a difference (a new version with the same name, text and schema is not one).</summary>
    public bool LooksLike(RegistryToolFunction other) =>
        other.Tool.Id == Function.Tool.Id && other.Name == Function.Name && other.Description == Function.Description
        && other.JsonSchema.GetRawText() == Function.JsonSchema.GetRawText();
}
