using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools.Files;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// What the tools that reach the machine (files, shell, web, subagents) work within: the workspace
/// they are confined to, the approval gate for changes, and each group's limits. One per session.
/// </summary>
public sealed record MachineAccess
{
    public MachineAccess(WorkspaceRoot workspace, ApprovalGate approval)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(approval);
        Workspace = workspace;
        Approval = approval;
    }

    public WorkspaceRoot Workspace { get; }

    public ApprovalGate Approval { get; }

    /// <summary>The file versions the agent has seen (write refuses to overwrite what it has not).</summary>
    public FileReadLedger Ledger { get; init; } = new();

    /// <summary>
    /// The current directory as workspace, and a gate that refuses every change because nobody can be
    /// asked: safe for hosts that configure nothing.
    /// </summary>
    public static MachineAccess InCurrentDirectory() => new(WorkspaceRoot.At(Environment.CurrentDirectory), new ApprovalGate(ApprovalMode.Ask));
}
