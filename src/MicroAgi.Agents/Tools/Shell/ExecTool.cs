using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// <c>exec {command, cwd?, timeout?}</c>: runs the command through <c>bash -c</c> and returns its exit
/// code and the tail of its output (200 KB). A command still running after the yield time (30 s)
/// carries on in the background as a process the model can follow with the process tool, until it
/// ends or its timeout kills its whole process group. Needs approval: the loop asks with
/// <see cref="Describe"/> before the call runs.
/// </summary>
internal sealed class ExecTool(ShellRunner shell)
{
    /// <summary>The approval question for a call: the command and where it runs; null when the call will be refused anyway.</summary>
    public ApprovalRequest? Describe(JsonNode? arguments) => TryPrepare(arguments, out var launch, out _) ? shell.Describe(launch) : null;

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!TryPrepare(call.Arguments, out var launch, out var error)) return ToolResults.Error(error);
        var (process, problem) = shell.Start(launch);
        if (process is null) return ToolResults.Error(problem!);
        var lifetime = launch.Lifetime;

        try
        {
            var finished = await Task.WhenAny(process.Exited, Task.Delay(shell.Options.YieldAfter, cancellationToken)).ConfigureAwait(false);
            if (finished == process.Exited) return ToolResults.Ok(Finished(process, await process.Exited.ConfigureAwait(false)));
        }
        catch (OperationCanceledException)
        {
            process.Dispose();
            throw;
        }

        if (cancellationToken.IsCancellationRequested || shell.Background.FullProblem() is { } full)
        {
            process.Dispose();
            return ToolResults.Error($"the command was still running after {shell.Options.YieldAfter.TotalSeconds:0} s and was stopped: {shell.Background.FullProblem() ?? "cancelled"}");
        }
        shell.Background.Add(process);
        var (text, omitted) = process.Output.Read();
        var result = new JsonObject
        {
            ["status"] = "running",
            ["process_id"] = process.Id,
            ["output_so_far"] = text,
            ["note"] = $"still running after {shell.Options.YieldAfter.TotalSeconds:0} s, now in the background (killed after {lifetime.TotalSeconds:0} s); follow it with process {{\"action\": \"output\", \"id\": \"{process.Id}\"}} or stop it with action stop",
        };
        if (omitted > 0) result["omitted_bytes"] = omitted;
        return ToolResults.Ok(result);
    }

    private bool TryPrepare(JsonNode? arguments, out ShellRunner.Launch launch, out string error)
    {
        launch = null!;
        if (!ToolResults.TryOptionalString(arguments, "command", out var command, out var problem)
            || !ToolResults.TryOptionalString(arguments, "cwd", out var cwd, out problem)
            || !ToolResults.TryOptionalInteger(arguments, "timeout", 1, int.MaxValue, out var seconds, out problem)
            || !shell.TryLifetime(seconds, out var lifetime, out problem))
            return ToolResults.Refuse(problem!, out error);
        return shell.TryPrepare("exec", command, cwd, lifetime, out launch, out error);
    }

    /// <summary>A finished command as the model reads it: exit code, output tail, and why it ended if it was killed.</summary>
    public static JsonObject Finished(ShellProcess process, int exitCode)
    {
        var (text, omitted) = process.Output.Read();
        var result = new JsonObject { ["exit_code"] = exitCode, ["output"] = text };
        if (omitted > 0) result["omitted_bytes"] = omitted;
        if (omitted > 0) result["note"] = $"only the last {process.Output.Capacity / 1024} KB of output is shown ({omitted} earlier bytes dropped)";
        if (process.TimedOut) result["timed_out"] = true;
        if (process.TimedOut) result["error"] = "the command ran past its timeout and was killed (with everything it started)";
        if (process.Stopped) result["stopped"] = true;
        return result;
    }
}
