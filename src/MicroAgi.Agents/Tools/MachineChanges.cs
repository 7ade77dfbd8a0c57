using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools.Files;
using MicroAgi.Agents.Tools.Shell;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// The built-in tools that change the machine — write, edit, exec, process — made once per machine, so the
/// question the loop asks before a call (<see cref="Describe"/>) and the call itself check and plan the same way.
/// </summary>
public sealed class MachineChanges : IChangePreview
{
    internal MachineChanges(WorkspaceRoot workspace, FileReadLedger ledger, ShellRunner shell)
    {
        Write = new WriteTool(workspace, ledger);
        Edit = new EditTool(workspace, ledger);
        Exec = new ExecTool(shell);
        Process = new ProcessTool(shell);
    }

    internal WriteTool Write { get; }
    internal EditTool Edit { get; }
    internal ExecTool Exec { get; }
    internal ProcessTool Process { get; }

    public ApprovalRequest? Describe(string handler, JsonNode? arguments) => handler switch
    {
        BuiltInTools.Write => Write.Describe(arguments),
        BuiltInTools.Edit => Edit.Describe(arguments),
        BuiltInTools.Exec => Exec.Describe(arguments),
        BuiltInTools.Process => Process.Describe(arguments),
        _ => null,
    };
}
