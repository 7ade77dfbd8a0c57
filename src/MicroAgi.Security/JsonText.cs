using MicroAgi.Registry;
using System.Text.Json;

namespace MicroAgi.Security;

/// <summary>Wording for JSON values in error messages.</summary>
internal static class JsonText
{
    /// <summary>A JSON value as compact text for messages (<c>"admin"</c>, <c>[1,2]</c>).</summary>
    public static string Render(JsonElement value) => JsonSerializer.Serialize(value, ReadableJson.Compact);

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
