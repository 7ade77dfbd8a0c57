using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Approval;

/// <summary>
/// Describes, before it runs, what a call of a built-in tool that changes the machine (write, edit, exec,
/// process start) would do — the question the user is asked at the approval seam.
/// </summary>
public interface IChangePreview
{
    /// <param name="handler">The native handler the tool's entry names (<c>data.handler</c>: write, edit, exec, process).</param>
    /// <param name="arguments">The call's arguments as the tool receives them.</param>
    /// <returns>
    /// The question; null when the call changes nothing that needs a yes (process list, status, output, stop,
    /// cleanup) or will be refused by the tool anyway (its arguments are wrong), so nobody is asked about it.
    /// </returns>
    ApprovalRequest? Describe(string handler, JsonNode? arguments);
}
