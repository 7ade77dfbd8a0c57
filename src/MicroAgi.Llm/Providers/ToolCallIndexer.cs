using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Gives streamed tool-call deltas that carry no <c>index</c> (older Ollama, some proxies) the index the OpenAI
/// protocol requires, before the SDK reads them: a delta with an <c>id</c> begins the next call, one without
/// continues the current call. Without this the SDK reads every such delta as index 0 and M.E.AI's adapter merges
/// all calls of a reply into one. Lines without tool calls pass through untouched (and unparsed).
/// </summary>
internal sealed class ToolCallIndexer
{
    private static readonly byte[] ToolCallsMember = "\"tool_calls\""u8.ToArray();

    /// <summary>Per choice, the index of the call being streamed (-1 before the first).</summary>
    private readonly Dictionary<int, int> _current = [];

    /// <summary>Complete SSE lines, with an index given to every tool-call delta that had none.</summary>
    public byte[] Indexed(byte[] lines)
    {
        if (lines.AsSpan().IndexOf(ToolCallsMember) < 0) return lines;
        var text = Encoding.UTF8.GetString(lines).Split('\n');
        var changed = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (IndexedLine(text[i]) is { } indexed)
            {
                text[i] = indexed;
                changed = true;
            }
        }
        return changed ? Encoding.UTF8.GetBytes(string.Join('\n', text)) : lines;
    }

    /// <summary>The line with indices added, or null when it needs none (or is not a chunk; the stream check reports that).</summary>
    private string? IndexedLine(string line)
    {
        if (!line.StartsWith("data:", StringComparison.Ordinal) || !line.Contains("\"tool_calls\"", StringComparison.Ordinal)) return null;
        var carriageReturn = line.EndsWith('\r');
        JsonNode? chunk;
        try
        {
            chunk = JsonNode.Parse(line.AsSpan(5).TrimEnd('\r').ToString());
        }
        catch (JsonException)
        {
            return null;
        }
        if (chunk?["choices"] is not JsonArray choices) return null;
        var changed = false;
        for (var position = 0; position < choices.Count; position++)
        {
            if (choices[position] is not JsonObject choice || choice["delta"]?["tool_calls"] is not JsonArray calls) continue;
            var choiceIndex = choice["index"] is JsonValue value && value.TryGetValue(out int number) ? number : position;
            foreach (var call in calls.OfType<JsonObject>().Where(c => !c.ContainsKey("index")))
            {
                var current = _current.GetValueOrDefault(choiceIndex, -1);
                if (current < 0 || call["id"] is JsonValue id && !string.IsNullOrEmpty(id.GetValue<string>())) current++;
                _current[choiceIndex] = current;
                call["index"] = current;
                changed = true;
            }
        }
        return changed ? "data: " + chunk.ToJsonString() + (carriageReturn ? "\r" : "") : null;
    }
}
