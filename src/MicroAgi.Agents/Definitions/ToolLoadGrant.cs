using MicroAgi.Registry;
using MicroAgi.Security;

namespace MicroAgi.Agents.Definitions;

/// <summary>
/// Which tools an agent may add to itself at runtime: the id patterns of its definition's <c>loadable</c>
/// list, with the security policies' pattern rules (<c>*</c> everything, a trailing <c>*</c> a prefix,
/// else the exact id; so <c>app.generated:*</c> does not cover <c>app.generated.x:y</c>). Every path
/// that gives an agent a tool it was not defined with asks this one check: <c>load_tool</c>, a resumed
/// session re-adding the tools it had loaded, and a subagent inheriting tools.
/// </summary>
public sealed class ToolLoadGrant
{
    /// <summary>What an agent may load when its definition does not say: the tools it generated itself.</summary>
    public static IReadOnlyList<string> DefaultPatterns { get; } = ["app.generated:*"];

    private readonly PolicyPattern[] _patterns;

    public ToolLoadGrant(EntryId agent, IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        Agent = agent;
        _patterns = [.. patterns.Select(p => new PolicyPattern(p))];
    }

    /// <summary>The grant of <paramref name="definition"/>.</summary>
    public static ToolLoadGrant Of(AgentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new ToolLoadGrant(definition.Id, definition.Loadable);
    }

    public EntryId Agent { get; }

    public IEnumerable<string> Patterns => _patterns.Select(p => p.Text);

    public bool Allows(EntryId tool) => Array.Exists(_patterns, p => p.Matches(tool.ToString()));

    /// <summary>Why <paramref name="tool"/> may not be loaded, or null when it may.</summary>
    public string? Refusal(EntryId tool) => Allows(tool) ? null : $"not loadable by {Agent}: {tool}";
}

/// <summary>A tool an agent's <see cref="ToolLoadGrant"/> does not cover was to be added to it.</summary>
public sealed class ToolNotLoadableException(string message) : Exception(message);
