using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Diagnostics;

namespace MicroAgi.Functions.Schema;

/// <summary>
/// A compiled JSON Schema, limited to the subset tools use: <c>type</c> (one or a list),
/// <c>properties</c>, <c>required</c>, <c>additionalProperties</c> (boolean or schema), <c>items</c>,
/// <c>minItems</c>/<c>maxItems</c>, <c>enum</c>, <c>const</c>, <c>minimum</c>/<c>maximum</c>,
/// <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>, <c>minLength</c>/<c>maxLength</c>, <c>pattern</c>
/// and <c>nullable</c> (OpenAPI style). Other keywords (<c>description</c>, <c>title</c>,
/// <c>default</c>, <c>examples</c>, <c>$schema</c>…) are ignored. Errors name the path of the bad
/// value: <c>items[2].name: expected string, got number</c>.
/// </summary>
public sealed class InputSchema
{
    /// <summary>How long checking a value may take when the caller gives no time limit.</summary>
    private static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(1);
    private static readonly string[] KnownTypes = ["string", "number", "integer", "boolean", "object", "array", "null"];

    private readonly string[]? _types;
    private readonly bool _nullable;
    private readonly IReadOnlyDictionary<string, InputSchema>? _properties;
    private readonly string[] _required = [];
    private readonly bool _additionalAllowed = true;
    private readonly InputSchema? _additionalSchema;
    private readonly InputSchema? _items;
    private readonly int? _minItems;
    private readonly int? _maxItems;
    private readonly JsonNode?[]? _enum;
    private readonly JsonNode? _const;
    private readonly bool _hasConst;
    private readonly double? _minimum;
    private readonly double? _maximum;
    private readonly double? _exclusiveMinimum;
    private readonly double? _exclusiveMaximum;
    private readonly int? _minLength;
    private readonly int? _maxLength;
    private readonly SchemaPattern? _pattern;

    private InputSchema(JsonObject schema, string path)
    {
        foreach (var (keyword, value) in schema)
        {
            var at = $"{path}.{keyword}";
            switch (keyword)
            {
                case "type":
                    _types = value switch
                    {
                        JsonValue single when single.TryGetValue<string>(out var name) => [name],
                        JsonArray list => list.Select(t => t is JsonValue v && v.TryGetValue<string>(out var n) ? n : throw Bad(at, "must be a type name or a list of them")).ToArray(),
                        _ => throw Bad(at, "must be a type name or a list of them"),
                    };
                    foreach (var type in _types)
                        if (!KnownTypes.Contains(type)) throw Bad(at, $"unknown type '{type}' (use one of {string.Join(", ", KnownTypes)})");
                    break;
                case "nullable":
                    _nullable = value is JsonValue n && n.TryGetValue<bool>(out var nullable) ? nullable : throw Bad(at, "must be true or false");
                    break;
                case "properties":
                    if (value is not JsonObject properties) throw Bad(at, "must be an object mapping names to schemas");
                    _properties = properties.ToDictionary(p => p.Key, p => Compile(p.Value, $"{at}.{p.Key}"), StringComparer.Ordinal);
                    break;
                case "required":
                    _required = value is JsonArray names
                        ? names.Select(r => r is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(at, "must be a list of property names")).ToArray()
                        : throw Bad(at, "must be a list of property names");
                    break;
                case "additionalProperties":
                    if (value is JsonValue flag && flag.TryGetValue<bool>(out var allowed)) _additionalAllowed = allowed;
                    else _additionalSchema = Compile(value, at);
                    break;
                case "items":
                    _items = Compile(value, at);
                    break;
                case "minItems": _minItems = Count(value, at); break;
                case "maxItems": _maxItems = Count(value, at); break;
                case "minLength": _minLength = Count(value, at); break;
                case "maxLength": _maxLength = Count(value, at); break;
                case "minimum": _minimum = Number(value, at); break;
                case "maximum": _maximum = Number(value, at); break;
                case "exclusiveMinimum": _exclusiveMinimum = Number(value, at); break;
                case "exclusiveMaximum": _exclusiveMaximum = Number(value, at); break;
                case "enum":
                    _enum = value is JsonArray options && options.Count > 0 ? options.Select(o => o?.DeepClone()).ToArray() : throw Bad(at, "must be a non-empty list of values");
                    break;
                case "const":
                    _const = value?.DeepClone();
                    _hasConst = true;
                    break;
                case "pattern":
                    var text = value is JsonValue p && p.TryGetValue<string>(out var s) ? s : throw Bad(at, "must be a regular expression string");
                    try
                    {
                        _pattern = new SchemaPattern(text);
                    }
                    catch (ArgumentException e)
                    {
                        throw Bad(at, $"is not a valid regular expression: {e.Message}");
                    }
                    break;
            }
        }
    }

