using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>One HTTP request a fake server received, kept for assertions.</summary>
public sealed class RecordedRequest
{
    private readonly byte[] _body;
    private readonly Lazy<string> _text;
    private readonly Lazy<JsonNode?> _json;

    internal RecordedRequest(int sequence, string method, string path, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Sequence = sequence;
        Method = method;
        Path = path;
        Headers = headers;
        _body = body;
        // Decoded and parsed only when a test asks: the server itself reads two members per request, and a long
        // conversation's body is hundreds of kilobytes (the per-step benchmarks would measure this server).
        _text = new Lazy<string>(() => Encoding.UTF8.GetString(body));
        _json = new Lazy<JsonNode?>(() => ParseOrNull(body));
    }

    /// <summary>1 for the first request the server received, and so on.</summary>
    public int Sequence { get; }
    public string Method { get; }
    public string Path { get; }

    /// <summary>Header values by name (case-insensitive); repeated headers are joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
    public string Body => _text.Value;

    /// <summary>The body parsed as JSON, or null when it is not JSON.</summary>
    public JsonNode? Json => _json.Value;

    public string? Model => TryReadMember("model"u8, out var value) && value.TokenType == JsonTokenType.String ? value.GetString() : null;

    public bool IsStreaming => TryReadMember("stream"u8, out var value) && value.TokenType == JsonTokenType.True;

    /// <summary>The content of the last tool result in an OpenAI chat request's messages ("" when it has none).</summary>
    public string LastToolResult =>
        (Json?["messages"] as JsonArray)?.LastOrDefault(m => (string?)m?["role"] == "tool")?["content"] is JsonValue content && content.TryGetValue<string>(out var text) ? text : "";

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"#{Sequence} {Method} {Path}";

    /// <summary>Finds a member of the body's top-level object, reading past the others without building a tree.</summary>
    private bool TryReadMember(ReadOnlySpan<byte> name, out Utf8JsonReader value)
    {
        value = new Utf8JsonReader(_body);
        try
        {
            if (!value.Read() || value.TokenType != JsonTokenType.StartObject) return false;
            while (value.Read() && value.TokenType == JsonTokenType.PropertyName)
            {
                var found = value.ValueTextEquals(name);
                value.Read();
                if (found) return true;
                value.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    private static JsonNode? ParseOrNull(byte[] body)
    {
        if (body.AsSpan().Trim(" \t\r\n"u8).IsEmpty) return null;
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
