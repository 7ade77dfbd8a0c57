namespace MicroAgi.Agents.Approval;

/// <summary>How much the agent may change on the machine without asking (<c>--approval</c>, <c>approval:</c> in microagi.yaml).</summary>
public enum ApprovalMode
{
    /// <summary>Every file change, command and generated tool's first run is shown and needs a yes (the REPL's default).</summary>
    Ask,

    /// <summary>File changes (write, edit) and generated tools (sandboxed Lua) go ahead; commands still need a yes.</summary>
    AutoEdit,

    /// <summary>Nothing is asked: file changes, generated tools and commands go ahead (inside the workspace and the sandboxes).</summary>
    FullAuto,
}

/// <summary>What kind of change a request is, which decides whether a mode lets it through.</summary>
public enum ApprovalKind
{
    /// <summary>Writing or editing a file in the workspace.</summary>
    FileChange,

    /// <summary>Running a command (exec, process start).</summary>
    Command,

    /// <summary>
    /// The first run in a session of a tool the agent (or anyone) wrote in Lua: sandboxed and fenced by the
    /// namespace policies, but code the user has not seen yet.
    /// </summary>
    GeneratedTool,
}

/// <summary>The user's answer to one request.</summary>
public enum ApprovalAnswer
{
    No,
    Yes,

    /// <summary>Yes, and the same request goes ahead without asking for the rest of this session.</summary>
    AlwaysThisSession,

    /// <summary>Yes, and the same request goes ahead without asking in this workspace from now on (kept on disk).</summary>
    AlwaysThisWorkspace,
}

/// <summary>The words accepted for <see cref="ApprovalMode"/>, as the command line and microagi.yaml spell them.</summary>
public static class ApprovalModes
{
    public const string Help = "ask, auto-edit or full-auto";

    public static bool TryParse(string? text, out ApprovalMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "ask":
                mode = ApprovalMode.Ask;
                return true;
            case "auto-edit" or "auto_edit":
                mode = ApprovalMode.AutoEdit;
                return true;
            case "full-auto" or "full_auto":
                mode = ApprovalMode.FullAuto;
                return true;
            default:
                mode = ApprovalMode.Ask;
                return false;
        }
    }

    public static string Name(ApprovalMode mode) => mode switch
    {
        ApprovalMode.AutoEdit => "auto-edit",
        ApprovalMode.FullAuto => "full-auto",
        _ => "ask",
    };
}
