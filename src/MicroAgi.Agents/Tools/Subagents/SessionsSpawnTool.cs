using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Subagents;

/// <summary>
/// <c>sessions_spawn {task, tools?, timeout?}</c>: runs a child agent on a task and returns its final
/// answer with what it cost. See <see cref="SubagentLauncher"/> for what the child inherits.
/// </summary>
internal sealed class SessionsSpawnTool(SubagentLauncher launcher)
{
    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        var arguments = call.Arguments as JsonObject;
        if (!ToolResults.TryOptionalString(arguments, "task", out var task, out var error)
            || !ToolResults.TryOptionalInteger(arguments, "timeout", 1, (int)launcher.Options.MaxTimeout.TotalSeconds, out var seconds, out error))
            return ToolResults.Error(error!);
        if (string.IsNullOrWhiteSpace(task)) return ToolResults.Error("'task' is required: what the subagent should do and what it should answer with");
        List<string>? tools = null;
        if (arguments?["tools"] is { } list)
        {
            if (list is not JsonArray array || array.Any(t => t?.GetValueKind() != JsonValueKind.String))
                return ToolResults.Error("'tools' must be a list of tool names, e.g. [\"read\", \"glob\"]");
            tools = array.Select(t => t!.GetValue<string>()).ToList();
        }

        var timeout = seconds is { } s ? TimeSpan.FromSeconds(s) : launcher.Options.DefaultTimeout;
        var outcome = await launcher.RunAsync(task, tools, timeout, cancellationToken).ConfigureAwait(false);
        if (outcome.Result is not { } result) return ToolResults.Error(outcome.Error!);
        return ToolResults.Ok(new JsonObject
        {
            ["id"] = outcome.Id,
            ["answer"] = result.Text,
            ["outcome"] = result.Outcome.ToString(),
            ["steps"] = result.Steps,
            ["cost_usd"] = result.Usage.Cost,
            ["usage"] = result.Usage.Describe(),
        });
    }
}
