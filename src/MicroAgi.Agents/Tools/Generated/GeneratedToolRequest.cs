using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Tools.Generated;

/// <summary>
/// What to write as <c>app.generated:&lt;name&gt;</c>: the arguments of <c>create_tool</c>, also built by
/// <c>microagi tools create</c> from files. Only the shape is checked here; the rules (name, size,
/// modules, schema, compile, policy, tests) are <see cref="GeneratedToolWriter"/>'s.
/// </summary>
public sealed record GeneratedToolRequest
{
    public GeneratedToolRequest(string name, string source)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(source);
        Name = name;
        Source = source;
    }

    public string Name { get; }

    public string Source { get; }

    /// <summary>What the tool does, for the LLM (<c>meta.llm_description</c>) and people (<c>meta.comment</c>).</summary>
    public string? Description { get; init; }

    /// <summary>The JSON Schema of the tool's input: an object, a JSON string of one, or null for "no arguments".</summary>
    public JsonNode? Schema { get; init; }

    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>Cases that must pass in the sandbox before anything is written.</summary>
    public IReadOnlyList<ToolTestCase> Tests { get; init; } = [];

    /// <summary>
    /// Reads the arguments of <c>create_tool</c>: <c>{name, source, description?, schema?, modules?, tests?}</c>.
    /// Returns null with <paramref name="error"/> saying which argument has the wrong shape.
    /// </summary>
    public static GeneratedToolRequest? FromArguments(JsonNode? arguments, out string? error)
    {
        if (arguments is not JsonObject args)
        {
            error = "arguments must be an object: {\"name\": ..., \"description\": ..., \"source\": ..., \"schema\": {...}, \"modules\": [...]}";
            return null;
        }
        if (!TryString(args, "name", required: true, out var name, out error)
            || !TryString(args, "source", required: true, out var source, out error)
            || !TryString(args, "description", required: false, out var description, out error)
            || !TryModules(args["modules"], out var modules, out error)
            || !ToolTestCase.TryParseList(args["tests"], out var tests, out error))
        {
            return null;
        }
        error = null;
        return new GeneratedToolRequest(name!, source!)
        {
            Description = description,
            Schema = args["schema"]?.DeepClone(),
            Modules = modules,
            Tests = tests,
        };
    }

    private static bool TryString(JsonObject args, string field, bool required, out string? value, out string? error)
    {
        value = null;
        error = null;
        var node = args[field];
        if (node is null)
        {
            if (required) error = $"'{field}' is required";
            return !required;
        }
        if (node.GetValueKind() != JsonValueKind.String)
        {
            error = $"'{field}' must be a string, not {Kind(node)}";
            return false;
        }
        value = node.GetValue<string>();
        return true;
    }

    private static bool TryModules(JsonNode? node, out IReadOnlyList<string> modules, out string? error)
    {
        modules = [];
        error = null;
        if (node is null) return true;
        // Models sometimes send the list as text: "time, json" or the JSON of the list itself.
        if (node is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            var raw = text.GetValue<string>().Trim();
            if (!raw.StartsWith('['))
            {
                modules = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return true;
            }
            try
            {
                node = JsonNode.Parse(raw);
            }
            catch (JsonException)
            {
                error = $"'modules' is text that starts like a JSON list but is not one: {raw}; send a list such as [\"time\", \"json\"]";
                return false;
            }
        }
        if (node is not JsonArray list)
        {
            error = $"'modules' must be a list of module names such as [\"time\", \"json\"], not {Kind(node)}";
            return false;
        }
        var names = new List<string>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.String)
            {
                error = $"modules[{i}] must be a module name (a string), not {Kind(list[i])}";
                return false;
            }
            names.Add(item.GetValue<string>());
        }
        modules = names;
        return true;
    }

    internal static string Kind(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
