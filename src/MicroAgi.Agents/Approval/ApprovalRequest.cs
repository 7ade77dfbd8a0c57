namespace MicroAgi.Agents.Approval;

/// <summary>
/// One change the agent wants to make, as the user is shown it.
/// </summary>
/// <param name="Tool">The tool asking (write, edit, exec, process, or a generated tool's id).</param>
/// <param name="Kind">File change, command or a generated tool's first run.</param>
/// <param name="Summary">One line: what will happen, e.g. <c>write notes/todo.md (120 bytes)</c> or <c>run: make test</c>.</param>
/// <param name="Detail">What the user should read before saying yes: the diff, the new content, the command in full.</param>
/// <param name="StandingKey">What an "always" answer approves from then on: all file changes, this exact command, or this tool at this version of its code.</param>
public sealed record ApprovalRequest(string Tool, ApprovalKind Kind, string Summary, string Detail, string StandingKey)
{
    /// <summary>A file change: an "always" covers every file change in the workspace.</summary>
    public static ApprovalRequest FileChange(string tool, string summary, string detail) =>
        new(tool, ApprovalKind.FileChange, summary, detail, "file changes");

    /// <summary>A command: an "always" covers this exact command line only.</summary>
    public static ApprovalRequest Command(string tool, string command, string detail) =>
        new(tool, ApprovalKind.Command, $"run: {command}", detail, "command: " + command);

    /// <summary>
    /// A generated tool's first run in the session: an "always" covers this tool while its code stays the same
    /// (<paramref name="codeHash"/>), so a changed tool is asked about again.
    /// </summary>
    public static ApprovalRequest GeneratedTool(string toolId, string codeHash, string detail) =>
        new(toolId, ApprovalKind.GeneratedTool, $"first run of the generated tool {toolId}", detail, $"tool: {toolId} #{codeHash}");
}

/// <summary>Asks the user about a request (the REPL shows it and reads the answer).</summary>
public interface IApprovalPrompt
{
    Task<ApprovalAnswer> AskAsync(ApprovalRequest request, CancellationToken cancellationToken);
}
