namespace MicroAgi.Agents.Policy;

/// <summary>
/// Tools known only by how their names and ids begin, before they exist: an MCP server's tools are
/// <c>mcp_&lt;server&gt;_…</c> with ids <c>mcp.&lt;server&gt;:…</c>, and which ones there are is known only
/// once the server runs. The tool policy can still tell whether it removes every one of them
/// (<see cref="CompiledToolPolicy.RemovesEvery"/>), so a server whose tools would all be filtered out is never started.
/// </summary>
public sealed record ToolFamily(string NamePrefix, string IdPrefix)
{
    /// <summary>
    /// A tail no policy item contains: an item that matches a name ending in it matches it through a trailing
    /// <c>*</c>, and so matches the name with any tail at all.
    /// </summary>
    private const char Unwritten = '\u0001';

    /// <summary>Whether the name or id pattern <paramref name="pattern"/> matches every tool of the family.</summary>
    internal bool AllMatch(string pattern, bool byId) =>
        !pattern.Contains(Unwritten, StringComparison.Ordinal) && Wildcard.Matches(pattern, (byId ? IdPrefix : NamePrefix) + Unwritten);

    /// <summary>Whether the name or id pattern <paramref name="pattern"/> can match some tool of the family.</summary>
    internal bool SomeMatch(string pattern, bool byId) => Wildcard.MatchesSomeWithPrefix(pattern, byId ? IdPrefix : NamePrefix);

    /// <summary>Whether the plain tool name <paramref name="name"/> can be one of the family's.</summary>
    internal bool CanBeNamed(string name) => name.Length > NamePrefix.Length && name.StartsWith(NamePrefix, StringComparison.OrdinalIgnoreCase);
}
