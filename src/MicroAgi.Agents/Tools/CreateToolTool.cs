using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// <c>create_tool {name, description, source, schema, modules, tests?}</c> → writes
/// <c>app.generated:&lt;name&gt;</c> through <see cref="GeneratedToolWriter"/> and answers
/// <c>{id, action, version, alias, tests_passed, next}</c>, or the reason nothing was written.
/// </summary>
internal sealed class CreateToolTool(GeneratedToolWriter writer)
{
    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        var request = GeneratedToolRequest.FromArguments(call.Arguments, out var error);
        if (request is null) return ToolResults.Error(error!);
        var outcome = await writer.WriteAsync(request, BuiltInTools.CreateTool, cancellationToken).ConfigureAwait(false);
        return outcome.IsSuccess ? ToolResults.Ok(outcome.ToJson()) : ToolResults.Error(outcome.Error!);
    }
}
