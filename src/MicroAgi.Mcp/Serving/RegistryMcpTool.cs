using MicroAgi.Agents.Runtime;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// One registry tool as an MCP tool: the name, description and input schema the agent loop offers its
/// model (one reader: <see cref="ToolResolver.Bind"/>), called by entry id so the entry's newest
/// version runs.
/// </summary>
public sealed class RegistryMcpTool : McpServerTool
{
    private readonly McpToolInvoker _invoker;

    public RegistryMcpTool(ToolBinding binding, McpToolInvoker invoker)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(invoker);
        Binding = binding;
        _invoker = invoker;
        ProtocolTool = new Tool { Name = binding.LlmName, Description = binding.Description, InputSchema = binding.Schema };
    }

    public ToolBinding Binding { get; }

    public override Tool ProtocolTool { get; }

    public override IReadOnlyList<object> Metadata => [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await _invoker.CallAsync(Binding.Id, request.Params?.Arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the client would see a difference (a new version with the same name, text and schema is not one).</summary>
    public bool LooksLike(ToolBinding other) =>
        other.Id == Binding.Id && other.LlmName == Binding.LlmName && other.Description == Binding.Description
        && other.Schema.GetRawText() == Binding.Schema.GetRawText();
}
