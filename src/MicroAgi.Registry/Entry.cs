using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Registry;

/// <summary>
/// One registry entry: <c>{ id, kind, meta, data }</c>. Entries are immutable values: <see cref="Meta"/>
/// and <see cref="Data"/> are JSON objects held as <see cref="JsonElement"/>, so an entry handed out by
/// the registry can be shared freely. Build new ones with <see cref="Create"/> or <see cref="With"/>.
/// </summary>
public sealed class Entry : IEquatable<Entry>
{
    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new JsonObject());

    private Entry(EntryId id, string kind, JsonElement meta, JsonElement data)
    {
        Id = id;
        Kind = kind;
        Meta = meta;
        Data = data;
    }

    public EntryId Id { get; }
    public string Kind { get; }
    public JsonElement Meta { get; }
    public JsonElement Data { get; }

    public static Entry Create(EntryId id, string kind, JsonObject? meta = null, JsonObject? data = null) =>
        Create(id, kind, ToElement(meta), ToElement(data));

    public static Entry Create(EntryId id, string kind, JsonElement meta, JsonElement data)
    {
        // Messages without a parameter name: they reach users as they are (a YAML file, a changeset).
        if (string.IsNullOrWhiteSpace(kind))
            throw new ArgumentException($"entry '{id}' has no kind");
        if (IdText.Problem(kind) is { } problem)
            throw new ArgumentException($"entry '{id}': the kind '{IdText.Visible(kind)}' {problem}");
        if (meta.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            throw new ArgumentException($"entry '{id}': meta must be an object, not {meta.ValueKind}");
        if (data.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            throw new ArgumentException($"entry '{id}': data must be an object, not {data.ValueKind}");
        return new Entry(id, kind,
            meta.ValueKind == JsonValueKind.Object ? meta.Clone() : EmptyObject,
            data.ValueKind == JsonValueKind.Object ? data.Clone() : EmptyObject);
    }

    public Entry With(string? kind = null, JsonObject? meta = null, JsonObject? data = null) =>
        Create(Id, kind ?? Kind, meta is null ? Meta : ToElement(meta), data is null ? Data : ToElement(data));

    /// <summary>A mutable copy of <see cref="Meta"/>, for building a changed entry.</summary>
    public JsonObject MetaObject() => JsonNode.Parse(Meta.GetRawText())!.AsObject();

    /// <summary>A mutable copy of <see cref="Data"/>, for building a changed entry.</summary>
    public JsonObject DataObject() => JsonNode.Parse(Data.GetRawText())!.AsObject();

    /// <summary>A top-level meta field as a string, or null when it is absent or not a string.</summary>
    public string? MetaString(string field) =>
        Meta.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A top-level data field as a string, or null when it is absent or not a string.</summary>
    public string? DataString(string field) =>
        Data.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool Equals(Entry? other) =>
        other is not null && Id == other.Id && Kind == other.Kind
        && JsonElement.DeepEquals(Meta, other.Meta) && JsonElement.DeepEquals(Data, other.Data);

    public override bool Equals(object? obj) => Equals(obj as Entry);

    public override int GetHashCode() => HashCode.Combine(Id, Kind);

    public override string ToString() => $"{Id} ({Kind})";

    private static JsonElement ToElement(JsonObject? node) =>
        node is null ? EmptyObject : JsonSerializer.SerializeToElement(node);
}
