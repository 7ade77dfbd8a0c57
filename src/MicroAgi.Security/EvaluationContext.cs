using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Security;

/// <summary>One request being evaluated: who, what, on which resource, with which extra meta.</summary>
internal readonly struct EvaluationContext
{
    private EvaluationContext(Actor actor, string action, string resource, JsonElement meta)
    {
        Actor = actor;
        Action = action;
        Resource = resource;
        Meta = meta;
    }

    public Actor Actor { get; }
    public string Action { get; }
    public string Resource { get; }

    /// <summary>The request meta object, or an undefined element when the caller passed none.</summary>
    public JsonElement Meta { get; }

    public static EvaluationContext Create(Actor actor, string action, string resource, JsonObject? meta) =>
        Create(actor, action, resource, meta is null ? default : JsonSerializer.SerializeToElement(meta));

    public static EvaluationContext Create(Actor actor, string action, string resource, JsonElement meta)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(resource);
        if (meta.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            throw new ArgumentException($"request meta must be a JSON object, not {JsonText.Describe(meta.ValueKind)}", nameof(meta));
        return new EvaluationContext(actor, action, resource, meta.ValueKind == JsonValueKind.Object ? meta : default);
    }
}
