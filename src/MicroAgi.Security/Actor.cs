using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Security;

/// <summary>
/// Who asks: an id (<c>service:agent</c>, <c>user:42</c>) and free-form meta that policy conditions read
/// through <c>actor.meta.&lt;path&gt;</c>. Immutable, so one actor can be evaluated from many threads.
/// </summary>
public sealed class Actor
{
    private static readonly JsonElement EmptyMeta = JsonSerializer.SerializeToElement(new JsonObject());

    public Actor(string id, JsonObject? meta = null)
        : this(id, meta is null ? EmptyMeta : JsonSerializer.SerializeToElement(meta))
    {
    }

    public Actor(string id, JsonElement meta)
    {
        if (string.IsNullOrWhiteSpace(id))
            throw new ArgumentException("actor id is empty; give the actor an id such as 'service:agent'", nameof(id));
        if (meta.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            throw new ArgumentException($"actor '{id}': meta must be a JSON object, not {JsonText.Describe(meta.ValueKind)}", nameof(meta));
        Id = id;
        Meta = meta.ValueKind == JsonValueKind.Object ? meta.Clone() : EmptyMeta;
    }

    public string Id { get; }

    /// <summary>Always a JSON object (empty when the actor has no meta).</summary>
    public JsonElement Meta { get; }

    /// <summary>
    /// An actor whose meta is given as plain .NET values (strings, numbers, booleans, lists, dictionaries),
    /// as a scripting host produces them.
    /// </summary>
    public static Actor FromValues(string id, IReadOnlyDictionary<string, object?> meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        return new Actor(id, JsonSerializer.SerializeToElement(meta));
    }

    public override string ToString() => Id;
}
