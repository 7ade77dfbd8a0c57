namespace MicroAgi.Registry;

/// <summary>
/// Who wrote a version: the operating-system user, the agent (when an agent's tool wrote it), the
/// session and the machine. Any part may be unknown (null), e.g. in versions stored before authors were.
/// </summary>
public sealed record VersionAuthor(string? User, string? Agent = null, string? Session = null, string? Machine = null)
{
    /// <summary>This process: the current user and machine.</summary>
    public static VersionAuthor OfProcess(string? session = null) => new(Environment.UserName, null, session, Environment.MachineName);

    /// <summary>This author's known parts, with <paramref name="defaults"/> filling the unknown ones.</summary>
    public VersionAuthor Over(VersionAuthor defaults) =>
        new(User ?? defaults.User, Agent ?? defaults.Agent, Session ?? defaults.Session, Machine ?? defaults.Machine);

    /// <summary>Whether <paramref name="who"/> is this author's user, agent, session or machine.</summary>
    public bool Matches(string who) => who == User || who == Agent || who == Session || who == Machine;

    public override string ToString() =>
        string.Join(" ", new[] { User, Agent is null ? null : "agent " + Agent, Session is null ? null : "session " + Session, Machine is null ? null : "@" + Machine }
            .Where(part => part is not null));
}
