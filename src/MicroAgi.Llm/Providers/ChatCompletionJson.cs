using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// A complete chat completion as raw JSON: recognising one (a server may answer 200 with something else, such
/// as an error object), and rendering it as the event stream a server would have sent for it — per choice one
/// chunk whose delta is the whole message (tool calls given their <c>index</c>) with the finish reason, then a
/// usage chunk with empty <c>choices</c>, then <c>data: [DONE]</c>.
/// </summary>
internal static class ChatCompletionJson
{
    public static JsonNode? ParseOrNull(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="body"/> is an object with a non-empty <c>choices</c> list whose every
    /// choice has a <c>message</c>.</summary>
    public static bool IsCompletion(JsonNode? body) =>
        body is JsonObject completion
        && completion["choices"] is JsonArray { Count: > 0 } choices
        && choices.All(c => c is JsonObject choice && choice["message"] is JsonObject);

    /// <summary>Whether the OpenAI SDK can read <paramref name="body"/> as a chat completion: a completion whose
    /// fields also have the types the SDK expects (<c>"tool_calls": "zz"</c> or <c>"completion_tokens": "x"</c>
    /// make it throw deep inside, with a message that says nothing of the server).</summary>
    public static bool IsReadableCompletion(string body) => IsCompletion(ParseOrNull(body)) && SdkReads<ChatCompletion>(body);

    /// <summary>Whether the OpenAI SDK can read one stream event's data as a chunk (it reads <c>data: null</c>
    /// as no chunk at all, and fails later).</summary>
    public static bool IsReadableChunk(ReadOnlySpan<byte> data) => KnownChunkShape.Matches(data) || SdkReads<StreamingChatCompletionUpdate>(BinaryData.FromBytes(data.ToArray()));

    private static bool SdkReads<T>(string json) where T : IPersistableModel<T> => SdkReads<T>(BinaryData.FromString(json));

    private static bool SdkReads<T>(BinaryData json) where T : IPersistableModel<T>
    {
        try
        {
            return ModelReaderWriter.Read<T>(json) is not null;
        }
#pragma warning disable CA1031 // Whatever the SDK's reader throws on this text, the answer is the same: it cannot read it.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>The completion with every tool call that has no name named
    /// <see cref="OpenAICompatibilityChatClient.NamelessCallMarker"/> (M.E.AI's adapter drops nameless calls).</summary>
    public static string WithNamedToolCalls(string body)
    {
        if (!body.Contains("\"tool_calls\"", StringComparison.Ordinal) || ParseOrNull(body) is not JsonObject completion
            || completion["choices"] is not JsonArray choices) return body;
        var changed = false;
        foreach (var calls in choices.Select(c => c?["message"]?["tool_calls"]).OfType<JsonArray>())
            foreach (var call in calls.OfType<JsonObject>())
                changed |= NameNamelessCall(call);
        return changed ? completion.ToJsonString() : body;
    }

    /// <summary>Names a tool call (or the first delta of one) that has no name; true when it did.</summary>
    public static bool NameNamelessCall(JsonObject call)
    {
        if (call["function"] is not JsonObject function)
        {
            if (call.ContainsKey("function")) return false; // not a function call the SDK can read; the check reports it
            call["function"] = function = new JsonObject();
        }
        if (function["name"] is JsonValue name && name.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text)) return false;
        function["name"] = OpenAICompatibilityChatClient.NamelessCallMarker;
        return true;
    }

    /// <summary>The event stream for <paramref name="completion"/>, which <see cref="IsCompletion"/> accepted.</summary>
    public static string ToEventStream(JsonObject completion)
    {
        var events = new StringBuilder();
        var choices = completion["choices"]!.AsArray();
        for (var i = 0; i < choices.Count; i++)
        {
            var choice = choices[i]!;
            var delta = choice["message"]!.DeepClone().AsObject();
            var hasToolCalls = false;
            if (delta["tool_calls"] is JsonArray calls)
                for (var index = 0; index < calls.Count; index++)
                    if (calls[index] is JsonObject call)
                    {
                        call["index"] = index;
                        hasToolCalls = true;
                    }
            var chunk = ChunkHeader(completion);
            chunk["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = choice["index"]?.DeepClone() ?? i,
                ["delta"] = delta,
                // The body arrived whole, so the answer is complete even when a server leaves the reason out.
                ["finish_reason"] = choice["finish_reason"]?.DeepClone() ?? (hasToolCalls ? "tool_calls" : "stop"),
            });
            AppendEvent(events, chunk.ToJsonString());
        }
        if (completion["usage"] is JsonObject usage)
        {
            var chunk = ChunkHeader(completion);
            chunk["choices"] = new JsonArray();
            chunk["usage"] = usage.DeepClone();
            AppendEvent(events, chunk.ToJsonString());
        }
        AppendEvent(events, "[DONE]");
        return events.ToString();
    }

    private static JsonObject ChunkHeader(JsonObject completion)
    {
        var chunk = new JsonObject { ["object"] = "chat.completion.chunk" };
        foreach (var name in (string[])["id", "created", "model", "system_fingerprint"])
            if (completion[name] is { } value) chunk[name] = value.DeepClone();
        return chunk;
    }

    private static void AppendEvent(StringBuilder events, string data) => events.Append("data: ").Append(data).Append("\n\n");
}
