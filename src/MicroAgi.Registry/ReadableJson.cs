using System.Text.Encodings.Web;
using System.Text.Json;

namespace MicroAgi.Registry;

/// <summary>
/// JSON for people and models to read: quotes, '&lt;' and non-ASCII characters are written as
/// themselves instead of \u escapes. Output is never embedded in HTML, so the relaxed encoder is safe.
/// </summary>
public static class ReadableJson
{
    public static JsonSerializerOptions Compact { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonSerializerOptions Indented { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    /// <summary>For a <see cref="Utf8JsonWriter"/>: compact, with the same encoder.</summary>
    public static JsonWriterOptions Writer { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