    /// <summary>Compiles <paramref name="schema"/>; throws <see cref="InputSchemaException"/> naming what is wrong.</summary>
    public static InputSchema Compile(JsonNode? schema, string path = "input_schema") => schema switch
    {
        JsonObject obj => new InputSchema(obj, path),
        JsonValue v when v.TryGetValue<bool>(out var b) && b => new InputSchema([], path),
        _ => throw Bad(path, "must be a JSON object (a JSON Schema)"),
    };

    /// <summary>Compiles a schema held in an entry's meta (a JSON object, or a string containing one).</summary>
    public static InputSchema Compile(JsonElement schema, string path = "input_schema")
    {
        if (schema.ValueKind == JsonValueKind.String)
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(schema.GetString()!);
            }
            catch (JsonException e)
            {
                throw Bad(path, $"is a string that is not valid JSON ({e.Message})");
            }
            return Compile(parsed, path);
        }
        return Compile(JsonSerializer.SerializeToNode(schema), path);
    }

    public static bool TryCompile(JsonNode? schema, out InputSchema? compiled, out string? error)
    {
        try
        {
            compiled = Compile(schema);
            error = null;
            return true;
        }
        catch (InputSchemaException e)
        {
            compiled = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Every way <paramref name="value"/> breaks the schema (empty when it conforms), at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<string> Validate(JsonNode? value, int limit = 20) => Validate(value, DefaultTimeLimit, limit);

    /// <summary>
    /// As <see cref="Validate(JsonNode?, int)"/>, with all <c>pattern</c> checks together given at most
    /// <paramref name="timeLimit"/> (the call's own deadline, when a call is being checked).
    /// </summary>
    public IReadOnlyList<string> Validate(JsonNode? value, TimeSpan timeLimit, int limit = 20)
    {
        var errors = new List<string>();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeLimit.TotalSeconds * Stopwatch.Frequency);
        Check(value, "arguments", errors, limit, deadline);
        return errors;
    }

    private void Check(JsonNode? value, string path, List<string> errors, int limit, long deadline)
    {
        if (errors.Count >= limit) return;
        var kind = KindOf(value);
        if (kind == "null" && _nullable) return;
        if (_types is not null && !_types.Any(t => t == kind || (t == "number" && kind == "integer")))
        {
            errors.Add($"{path}: expected {string.Join(" or ", _types)}, got {kind}");
            return;
        }
        if (_hasConst && !JsonNode.DeepEquals(value, _const))
            errors.Add($"{path}: must be {_const?.ToJsonString(MicroAgi.Registry.ReadableJson.Compact) ?? "null"}");
        if (_enum is not null && !_enum.Any(option => JsonNode.DeepEquals(option, value)))
            errors.Add($"{path}: must be one of {string.Join(", ", _enum.Select(o => o?.ToJsonString(MicroAgi.Registry.ReadableJson.Compact) ?? "null"))}");
        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, path, errors, limit, deadline);
                break;
            case JsonArray array:
                CheckArray(array, path, errors, limit, deadline);
                break;
            case JsonValue scalar when kind is "number" or "integer":
                CheckNumber(NumberOf(scalar), path, errors);
                break;
            case JsonValue scalar when kind == "string":
                CheckString(scalar.GetValue<string>(), path, errors, deadline);
                break;
        }
    }

    private void CheckObject(JsonObject obj, string path, List<string> errors, int limit, long deadline)
    {
        foreach (var name in _required)
            if (!obj.ContainsKey(name)) errors.Add($"{Join(path, name)}: is required");
        foreach (var (name, member) in obj)
        {
            // Models (OpenAI strict mode above all) send null for an optional argument they leave out;
            // the handler sees nil either way, so a declared optional member that is null is simply absent.
            if (member is null && _properties?.ContainsKey(name) == true && !_required.Contains(name)) continue;
            if (_properties is not null && _properties.TryGetValue(name, out var schema)) schema.Check(member, Join(path, name), errors, limit, deadline);
            else if (_additionalSchema is not null) _additionalSchema.Check(member, Join(path, name), errors, limit, deadline);
            else if (!_additionalAllowed)
                errors.Add($"{Join(path, name)}: is not allowed (allowed: {string.Join(", ", _properties?.Keys ?? [])})");
        }
    }

    private void CheckArray(JsonArray array, string path, List<string> errors, int limit, long deadline)
    {
        if (_minItems is { } min && array.Count < min) errors.Add($"{path}: must have at least {min} items, has {array.Count}");
        if (_maxItems is { } max && array.Count > max) errors.Add($"{path}: must have at most {max} items, has {array.Count}");
        if (_items is null) return;
        for (var i = 0; i < array.Count; i++) _items.Check(array[i], $"{path}[{i}]", errors, limit, deadline);
    }

    private void CheckNumber(double number, string path, List<string> errors)
    {
        if (_minimum is { } min && number < min) errors.Add($"{path}: must be at least {Format(min)}");
        if (_maximum is { } max && number > max) errors.Add($"{path}: must be at most {Format(max)}");
        if (_exclusiveMinimum is { } emin && number <= emin) errors.Add($"{path}: must be greater than {Format(emin)}");
        if (_exclusiveMaximum is { } emax && number >= emax) errors.Add($"{path}: must be less than {Format(emax)}");
    }

    private void CheckString(string text, string path, List<string> errors, long deadline)
    {
        var length = text.EnumerateRunes().Count();
        if (_minLength is { } min && length < min) errors.Add($"{path}: must be at least {min} characters long");
        if (_maxLength is { } max && length > max) errors.Add($"{path}: must be at most {max} characters long");
        if (_pattern?.Check(text, deadline) is { } problem) errors.Add($"{path}: {problem}");
    }

    private static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
            JsonValueKind.Null => "null",
            _ => "unknown",
        },
        _ => "unknown",
    };

    private static bool IsInteger(JsonValue value)
    {
        if (value.TryGetValue<long>(out _) || value.TryGetValue<int>(out _)) return true;
        var number = NumberOf(value);
        return double.IsFinite(number) && Math.Floor(number) == number;
    }

    /// <summary>The number in a JsonValue, whether it was parsed (JsonElement) or built from a .NET number.</summary>
    private static double NumberOf(JsonValue value)
    {
        if (value.TryGetValue<double>(out var d)) return d;
        if (value.TryGetValue<long>(out var l)) return l;
        if (value.TryGetValue<int>(out var i)) return i;
        if (value.TryGetValue<decimal>(out var m)) return (double)m;
        if (value.TryGetValue<float>(out var f)) return f;
        return double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
    }

    private static string Join(string path, string name) =>
        path == "arguments" ? name : name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? $"{path}.{name}" : $"{path}[\"{name}\"]";

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Count(JsonNode? value, string path) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && NumberOf(v) is var d && d >= 0 && Math.Floor(d) == d && d <= int.MaxValue ? (int)d : throw Bad(path, "must be a non-negative integer");

    private static double Number(JsonNode? value, string path) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? NumberOf(v) : throw Bad(path, "must be a number");

    private static InputSchemaException Bad(string path, string problem) => new($"{path} {problem}");
}

/// <summary>A schema that cannot be compiled; the message names the keyword and what is wrong.</summary>
public sealed class InputSchemaException(string message) : Exception(message);
