using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools.Files;
using MicroAgi.Agents.Tools.Shell;
using MicroAgi.Agents.Tools.Subagents;
using MicroAgi.Agents.Tools.Web;
using MicroAgi.Lua.Modules;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// What the tools that reach the machine (files, shell, web, subagents) work within: the workspace
/// they are confined to, the approval gate for changes and what each change would do, the shell with its sandbox and background
/// processes. One per session; disposing it kills the session's background processes.
/// </summary>
public sealed class MachineAccess : IDisposable
{
    public MachineAccess(WorkspaceRoot workspace, ApprovalGate approval, ShellSandbox sandbox, ShellOptions? shell = null, WebOptions? web = null, SubagentOptions? subagents = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(sandbox);
        Workspace = workspace;
        Approval = approval;
        Shell = new ShellRunner(workspace, sandbox, shell ?? new ShellOptions());
        Changes = new MachineChanges(workspace, Ledger, Shell);
        Web = web ?? new WebOptions();
        FetchClient = new SafeHttpClient(new HttpClientOptions
        {
            AllowedNetworks = Web.AllowedNetworks,
            MaxRedirects = Web.MaxRedirects,
            MaxResponseBytes = WebFetchTool.MaxBodyBytes,
            UserAgent = "MicroAgi/1.0 (web_fetch)",
        });
        SearchClient = new HttpClient { Timeout = Web.Timeout };
        Subagents = new SubagentLauncher(subagents ?? new SubagentOptions());
    }

    public WebOptions Web { get; }

    /// <summary>web_fetch's client: every connection checked by the same address policy as the Lua http_client.</summary>
    internal SafeHttpClient FetchClient { get; }

    /// <summary>web_search's client, for the provider the user configured.</summary>
    internal HttpClient SearchClient { get; }

    /// <summary>Runs sessions_spawn's child agents (attached to the session once it exists).</summary>
    public SubagentLauncher Subagents { get; }

    public WorkspaceRoot Workspace { get; }

    /// <summary>Decides the calls that change the machine; the loop and <c>mcp serve</c> ask it before such a call runs.</summary>
    public ApprovalGate Approval { get; }

    /// <summary>The tools that change the machine, and what a call of one would do (the approval question).</summary>
    public MachineChanges Changes { get; }

    /// <summary>The file versions the agent has seen (write refuses to overwrite what it has not).</summary>
    public FileReadLedger Ledger { get; } = new();

    /// <summary>Runs exec and process commands and keeps the background ones.</summary>
    public ShellRunner Shell { get; }

    /// <summary>
    /// The current directory as workspace and a gate that refuses every change and command because nobody
    /// can be asked — safe for hosts that configure nothing (so no sandbox is looked for either).
    /// </summary>
    public static MachineAccess InCurrentDirectory() =>
        new(WorkspaceRoot.At(Environment.CurrentDirectory), new ApprovalGate(ApprovalMode.Ask), ShellSandbox.Off);

    public void Dispose()
    {
        Shell.Dispose();
        FetchClient.Dispose();
        SearchClient.Dispose();
    }
}
