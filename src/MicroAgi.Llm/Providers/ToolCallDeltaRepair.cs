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
        List<(int Start, int Length, byte[] Line)>? repairs = null;
        for (var start = 0; start < lines.Length;)
        {
            var newline = lines.AsSpan(start).IndexOf((byte)'\n');
            var length = newline < 0 ? lines.Length - start : newline;
            var line = lines.AsSpan(start, length);
            // Nearly every server sends well-formed deltas: those are read once, without a JSON tree or text.
            if (line.IndexOf(ToolCallsMember) >= 0 && !AcceptedAsTheyAre(line) && RepairedLine(Encoding.UTF8.GetString(line)) is { } repaired)
                (repairs ??= []).Add((start, length, Encoding.UTF8.GetBytes(repaired)));
            start += length + 1;
        }
        return repairs is null ? lines : Spliced(lines, repairs);
    }

    private static byte[] Spliced(byte[] lines, List<(int Start, int Length, byte[] Line)> repairs)
    {
        var result = new List<byte>(lines.Length + 64);
        var copied = 0;
        foreach (var (start, length, line) in repairs)
        {
            result.AddRange(lines.AsSpan(copied, start - copied));
            result.AddRange(line);
            copied = start + length;
        }
        result.AddRange(lines.AsSpan(copied));
        return [.. result];
    }

    /// <summary>
    /// True when <paramref name="line"/> is a chunk of the usual shape whose tool-call deltas need nothing: each
    /// has an <c>index</c>, and each call's first delta a name. Its calls are then recorded as
    /// <see cref="RepairCall"/> would record them. False for anything else (nothing recorded), which
    /// <see cref="RepairedLine"/> then reads in full.
    /// </summary>
    private bool AcceptedAsTheyAre(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("data:"u8)) return false;
        if (line.EndsWith("\r"u8)) line = line[..^1];
        var calls = new List<(int Choice, int Index)>();
        try
        {
            var reader = new Utf8JsonReader(line[5..]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            var sawChoices = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("choices"u8))
                {
                    reader.Skip();
                    continue;
                }
                if (sawChoices || !ReadChoices(ref reader, calls)) return false;
                sawChoices = true;
            }
            if (!sawChoices || reader.TokenType != JsonTokenType.EndObject || reader.Read()) return false;
        }
        catch (JsonException)
        {
            return false;
        }
        foreach (var (choice, index) in calls)
        {
            _current[choice] = index;
            _begun.Add((choice, index));
        }
        return true;
    }

    /// <summary>Reads a <c>choices</c> array, adding its calls in order; false at anything unusual.</summary>
    private bool ReadChoices(ref Utf8JsonReader reader, List<(int Choice, int Index)> calls)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
        for (var position = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; position++)
        {
            if (reader.TokenType != JsonTokenType.StartObject) return false;
            int? choiceIndex = null;
            var indexes = new List<(int Index, bool Named)>();
            var sawDelta = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    if (choiceIndex is not null || !TryReadInt(ref reader, out var number)) return false;
                    choiceIndex = number;
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    if (sawDelta || !ReadDelta(ref reader, indexes)) return false;
                    sawDelta = true;
                }
                else reader.Skip();
            }
            var choice = choiceIndex ?? position;
            foreach (var (index, named) in indexes)
            {
                var first = !_begun.Contains((choice, index)) && !calls.Contains((choice, index));
                if (first && !named) return false;
                calls.Add((choice, index));
            }
        }
        return true;
    }

    /// <summary>Reads a <c>delta</c> object's <c>tool_calls</c>: each call's index and whether it is named.</summary>
    private static bool ReadDelta(ref Utf8JsonReader reader, List<(int Index, bool Named)> indexes)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        var sawCalls = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Skip();
                continue;
            }
            if (sawCalls || !reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
            sawCalls = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject || !ReadCall(ref reader, out var index, out var named)) return false;
                indexes.Add((index, named));
            }
        }
        return true;
    }

    /// <summary>Reads the next value, which must be a number that is an <see cref="int"/> (as <c>JsonValue.TryGetValue</c> reads it).</summary>
    private static bool TryReadInt(ref Utf8JsonReader reader, out int value)
    {
        value = 0;
        return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value);
    }

    /// <summary>Reads one call delta: it must have an integer <c>index</c>; <paramref name="named"/> says whether it has a usable name.</summary>
    private static bool ReadCall(ref Utf8JsonReader reader, out int index, out bool named)
    {
        int? found = null;
        named = false;
        var sawFunction = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                if (found is not null || !TryReadInt(ref reader, out var number)) break;
                found = number;
            }
            else if (reader.ValueTextEquals("function"u8))
            {
                if (sawFunction || !reader.Read() || reader.TokenType != JsonTokenType.StartObject) break;
                sawFunction = true;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isName = reader.ValueTextEquals("name"u8);
                    reader.Read();
                    if (isName && reader.TokenType == JsonTokenType.String) named |= !string.IsNullOrWhiteSpace(reader.GetString());
                    else reader.Skip();
                }
            }
            else reader.Skip();
        }
        index = found ?? -1;
        return found is not null && reader.TokenType == JsonTokenType.EndObject;
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
