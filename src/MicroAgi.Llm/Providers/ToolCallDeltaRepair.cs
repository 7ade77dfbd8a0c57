using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Gives each streamed tool-call delta what M.E.AI's OpenAI adapter needs to keep the calls apart and to keep
/// them at all, before the SDK reads them:
/// <list type="bullet">
/// <item>an <c>index</c>, which older Ollama and some proxies leave out: a delta with an <c>id</c> begins the next
/// call, one without continues the current call (the SDK would read every such delta as index 0, and the adapter
/// merge all calls of a reply into one);</item>
/// <item>a name on the first delta of a call that has none, <see cref="OpenAICompatibilityChatClient.NamelessCallMarker"/>
/// (the adapter drops a nameless call, leaving a reply that says "tool_calls" with no call in it; the model is
/// meant to read "the tool call has no name" instead).</item>
/// </list>
/// Lines without tool calls pass through untouched (and unparsed).
/// </summary>
internal sealed class ToolCallDeltaRepair
{
    private static readonly byte[] ToolCallsMember = "\"tool_calls\""u8.ToArray();

    /// <summary>Per choice, the index of the call being streamed (-1 before the first).</summary>
    private readonly Dictionary<int, int> _current = [];

    /// <summary>The (choice, index) pairs of the calls begun so far.</summary>
    private readonly HashSet<(int Choice, int Index)> _begun = [];

    /// <summary>Complete SSE lines, with every tool-call delta repaired.</summary>
    public byte[] Repaired(byte[] lines)
    {
        if (lines.AsSpan().IndexOf(ToolCallsMember) < 0) return lines;
        var text = Encoding.UTF8.GetString(lines).Split('\n');
        var changed = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (RepairedLine(text[i]) is { } repaired)
            {
                text[i] = repaired;
                changed = true;
            }
        }
        return changed ? Encoding.UTF8.GetBytes(string.Join('\n', text)) : lines;
    }

    /// <summary>The line repaired, or null when it needs nothing (or is not a chunk; the stream check reports that).</summary>
    private string? RepairedLine(string line)
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
            foreach (var call in calls.OfType<JsonObject>())
                changed |= RepairCall(choiceIndex, call);
        }
        return changed ? "data: " + chunk.ToJsonString() + (carriageReturn ? "\r" : "") : null;
    }

    private bool RepairCall(int choice, JsonObject call)
    {
        var changed = false;
        if (call["index"] is not JsonValue indexValue || !indexValue.TryGetValue(out int index))
        {
            index = _current.GetValueOrDefault(choice, -1);
            if (index < 0 || call["id"] is JsonValue id && id.TryGetValue(out string? text) && !string.IsNullOrEmpty(text)) index++;
            call["index"] = index;
            changed = true;
        }
        _current[choice] = index;
        if (_begun.Add((choice, index))) changed |= ChatCompletionJson.NameNamelessCall(call);
        return changed;
    }
}
