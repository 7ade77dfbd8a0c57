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
    private readonly Lazy<(string? Model, bool Streaming)> _members;

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
        _members = new Lazy<(string?, bool)>(ReadMembers);
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

    public string? Model => _members.Value.Model;

    public bool IsStreaming => _members.Value.Streaming;

    /// <summary>The content of the last tool result in an OpenAI chat request's messages ("" when it has none).</summary>
    public string LastToolResult =>
        (Json?["messages"] as JsonArray)?.LastOrDefault(m => (string?)m?["role"] == "tool")?["content"] is JsonValue content && content.TryGetValue<string>(out var text) ? text : "";

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"#{Sequence} {Method} {Path}";

    /// <summary>The body's top-level <c>model</c> and <c>stream</c>, read in one pass without building a tree.</summary>
    private (string? Model, bool Streaming) ReadMembers()
    {
        string? model = null;
        var streaming = false;
        var reader = new Utf8JsonReader(_body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, false);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                var isStream = reader.ValueTextEquals("stream"u8);
                reader.Read();
                if (isModel) model = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                else if (isStream) streaming = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            // What the body says only counts when it is JSON throughout, as when it was parsed whole.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? (model, streaming) : (null, false);
        }
        catch (JsonException)
        {
            return (null, false);
        }
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
