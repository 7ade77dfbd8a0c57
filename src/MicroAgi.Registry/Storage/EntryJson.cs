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

    public static Entry? Read(EntryId id, string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return Entry.Create(id, root.GetProperty("kind").GetString()!, root.GetProperty("meta"), root.GetProperty("data"));
    }
}
