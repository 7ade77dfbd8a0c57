using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>One HTTP request a fake server received, kept for assertions.</summary>
public sealed class RecordedRequest
{
    private readonly Lazy<JsonNode?> _json;

    internal RecordedRequest(int sequence, string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Sequence = sequence;
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
        _json = new Lazy<JsonNode?>(() => ParseOrNull(body));
    }

    /// <summary>1 for the first request the server received, and so on.</summary>
    public int Sequence { get; }
    public string Method { get; }
    public string Path { get; }

    /// <summary>Header values by name (case-insensitive); repeated headers are joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
    public string Body { get; }

    /// <summary>The body parsed as JSON, or null when it is not JSON.</summary>
    public JsonNode? Json => _json.Value;

    public string? Model => Json is JsonObject o && o["model"] is JsonValue v && v.TryGetValue<string>(out var model) ? model : null;

    public bool IsStreaming => Json is JsonObject o && o["stream"] is JsonValue v && v.TryGetValue<bool>(out var stream) && stream;

    /// <summary>The content of the last tool result in an OpenAI chat request's messages ("" when it has none).</summary>
    public string LastToolResult =>
        (Json?["messages"] as JsonArray)?.LastOrDefault(m => (string?)m?["role"] == "tool")?["content"] is JsonValue content && content.TryGetValue<string>(out var text) ? text : "";

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"#{Sequence} {Method} {Path}";

    private static JsonNode? ParseOrNull(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
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
