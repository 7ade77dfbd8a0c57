using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// <c>write {path, content}</c>: creates or replaces a file in the workspace (parent directories made
/// as needed) and reports the bytes written. An existing file must have been read first and be
/// unchanged since, so the agent never overwrites work it has not seen. Needs approval: the loop asks
/// with <see cref="Describe"/> before the call runs.
/// </summary>
internal sealed class WriteTool(WorkspaceRoot workspace, FileReadLedger ledger)
{
    /// <summary>How much of a new file's content the approval question shows.</summary>
    private const int PreviewCharacters = 2000;

    /// <summary>One write as the arguments ask for it, checked: what is shown before it runs is what runs.</summary>
    private sealed record Plan(string FullPath, string Shown, string Content, string? OldText, byte[] Bytes);

    /// <summary>The approval question for a call: the path and the diff against the file, or the new file's head; null when the call will be refused anyway.</summary>
    public ApprovalRequest? Describe(JsonNode? arguments)
    {
        if (!TryPlan(arguments, out var plan, out _)) return null;
        var preview = plan.OldText is { } old ? LineDiff.Between(old, plan.Content) : NewFile(plan.Content);
        return ApprovalRequest.FileChange("write", $"{(plan.OldText is null ? "create" : "overwrite")} {plan.Shown} ({plan.Bytes.Length} bytes)", preview);
    }

    /// <summary>A new file as a diff: its first lines, all added (so a Markdown "- item" is not taken for a removal).</summary>
    private static string NewFile(string content)
    {
        if (content.Length == 0) return "(an empty file)";
        if (content.Length <= PreviewCharacters) return LineDiff.Between("", content);
        return LineDiff.Between("", content[..PreviewCharacters]) + $"… ({content.Length - PreviewCharacters} more characters)\n";
    }

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!TryPlan(call.Arguments, out var plan, out var error)) return ToolResults.Error(error);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(plan.FullPath)!);
            await File.WriteAllBytesAsync(plan.FullPath, plan.Bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ToolResults.Error($"{plan.Shown} cannot be written: {ex.Message}");
        }
        ledger.Saw(plan.FullPath);
        return ToolResults.Ok(new JsonObject { ["path"] = plan.Shown, ["bytes_written"] = plan.Bytes.Length, ["created"] = plan.OldText is null });
    }

    private bool TryPlan(JsonNode? arguments, out Plan plan, out string error)
    {
        plan = null!;
        if (!ToolResults.TryOptionalString(arguments, "path", out var path, out var problem)
            || !ToolResults.TryOptionalString(arguments, "content", out var content, out problem))
            return ToolResults.Refuse(problem!, out error);
        if (content is null) return ToolResults.Refuse("'content' is required: the file's whole new text", out error);
        if (!workspace.TryResolve(path, out var full, out problem)) return ToolResults.Refuse(problem, out error);
        var shown = workspace.Relative(full);
        if (Directory.Exists(full)) return ToolResults.Refuse($"{shown} is a directory; give a file path", out error);
        if (ledger.ClobberProblem(full, shown) is { } clobber) return ToolResults.Refuse(clobber, out error);

        var existing = File.Exists(full) ? FileText.Decode(File.ReadAllBytes(full)) : null;
        plan = new Plan(full, shown, content, existing?.Text, existing?.Encode(content) ?? Encoding.UTF8.GetBytes(content));
        error = "";
        return true;
    }
}
