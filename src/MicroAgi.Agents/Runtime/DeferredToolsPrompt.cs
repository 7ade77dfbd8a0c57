using System.Text;
using MicroAgi.Functions.Tools;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// The one line of the system prompt that names an agent's deferred tools, each with its short title
/// (<c>meta.title</c>, else the start of its description) unless the name says as much, so that a dozen tools
/// cost what one schema would. A call's arguments are checked against the schema as for any tool, so a
/// model that guessed them wrong reads what the tool takes.
/// </summary>
internal static class DeferredToolsPrompt
{
    private const int MaxSummaryLength = 40;

    public static string For(IEnumerable<RegistryToolFunction> tools)
    {
        var text = new StringBuilder("Also callable by name: ");
        text.AppendJoin(", ", tools.Select(t => Summary(t.Tool) is { } summary ? $"{t.Name} ({summary})" : t.Name));
        return text.Append('.').ToString();
    }

    private static string? Summary(ToolEntry tool)
    {
        var summary = (tool.Entry.MetaString("title") ?? tool.Description).ReplaceLineEndings(" ").Trim().ToLowerInvariant();
        if (summary.Length == 0 || summary == tool.LlmName.Replace('_', ' ')) return null;
        return summary.Length <= MaxSummaryLength ? summary : summary[..(MaxSummaryLength - 1)].TrimEnd() + "…";
    }
}
