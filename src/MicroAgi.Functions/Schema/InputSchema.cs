using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace MicroAgi.Functions.Schema;

/// <summary>
/// A tool's input schema, compiled: JSON Schema draft 2020-12 through JsonSchema.Net — <c>$ref</c>/<c>$defs</c>,
/// <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c>/<c>not</c>, <c>enum</c>, <c>const</c>, <c>format</c> (asserted),
/// <c>additionalProperties</c>, <c>pattern</c> (bounded in time) and the rest. Two habits of tool schemas are kept:
/// OpenAPI's <c>nullable: true</c> adds <c>null</c> to the type, and a declared optional member sent as
/// <c>null</c> counts as absent (OpenAI's strict mode sends them). <c>$schema</c> is ignored: every schema is
/// read as 2020-12. Unknown keywords are allowed; no <c>$ref</c> leaves the schema (nothing is fetched).
/// Errors name the JSON pointer of the bad value: <c>/items/2/name: Value is "integer" but should be "string"</c>.
/// </summary>
public sealed class InputSchema
{
    /// <summary>The longest one validation may run (regex matches included) before it gives up.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The keywords whose values are data, not schemas: the normalisation walk does not enter them.</summary>
    private static readonly string[] DataKeywords = ["enum", "const", "default", "examples"];

    private static readonly Dialect ToolDialect = Dialect.Draft202012
        .With([BoundedPatternKeyword.Instance, RefusedPatternPropertiesKeyword.Instance], null, null, true);

    private readonly JsonSchema _schema;
    private readonly JsonObject? _shape;

    private InputSchema(JsonSchema schema, JsonObject? shape)
    {
        _schema = schema;
        _shape = shape;
    }

    /// <summary>Compiles <paramref name="schema"/>; throws <see cref="InputSchemaException"/> naming what is wrong.</summary>
    public static InputSchema Compile(JsonNode? schema, string path = "input_schema")
    {
        var normalized = schema switch
        {
            JsonObject obj => Normalize(obj.DeepClone()),
            JsonValue v when v.TryGetValue<bool>(out var b) => v.DeepClone(),
            _ => throw Bad(path, "must be a JSON object (a JSON Schema)"),
        };
        if (MetaSchemaProblem(normalized) is { } problem) throw Bad(path, problem);
        if (normalized is JsonObject root && UnresolvableReference(root, root) is { } reference)
            throw Bad(path, $"has a $ref that cannot be resolved: {reference} (only references inside the schema, such as #/$defs/name, are followed; nothing is fetched)");
        try
        {
            // A registry of its own per schema: two tools may use the same $id, and nothing is kept globally.
            var options = new BuildOptions { Dialect = ToolDialect, SchemaRegistry = new SchemaRegistry() };
            var built = JsonSchema.Build(JsonSerializer.SerializeToElement(normalized), options);
            return new InputSchema(built, normalized as JsonObject);
        }
        catch (Exception e) when (e is JsonSchemaException or RefResolutionException or ArgumentException or FormatException or InvalidOperationException or JsonException)
        {
            throw Bad(path, $"is not a usable JSON Schema (draft 2020-12): {e.Message}");
        }
    }

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

