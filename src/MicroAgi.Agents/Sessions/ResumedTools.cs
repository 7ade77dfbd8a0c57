using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Sessions;

/// <summary>
/// The tools a saved conversation had loaded, found from its successful <c>load_tool</c> results, so a
/// resumed session offers them again. They go through the agent's grant like any load: a transcript is
/// a file anyone may have edited, and the agent's <c>loadable</c> list may have narrowed since.
/// </summary>
public static class ResumedTools
{
    /// <summary>Re-adds to <paramref name="context"/> the tools <paramref name="history"/> loaded.</summary>
    /// <returns>Why each tool the grant refused stayed out.</returns>
    public static IReadOnlyList<string> Restore(AgentContext context, IReadOnlyList<ChatMessage> history)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0) return [];
        var loadTool = context.LoadAgent().Tools.FirstOrDefault(t => t.Tool.Id == ToolCallExecutor.LoadToolId);
        if (loadTool is null) return [];
        return context.RestoreTools(Loaded(history, loadTool.Name));
    }

    /// <summary>The ids of the tools that calls named <paramref name="loadToolName"/> loaded, in order.</summary>
    public static IReadOnlyList<EntryId> Loaded(IReadOnlyList<ChatMessage> history, string loadToolName)
    {
        ArgumentNullException.ThrowIfNull(history);
        var loadCalls = history.SelectMany(m => m.Contents).OfType<FunctionCallContent>()
            .Where(c => c.Name == loadToolName).Select(c => c.CallId).ToHashSet(StringComparer.Ordinal);
        var loaded = new List<EntryId>();
        foreach (var result in history.Where(m => m.Role == ChatRole.Tool).SelectMany(m => m.Contents).OfType<FunctionResultContent>())
        {
            if (!loadCalls.Contains(result.CallId) || LoadedId(result.Result) is not { } id || loaded.Contains(id)) continue;
            loaded.Add(id);
        }
        return loaded;
    }

    private static EntryId? LoadedId(object? result)
    {
        JsonNode? node;
        try
        {
            node = result switch
            {
                string text => JsonNode.Parse(text),
                JsonElement element => JsonNode.Parse(element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText()),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
        return LoadToolResult.LoadedId(node);
    }
}
