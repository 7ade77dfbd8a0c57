using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Profiles;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Files;
using MicroAgi.Agents.Tools.Shell;

namespace MicroAgi.Cli.Hosting;

/// <summary>Builds the machine tools' workspace, approval gate and shell from microagi.yaml and the command line.</summary>
internal static class MachineSetup
{
    public const string StandingApprovalsFile = "approvals.json";

    /// <summary>
    /// The approval mode: <c>--approval</c>, else <c>tools.approval</c>, else ask. Where nobody can be
    /// asked (<c>-p</c>, piped input) ask means every change is refused with a message saying how to allow it.
    /// </summary>
    public static ApprovalMode Mode(string? flag, MicroAgiConfig config)
    {
        if (flag is not null && !ApprovalModes.TryParse(flag, out _))
            throw new ConfigException($"--approval must be {ApprovalModes.Help}, not '{flag}'");
        return ApprovalModes.TryParse(flag ?? config.Tools.Approval, out var mode) ? mode : ApprovalMode.Ask;
    }

    /// <param name="profile">Whose memory (memory.md, memory/) the file tools may also use, wherever the workspace is.</param>
    public static MachineAccess Create(MicroAgiConfig config, HostSettings host, ApprovalMode mode, IApprovalPrompt? prompt, AgentProfile? profile = null)
    {
        WorkspaceRoot workspace;
        try
        {
            workspace = WorkspaceRoot.At(config.Tools.Workspace ?? Environment.CurrentDirectory);
            if (profile is not null) workspace = workspace.AlsoAllowing([profile.MemoryFile], [profile.MemoryDirectory]);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ConfigException($"tools.workspace: {ex.Message}", ex);
        }
        ShellSandbox sandbox;
        try
        {
            sandbox = ShellSandbox.Detect(config.Tools.Exec.Mode());
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException(ex.Message, ex);
        }
        // "Always in this workspace" is kept with the profile, as its approval mode is; a run without one (ephemeral) keeps it in the state directory.
        var standing = new StandingApprovals(Path.Combine(profile?.Directory ?? host.StateDirectory, StandingApprovalsFile), workspace.FullPath);
        var web = config.Tools.Web.Options() with { Search = config.Tools.WebSearch.Chosen(Environment.GetEnvironmentVariable) };
        return new MachineAccess(workspace, new ApprovalGate(mode, prompt, standing), sandbox, config.Tools.Exec.Options(), web, config.Tools.Subagents.Options());
    }
}