    public static bool TryCompile(JsonNode? schema, out InputSchema? compiled, out string? error, string path = "input_schema")
    {
        try
        {
            compiled = Compile(schema, path);
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

    /// <summary>
    /// Every way <paramref name="value"/> breaks the schema (empty when it conforms), at most
    /// <paramref name="limit"/>, each as <c>pointer: problem</c>. Stops within <paramref name="timeout"/>
    /// (default <see cref="DefaultTimeout"/>) or when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public IReadOnlyList<string> Validate(JsonNode? value, int limit = 20, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var instance = JsonSerializer.SerializeToElement(WithoutOptionalNulls(value, _shape));
        var budget = ValidationBudget.Start(timeout ?? DefaultTimeout, cancellationToken);
        EvaluationResults results;
        try
        {
            // Most arguments conform, and an evaluation that only answers yes or no is cheaper than one that keeps every
            // node's result (a third less time and garbage, InputSchemaBenchmarks): the detailed evaluation runs only to
            // explain a failure, within the same budget.
            if (_schema.Evaluate(instance, budget.Options(OutputFormat.Flag)).IsValid) return [];
            results = _schema.Evaluate(instance, budget.Options(OutputFormat.List));
        }
        catch (RefResolutionException e)
        {
            return [$"the tool's schema cannot be used: {e.Message}"];
        }
        if (results.IsValid) return [];
        var spent = budget.Spent;
        var errors = new List<string>();
        var failed = Relevant(results).ToList();
        foreach (var node in failed)
        {
            foreach (var (keyword, message) in node.Errors ?? [])
            {
                if (errors.Count >= limit) return errors;
                if (message != spent) errors.Add($"{Where(node.InstanceLocation.ToString())}: {Explain(keyword, message, node)}");
            }
        }
        // Some keywords (a oneOf that matches twice, a not that matches) fail without a message: name the deepest schema that failed.
        if (errors.Count == 0 && spent is null)
        {
            var deepest = failed.Where(n => !failed.Any(o => o != n && o.EvaluationPath.ToString().StartsWith(n.EvaluationPath + "/", StringComparison.Ordinal)));
            foreach (var node in deepest.DefaultIfEmpty(results).Take(limit))
            {
                var at = node.EvaluationPath.ToString();
                errors.Add($"{Where(node.InstanceLocation.ToString())}: does not satisfy the schema at {(at.Length == 0 ? "its root" : at)} (a oneOf matching more than one choice, or a not that matches)");
            }
        }
        if (spent is not null) errors.Add(spent);
        return errors;
    }

    /// <summary>
    /// The nodes that failed and matter: a failure inside a branch that an enclosing schema, at the same
    /// value, did not need (an <c>anyOf</c> that another branch satisfied) is noise, and is left out.
    /// </summary>
    private static IEnumerable<EvaluationResults> Relevant(EvaluationResults results)
    {
        var nodes = results.Details ?? [];
        var passed = nodes.Where(n => n.IsValid).Select(n => (At: n.InstanceLocation.ToString(), Path: n.EvaluationPath + "/")).ToList();
        return nodes.Where(n => !n.IsValid && !passed.Any(p =>
            p.Path.Length > 1 && p.At == n.InstanceLocation.ToString() && (n.EvaluationPath + "/").StartsWith(p.Path, StringComparison.Ordinal)));
    }

    /// <summary>What the draft 2020-12 meta-schema says is wrong with <paramref name="schema"/>, with the pointer of each problem.</summary>
    private static string? MetaSchemaProblem(JsonNode schema)
    {
        var results = MetaSchemas.Draft202012.Evaluate(JsonSerializer.SerializeToElement(schema), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return null;
        var problems = Relevant(results).SelectMany(n => (n.Errors ?? []).Select(e => $"{Where(n.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct().Take(5).ToList();
        return $"does not follow the JSON Schema (draft 2020-12) meta-schema: {(problems.Count == 0 ? "it is not a valid schema" : string.Join("; ", problems))}";
    }

    /// <summary>The first <c>$ref</c> that does not point inside <paramref name="root"/>, if any.</summary>
    private static string? UnresolvableReference(JsonNode? node, JsonObject root)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (key == "$ref" && child is JsonValue v && v.TryGetValue<string>(out var reference))
                    {
                        if (!Resolves(reference, root)) return reference;
                    }
                    else if (!DataKeywords.Contains(key) && UnresolvableReference(child, root) is { } bad) return bad;
                }
                return null;
            case JsonArray array:
                return array.Select(item => UnresolvableReference(item, root)).FirstOrDefault(r => r is not null);
            default:
                return null;
        }
    }

    /// <summary>Whether a reference is <c>#</c> or a JSON pointer <c>#/a/b</c> into the schema itself.</summary>
    private static bool Resolves(string reference, JsonObject root)
    {
        if (reference == "#") return true;
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) return false;
        JsonNode? at = root;
        foreach (var raw in reference[2..].Split('/'))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            at = at switch
            {
                JsonObject obj => obj.TryGetPropertyValue(token, out var next) ? next : null,
                JsonArray list when int.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 && i < list.Count => list[i],
                _ => null,
            };
            if (at is null) return false;
        }
        return true;
    }

    private static string Where(string pointer) => pointer.Length == 0 ? "(arguments)" : pointer;

    private string Explain(string keyword, string message, EvaluationResults node) => keyword switch
    {
        "enum" when EnumAt(node.EvaluationPath.ToString()) is { } choices => $"must be one of {choices} (enum)",
        "" when node.EvaluationPath.ToString().EndsWith("/additionalProperties", StringComparison.Ordinal) => "is not allowed (the schema has no such property)",
        "" => $"is not allowed here ({node.EvaluationPath} is false)",
        _ => $"{message} ({keyword})",
    };

    /// <summary>The values of the <c>enum</c> of the schema at <paramref name="evaluationPath"/> (a path through no <c>$ref</c>), as JSON, or null.</summary>
    private string? EnumAt(string evaluationPath)
    {
        JsonNode? at = _shape;
        foreach (var segment in evaluationPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            at = at switch
            {
                JsonObject obj => obj[token],
                JsonArray list when int.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 && i < list.Count => list[i],
                _ => null,
            };
        }
        return at is JsonObject schema && schema["enum"] is JsonArray choices ? string.Join(", ", choices.Select(c => c?.ToJsonString() ?? "null")) : null;
    }

    /// <summary>
    /// The schema as it is compiled: <c>$schema</c> dropped (every schema is read as 2020-12, so none can
    /// switch to a dialect with an unbounded <c>pattern</c>) and <c>nullable: true</c> turned into a null type.
    /// </summary>
    private static JsonNode Normalize(JsonNode schema)
    {
        if (schema is JsonObject obj)
        {
            obj.Remove("$schema");
            if (obj["nullable"] is JsonValue n && n.TryGetValue<bool>(out var nullable) && nullable && obj["type"] is { } type)
            {
                if (type is JsonValue single && single.TryGetValue<string>(out var name) && name != "null") obj["type"] = new JsonArray(name, "null");
                else if (type is JsonArray list && !list.Any(t => t?.GetValue<string>() == "null")) list.Add("null");
            }
            foreach (var (key, child) in obj.ToList())
            {
                if (child is not null && !DataKeywords.Contains(key)) Normalize(child);
            }
        }
        else if (schema is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null) Normalize(item);
            }
        }
        return schema;
    }

    /// <summary>
    /// The arguments without members that are null where the schema declares them optional (following
    /// <c>properties</c> and <c>items</c>): the handler sees nil either way, and strict providers send them.
    /// </summary>
    private static JsonNode? WithoutOptionalNulls(JsonNode? value, JsonObject? shape)
    {
        if (shape is null || !HasOptionalNull(value, shape)) return value;
        if (value is JsonObject obj && shape["properties"] is JsonObject properties)
        {
            var copy = new JsonObject();
            foreach (var (key, member) in obj)
            {
                if (member is null && IsOptional(key, properties, shape)) continue;
                copy[key] = WithoutOptionalNulls(member?.DeepClone(), properties[key] as JsonObject);
            }
            return copy;
        }
        if (value is JsonArray array && shape["items"] is JsonObject itemShape)
            return new JsonArray([.. array.Select(item => WithoutOptionalNulls(item?.DeepClone(), itemShape))]);
        return value;
    }

    private static bool HasOptionalNull(JsonNode? value, JsonObject? shape)
    {
        if (shape is null) return false;
        if (value is JsonObject obj && shape["properties"] is JsonObject properties)
            return obj.Any(p => p.Value is null ? IsOptional(p.Key, properties, shape) : HasOptionalNull(p.Value, properties[p.Key] as JsonObject));
        return value is JsonArray array && shape["items"] is JsonObject itemShape && array.Any(item => HasOptionalNull(item, itemShape));
    }

    private static bool IsOptional(string name, JsonObject properties, JsonObject shape) =>
        properties.ContainsKey(name)
        && !(shape["required"] is JsonArray required && required.Any(r => r?.GetValueKind() == JsonValueKind.String && r.GetValue<string>() == name));

    private static InputSchemaException Bad(string path, string problem) => new($"{path} {problem}");
}

/// <summary>A schema that cannot be compiled; the message names the keyword and what is wrong.</summary>
public sealed class InputSchemaException(string message) : Exception(message);
