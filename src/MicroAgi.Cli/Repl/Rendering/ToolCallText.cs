using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Cli.Repl.Rendering;

/// <summary>
/// A tool call's arguments and result as text for a person: a one-line preview (<c>query: "time", limit: 5</c>)
/// or the whole of it (JSON indented, a string result as its own lines). Nothing here is made safe for a
/// terminal yet: the caller does that (<see cref="Hosting.TerminalText"/>), after cutting.
/// </summary>
internal static class ToolCallText
{
    private const int MaxValueLength = 60;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The arguments on one line, each key with a shortened value; <paramref name="omit"/> keys are left out (shown apart).</summary>
    public static string ArgumentsPreview(string arguments, params string[] omit)
    {
        if (Parse(arguments) is not JsonObject fields) return arguments.Trim();
        return string.Join(", ", fields.Where(f => !omit.Contains(f.Key)).Select(f => $"{f.Key}: {ValuePreview(f.Value)}"));
    }

    /// <summary>The arguments in full: JSON indented, strings with their line breaks.</summary>
    public static string ArgumentsInFull(string arguments) => Parse(arguments) is { } node ? node.ToJsonString(Indented) : arguments;

    /// <summary>A string argument (create_tool's <c>source</c>), or null when there is none.</summary>
    public static string? StringArgument(string arguments, string name) =>
        Parse(arguments) is JsonObject fields && fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A whole-number field of a JSON result (create_tool's <c>tests_passed</c>), or null.</summary>
    public static long? NumberField(string json, string name) =>
        Parse(json) is JsonObject fields && fields[name] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    /// <summary>A string field of a JSON result, or null.</summary>
    public static string? StringField(string json, string name) => StringArgument(json, name);

    /// <summary>The result's lines: a JSON string's own text, other JSON indented, anything else as it is.</summary>
    public static IReadOnlyList<string> ResultLines(string result)
    {
        var node = Parse(result);
        var text = node switch
        {
            JsonValue value when value.TryGetValue<string>(out var s) => s,
            null => result,
            _ => node.ToJsonString(Indented),
        };
        var lines = text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        return lines is [""] ? [] : lines;
    }

    /// <summary>The result on one line: a JSON string's text, other JSON compact.</summary>
    public static string ResultOneLine(string result) => Parse(result) switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        null => result,
        var node => node.ToJsonString(Compact),
    };

    private static string ValuePreview(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => "\"" + Shortened(s.ReplaceLineEndings("↵"), MaxValueLength) + "\"",
        JsonObject o => o.Count == 0 ? "{}" : Shortened(o.ToJsonString(Compact), MaxValueLength / 2),
        JsonArray a => a.Count == 0 ? "[]" : Shortened(a.ToJsonString(Compact), MaxValueLength / 2),
        _ => value.ToJsonString(Compact),
    };

    private static string Shortened(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
