using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// <c>process {action, …}</c> manages background commands: <c>list</c>; <c>start {command, cwd?, timeout?}</c>
/// (needs approval: the loop asks with <see cref="Describe"/> before the call runs); <c>status {id}</c>; <c>output {id}</c> (the output tail); <c>stop {id}</c> (kills the
/// whole process group); <c>cleanup</c> (forgets the ones that ended).
/// </summary>
internal sealed class ProcessTool(ShellRunner shell)
{
    public const string Actions = "list, start, status, output, stop or cleanup";

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!ToolResults.TryOptionalString(call.Arguments, "action", out var action, out var error)) return ToolResults.Error(error!);
        switch (action)
        {
            case "list":
                return ToolResults.Ok(new JsonObject { ["processes"] = new JsonArray([.. shell.Background.All.Select(p => (JsonNode)ProcessTable.Describe(p))]) });
            case "start":
                return Start(call.Arguments);
            case "cleanup":
                return ToolResults.Ok(new JsonObject { ["removed"] = new JsonArray([.. shell.Background.RemoveFinished().Select(id => (JsonNode)JsonValue.Create(id))]) });
            case "status" or "output" or "stop":
                return await OneAsync(action, call.Arguments).ConfigureAwait(false);
            default:
                return ToolResults.Error($"'action' must be {Actions}");
        }
    }

    /// <summary>
    /// The approval question for a call: the command, for <c>start</c>; null for the actions that only look at or stop
    /// what runs, and for a start that will be refused anyway.
    /// </summary>
    public ApprovalRequest? Describe(JsonNode? arguments) =>
        ToolResults.TryOptionalString(arguments, "action", out var action, out _) && action == "start" && TryPrepareStart(arguments, out var launch, out _)
            ? shell.Describe(launch)
            : null;

    private FunctionResult Start(JsonNode? arguments)
    {
        if (!TryPrepareStart(arguments, out var launch, out var error)) return ToolResults.Error(error);
        var (process, problem) = shell.Start(launch);
        if (process is null) return ToolResults.Error(problem!);
        shell.Background.Add(process);
        var result = ProcessTable.Describe(process);
        result["note"] = $"started; killed after {launch.Lifetime.TotalSeconds:0} s unless it ends or is stopped first";
        return ToolResults.Ok(result);
    }

    private bool TryPrepareStart(JsonNode? arguments, out ShellRunner.Launch launch, out string error)
    {
        launch = null!;
        if (!ToolResults.TryOptionalString(arguments, "command", out var command, out var problem)
            || !ToolResults.TryOptionalString(arguments, "cwd", out var cwd, out problem)
            || !ToolResults.TryOptionalInteger(arguments, "timeout", 1, int.MaxValue, out var seconds, out problem))
            return ToolResults.Refuse(problem!, out error);
        // A background process lives until it ends or its timeout: the longest allowed unless the call says less.
        var lifetime = seconds is null ? shell.Options.MaxTimeout : TimeSpan.FromSeconds(seconds.Value);
        if (!shell.TryLifetime((int)lifetime.TotalSeconds, out lifetime, out problem)) return ToolResults.Refuse(problem!, out error);
        if (shell.Background.FullProblem() is { } full) return ToolResults.Refuse(full, out error);
        return shell.TryPrepare("process", command, cwd, lifetime, out launch, out error);
    }

    private async Task<FunctionResult> OneAsync(string action, JsonNode? arguments)
    {
        if (!ToolResults.TryOptionalString(arguments, "id", out var id, out var error)) return ToolResults.Error(error!);
        if (string.IsNullOrWhiteSpace(id)) return ToolResults.Error($"'id' is required for {action}, e.g. {{\"action\": \"{action}\", \"id\": \"p1\"}} (process list shows the ids)");
        var process = shell.Background.Get(id);
        if (process is null) return ToolResults.Error($"no background process '{id}'; process list shows the ones there are");
        switch (action)
        {
            case "stop":
                process.Stop();
                var code = await process.Exited.ConfigureAwait(false);
                var stopped = ExecTool.Finished(process, code);
                stopped["id"] = process.Id;
                stopped["status"] = process.Status;
                return ToolResults.Ok(stopped);
            case "output":
                var (text, omitted) = process.Output.Read();
                var output = ProcessTable.Describe(process);
                output["output"] = text;
                if (omitted > 0) output["omitted_bytes"] = omitted;
                return ToolResults.Ok(output);
            default:
                return ToolResults.Ok(ProcessTable.Describe(process));
        }
    }
}
