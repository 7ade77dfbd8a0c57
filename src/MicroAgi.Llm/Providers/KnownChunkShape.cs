using System.Text.Json;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Recognises, in one pass of a <see cref="Utf8JsonReader"/>, the stream chunks that OpenAI-compatible servers
/// send in the common case — every field one the SDK reads, with the type it reads it as (finish reasons and roles
/// among the values it knows) — so that the check of each event (<see cref="ChatCompletionJson.IsReadableChunk"/>)
/// does not parse it with the SDK as well, a second time, at every chunk of every step. Anything else (another
/// field, another type, a null where a value usually is, JSON the reader refuses) is not recognised, and the SDK's
/// own reading decides, as before: recognising is only ever a shortcut to the answer the SDK would give.
/// </summary>
internal static class KnownChunkShape
{
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    private static readonly string[] FinishReasons = ["stop", "length", "tool_calls", "content_filter", "function_call"];

    /// <summary>
    /// The longest event looked at. Chunks are a few hundred bytes; a longer event (a hostile server's, say) is left
    /// to the SDK.
    /// </summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Whether <paramref name="data"/> (one event's data, UTF-8) is a chunk of the recognised shape.</summary>
    public static bool Matches(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBytes) return false;
        try
        {
            var reader = new Utf8JsonReader(data);
            return reader.Read() && Chunk(ref reader) && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Chunk(ref Utf8JsonReader reader) => Object(ref reader, static (ref Utf8JsonReader r, string name) => name switch
    {
        "id" or "object" or "model" => r.TokenType == JsonTokenType.String,
        // Read as Unix seconds into a DateTimeOffset, which holds the years 1 to 9999 only.
        "created" => r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var seconds) && seconds is >= MinUnixSeconds and <= MaxUnixSeconds,
        "system_fingerprint" => r.TokenType is JsonTokenType.String or JsonTokenType.Null,
        "choices" => Array(ref r, Choice),
        "usage" => Usage(ref r),
        _ => false,
    });

    private static bool Choice(ref Utf8JsonReader reader) => Object(ref reader, static (ref Utf8JsonReader r, string name) => name switch
    {
        "index" => Int32(ref r),
        "delta" => Delta(ref r),
        "finish_reason" => r.TokenType == JsonTokenType.Null || (r.TokenType == JsonTokenType.String && FinishReasons.Contains(r.GetString())),
        "logprobs" => r.TokenType == JsonTokenType.Null,
        _ => false,
    });

    private static bool Delta(ref Utf8JsonReader reader) => Object(ref reader, static (ref Utf8JsonReader r, string name) => name switch
    {
        "role" => r.TokenType == JsonTokenType.String && r.ValueTextEquals("assistant"u8),
        // The reasoning fields are not the SDK's: it keeps them as they are (ReasoningText reads them).
        "content" or "refusal" or "reasoning" or "reasoning_content" => r.TokenType is JsonTokenType.String or JsonTokenType.Null,
        "tool_calls" => Array(ref r, ToolCall),
        _ => false,
    });

    private static bool ToolCall(ref Utf8JsonReader reader) => Object(ref reader, static (ref Utf8JsonReader r, string name) => name switch
    {
        "index" => Int32(ref r),
        "id" => r.TokenType == JsonTokenType.String,
        "type" => r.TokenType == JsonTokenType.String && r.ValueTextEquals("function"u8),
        "function" => Object(ref r, static (ref Utf8JsonReader f, string field) =>
            field is "name" or "arguments" && f.TokenType == JsonTokenType.String),
        _ => false,
    });

    // OpenAI itself also sends how the tokens divide (cached, reasoning, …), in two objects of counts.
    private static bool Usage(ref Utf8JsonReader reader) => Object(ref reader, static (ref Utf8JsonReader r, string name) => name switch
    {
        "prompt_tokens" or "completion_tokens" or "total_tokens" => Int32(ref r),
        "prompt_tokens_details" => Object(ref r, static (ref Utf8JsonReader d, string detail) =>
            detail is "cached_tokens" or "audio_tokens" && Int32(ref d)),
        "completion_tokens_details" => Object(ref r, static (ref Utf8JsonReader d, string detail) =>
            detail is "reasoning_tokens" or "audio_tokens" or "accepted_prediction_tokens" or "rejected_prediction_tokens" && Int32(ref d)),
        _ => false,
    });

    private static bool Int32(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out _);

    private delegate bool Member(ref Utf8JsonReader reader, string name);

    private delegate bool Element(ref Utf8JsonReader reader);

    /// <summary>An object whose every member <paramref name="member"/> accepts (called on the member's value).</summary>
    private static bool Object(ref Utf8JsonReader reader, Member member)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!reader.Read() || !member(ref reader, name)) return false;
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>An array whose every element <paramref name="element"/> accepts.</summary>
    private static bool Array(ref Utf8JsonReader reader, Element element)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            if (!element(ref reader)) return false;
        return reader.TokenType == JsonTokenType.EndArray;
    }
}
