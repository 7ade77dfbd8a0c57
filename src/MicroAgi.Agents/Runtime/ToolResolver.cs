using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;
using MicroAgi.Security;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// Turns an agent's tool list (entry ids and id patterns) into the functions the model is offered, reading every schema from the current registry state — so a tool changed at runtime is
/// seen on the next load. What a tool is, and its name and schema, is <see cref="ToolEntry"/>'s to say.
/// A pattern follows the security policies' rules (<see cref="PolicyPattern"/>): <c>app.tools:*</c> is every
/// tool of exactly that namespace, <c>mcp.*</c> every tool of every <c>mcp.&lt;server&gt;</c> namespace.
/// </summary>
public static class ToolResolver
{
    /// <summary>A tool an agent cannot use, and why (an unknown id, a bad name, a name taken twice).</summary>
    public sealed record Problem(string Tool, string Reason);

    public static (IReadOnlyList<RegistryToolFunction> Tools, IReadOnlyList<Problem> Problems) Resolve(
        RegistrySnapshot registry, IEnumerable<string> toolReferences, IFunctionCaller caller)
    {
        var (tools, problems) = ResolveEntries(registry, toolReferences);
        return ([.. tools.Select(tool => new RegistryToolFunction(tool, caller))], problems);
    }

    /// <summary>The tool entries <paramref name="toolReferences"/> grant, without binding them to a caller (for listing them).</summary>
    public static (IReadOnlyList<ToolEntry> Tools, IReadOnlyList<Problem> Problems) ResolveEntries(RegistrySnapshot registry, IEnumerable<string> toolReferences)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var tools = new List<ToolEntry>();
        var problems = new List<Problem>();
        var byName = new Dictionary<string, EntryId>(StringComparer.Ordinal);
        foreach (var reference in toolReferences.Distinct(StringComparer.Ordinal))
        {
            foreach (var tool in Expand(registry, reference, problems))
            {
                if (tools.Any(t => t.Id == tool.Id)) continue;
                if (tool.NameProblem is { } nameProblem)
                {
                    problems.Add(new Problem(tool.Id.ToString(), nameProblem));
                    continue;
                }
                if (byName.TryGetValue(tool.LlmName, out var taken))
                {
                    problems.Add(new Problem(tool.Id.ToString(), $"the name '{tool.LlmName}' is already used by {taken}; set a different meta.llm_alias"));
                    continue;
                }
                byName[tool.LlmName] = tool.Id;
                tools.Add(tool);
            }
        }
        return (tools, problems);
    }

    private static IEnumerable<ToolEntry> Expand(RegistrySnapshot registry, string reference, List<Problem> problems)
    {
        if (reference.EndsWith(":*", StringComparison.Ordinal))
        {
            return registry.Find(ToolEntry.Query(new EntryQuery { Namespace = reference[..^2] })).Select(e => ToolEntry.From(e)!);
        }
        if (reference.EndsWith('*'))
        {
            var pattern = new PolicyPattern(reference);
            return registry.Find(ToolEntry.Query()).Where(e => pattern.Matches(e.Id.ToString())).Select(e => ToolEntry.From(e)!);
        }
        if (!EntryId.TryParse(reference, out var id, out var error))
        {
            problems.Add(new Problem(reference, error));
            return [];
        }
        var entry = registry.Get(id);
        if (entry is null)
        {
            problems.Add(new Problem(reference, "not found in the registry"));
            return [];
        }
        if (ToolEntry.From(entry) is not { } tool)
        {
            problems.Add(new Problem(reference, "not a tool (meta.type != 'tool')"));
            return [];
        }
        return [tool];
    }
}
