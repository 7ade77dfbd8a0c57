using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Llm.Providers;

/// <summary>Tool parameter schemas in the shape every provider accepts.</summary>
public static class ToolSchema
{
    /// <summary>
    /// Returns a JSON-schema object for tool parameters that strict providers accept: a missing or empty
    /// schema becomes <c>{"type":"object","properties":{}}</c>; an object schema without <c>type</c> or
    /// <c>properties</c> gets them. Anything else (a schema that is not an object) is an error, because no
    /// provider takes it as tool parameters.
    /// </summary>
    public static JsonElement ForProviders(JsonElement schema)
    {
        if (schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return EmptyObjectSchema();
        if (schema.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"a tool's parameter schema must be a JSON object, not {schema.ValueKind}", nameof(schema));
        if (IsProviderReady(schema)) return schema;
        var hasType = schema.TryGetProperty("type", out var type);
        if (hasType && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("object")))
            throw new ArgumentException($"a tool's parameter schema must have type \"object\", not {type.GetRawText()}", nameof(schema));
        var fixedUp = JsonNode.Parse(schema.GetRawText())!.AsObject();
        fixedUp["type"] = "object";
        fixedUp["properties"] = fixedUp["properties"] switch
        {
            null => new JsonObject(),
            JsonObject properties => properties.DeepClone(),
            var other => throw new ArgumentException($"a tool schema's \"properties\" must be an object, not {other.GetValueKind()}", nameof(schema)),
        };
        return JsonSerializer.SerializeToElement(fixedUp);
    }

    /// <summary>Whether the schema is already an object schema with <c>type</c> and <c>properties</c>.</summary>
    public static bool IsProviderReady(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("object")
        && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;

    private static JsonElement EmptyObjectSchema() =>
        JsonSerializer.SerializeToElement(new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() });
}
