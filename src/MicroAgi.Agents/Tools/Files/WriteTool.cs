using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// <c>write {path, content}</c>: creates or replaces a file in the workspace (parent directories made
/// as needed) and reports the bytes written. An existing file must have been read first and be
/// unchanged since, so the agent never overwrites work it has not seen. Needs approval.
/// </summary>
internal sealed class WriteTool(WorkspaceRoot workspace, FileReadLedger ledger, ApprovalGate approval)
{
    /// <summary>How much of the new content the approval prompt shows.</summary>
    private const int PreviewCharacters = 2000;

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!ToolResults.TryOptionalString(call.Arguments, "path", out var path, out var error)
            || !ToolResults.TryOptionalString(call.Arguments, "content", out var content, out error))
            return ToolResults.Error(error!);
        if (content is null) return ToolResults.Error("'content' is required: the file's whole new text");
        if (!workspace.TryResolve(path, out var full, out error)) return ToolResults.Error(error);
        var shown = workspace.Relative(full);
        if (Directory.Exists(full)) return ToolResults.Error($"{shown} is a directory; give a file path");
        if (ledger.ClobberProblem(full, shown) is { } clobber) return ToolResults.Error(clobber);

        var existed = File.Exists(full);
        var bytes = existed ? FileText.Decode(File.ReadAllBytes(full)).Encode(content) : Encoding.UTF8.GetBytes(content);
        var preview = content.Length <= PreviewCharacters ? content : content[..PreviewCharacters] + $"\n… ({content.Length - PreviewCharacters} more characters)";
        var request = ApprovalRequest.FileChange("write", $"{(existed ? "overwrite" : "create")} {shown} ({bytes.Length} bytes)", preview);
        if (await approval.CheckAsync(request, cancellationToken).ConfigureAwait(false) is { } refused) return ToolResults.Error(refused);

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllBytesAsync(full, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ToolResults.Error($"{shown} cannot be written: {ex.Message}");
        }
        ledger.Saw(full);
        return ToolResults.Ok(new JsonObject { ["path"] = shown, ["bytes_written"] = bytes.Length, ["created"] = !existed });
    }
}
