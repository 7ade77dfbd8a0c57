using System.Text.Json.Nodes;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// <c>exec {command, cwd?, timeout?}</c>: runs the command through <c>bash -c</c> and returns its exit
/// code and the tail of its output (200 KB). A command still running after the yield time (30 s)
/// carries on in the background as a process the model can follow with the process tool, until it
/// ends or its timeout kills its whole process group. Needs approval.
/// </summary>
internal sealed class ExecTool(ShellRunner shell)
{
    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!ToolResults.TryOptionalString(call.Arguments, "command", out var command, out var error)
            || !ToolResults.TryOptionalString(call.Arguments, "cwd", out var cwd, out error)
            || !ToolResults.TryOptionalInteger(call.Arguments, "timeout", 1, int.MaxValue, out var seconds, out error)
            || !shell.TryLifetime(seconds, out var lifetime, out error))
            return ToolResults.Error(error!);
        var (process, problem) = await shell.StartAsync("exec", command ?? "", cwd, lifetime, cancellationToken).ConfigureAwait(false);
        if (process is null) return ToolResults.Error(problem!);

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
