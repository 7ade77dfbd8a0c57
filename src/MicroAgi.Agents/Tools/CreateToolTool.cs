using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Functions;
using MicroAgi.Telemetry;

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
        using var span = MicroAgiTelemetry.Start(MicroAgiTelemetry.Operations.CreateTool, request.Name);
        var outcome = await writer.WriteAsync(request, BuiltInTools.CreateTool, cancellationToken).ConfigureAwait(false);
        span?.SetTag(MicroAgiTelemetry.Attributes.EntryId, outcome.Id?.ToString());
        if (outcome.IsSuccess) span?.SetTag(MicroAgiTelemetry.Attributes.RegistryVersion, outcome.Version);
        else span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.Error);
        return outcome.IsSuccess ? ToolResults.Ok(outcome.ToJson()) : ToolResults.Error(outcome.Error!);
    }
}
