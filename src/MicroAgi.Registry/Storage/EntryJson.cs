using System.Text.Json;

namespace MicroAgi.Registry.Storage;

/// <summary>How an entry is written to and read from a store column: <c>{"kind":…,"meta":…,"data":…}</c>.</summary>
internal static class EntryJson
{
    public static string? Write(Entry? entry)
    {
        if (entry is null) return null;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", entry.Kind);
            writer.WritePropertyName("meta");
            entry.Meta.WriteTo(writer);
            writer.WritePropertyName("data");
            entry.Data.WriteTo(writer);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="JsonException">Not JSON.</exception>
    /// <exception cref="FormatException">JSON, but not an entry (the message says which part is missing).</exception>
    /// <exception cref="ArgumentException">An entry that breaks the rules of <see cref="Entry.Create(EntryId, string, JsonElement, JsonElement)"/>.</exception>
    public static Entry? Read(EntryId id, string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"is a JSON {root.ValueKind}, not an entry object");
        if (!root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String)
            throw new FormatException("has no \"kind\" string");
        return Entry.Create(id, kind.GetString()!, Member(root, "meta"), Member(root, "data"));
    }

    private static JsonElement Member(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value : default;
}
