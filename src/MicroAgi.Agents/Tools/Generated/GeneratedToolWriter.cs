using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Functions.Schema;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;
using MicroAgi.Security;

namespace MicroAgi.Agents.Tools.Generated;

/// <summary>
/// Writes a generated tool as the entry <c>app.generated:&lt;name&gt;</c> — the one code path behind the
/// agent's <c>create_tool</c> and <c>microagi tools create</c>. In order: the name, the sizes, the
/// modules and the schema are checked without running anything; then the named scope
/// <c>app:agent_security</c> decides for the actor <c>service:agent</c>; only then does the model's code
/// run, to prove that it compiles, exports <c>handler</c> and passes its test cases; finally the entry
/// is created or updated through one changeset. Any failure leaves the registry untouched.
/// </summary>
public sealed class GeneratedToolWriter
{
    public const string Namespace = "app.generated";
    public const string Method = "handler";
    public const int MaxSourceLength = 16_000;
    public const int MaxDescriptionLength = 4_000;
    public const int MaxSchemaLength = 16_000;

    /// <summary>The modules a generated tool may list (seed 000's ALLOWED_MODULES).</summary>
    public static IReadOnlyList<string> AllowedModules { get; } =
        ["time", "json", "http_client", "expr", "text", "base64", "yaml", "crypto", "hash", "uuid", "url"];

    private const int MaxShownJson = 300;

    private readonly IRegistry _registry;
    private readonly LuaRuntime _runtime;
    private readonly AgentWritePolicy _policy;

    public GeneratedToolWriter(IRegistry registry, LuaRuntime runtime, SecurityScopes? scopes = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(runtime);
        _registry = registry;
        _runtime = runtime;
        _policy = new AgentWritePolicy(scopes ?? new SecurityScopes(registry));
    }

    /// <summary>
    /// Checks <paramref name="request"/> and writes it. <paramref name="origin"/> (e.g. <c>create_tool</c>)
    /// goes into the version's description so history shows who wrote it. Refusals are outcomes,
    /// not exceptions; a registry store failure still throws.
    /// </summary>
    public async Task<GeneratedToolOutcome> WriteAsync(GeneratedToolRequest request, string origin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);

        if (GeneratedToolName.Problem(request.Name) is { } nameProblem) return GeneratedToolOutcome.Refused(nameProblem);
        var id = new EntryId(Namespace, request.Name);
        if (SourceProblem(request.Source) is { } sourceProblem) return GeneratedToolOutcome.Refused(sourceProblem);
        if (request.Description is { Length: > MaxDescriptionLength })
            return GeneratedToolOutcome.Refused(Invariant($"description is {request.Description.Length} characters long, at most {MaxDescriptionLength} are allowed"));
        var modules = CheckModules(request.Modules, out var moduleProblem);
        if (moduleProblem is not null) return GeneratedToolOutcome.Refused(moduleProblem);
        var schema = NormalizeSchema(request.Schema, out var compiledSchema, out var schemaProblem);
        if (schemaProblem is not null) return GeneratedToolOutcome.Refused(schemaProblem);

        var snapshot = _registry.Snapshot();
        if (NameTakenBy(snapshot, request.Name) is { } owner)
            return GeneratedToolOutcome.Refused($"name '{request.Name}' is already the name of the tool {owner}; choose another name");
        var existing = snapshot.Get(id);
        if (existing is not null && existing.Kind != FunctionKinds.Lua)
            return GeneratedToolOutcome.Refused($"{id} exists and is a {existing.Kind} entry, not a generated tool; choose another name");

        // The policy is asked before any of the model's code runs: a refused target costs nothing.
        var action = existing is null ? "create" : "update";
        if (_policy.Refusal(action, id) is { } policyProblem) return GeneratedToolOutcome.Refused(policyProblem);

        var function = new LuaFunctionSource(request.Source, Method, modules, request.Name);
        var check = _runtime.Check(function, cancellationToken);
        if (!check.IsValid) return GeneratedToolOutcome.Refused(DescribeCheckFailure(check));

        var failures = await RunTestsAsync(function, compiledSchema!, request.Tests, cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            return GeneratedToolOutcome.Refused(
                Invariant($"{failures.Count} of {request.Tests.Count} tests failed, nothing was written:\n") + string.Join('\n', failures));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var entry = BuildEntry(id, request, schema, modules);
        var changes = snapshot.Changes($"{origin}: {action} tool {id}");
        if (existing is null) changes.Create(entry);
        else changes.Update(entry);
        try
        {
            var version = await _registry.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            return GeneratedToolOutcome.Written(id, existing is not null, version.Number, request.Tests.Count);
        }
        catch (ChangeSetConflictException e)
        {
            // Another writer changed the entry between our snapshot and the apply.
            return GeneratedToolOutcome.Refused($"{e.Message}; try again");
        }
    }

    /// <summary>The entry exactly as seed 000's create_tool writes it.</summary>
    private static Entry BuildEntry(EntryId id, GeneratedToolRequest request, JsonObject schema, IReadOnlyList<string> modules)
    {
        var description = request.Description ?? "";
        var meta = new JsonObject
        {
            ["type"] = ToolEntry.MetaType,
            ["title"] = request.Name,
            ["comment"] = description,
            ["input_schema"] = schema,
            ["llm_alias"] = request.Name,
            ["llm_description"] = description,
        };
        var data = new JsonObject
        {
            ["source"] = request.Source,
            ["modules"] = new JsonArray([.. modules.Select(m => (JsonNode)JsonValue.Create(m))]),
            ["method"] = Method,
        };
        return Entry.Create(id, FunctionKinds.Lua, meta, data);
    }

    /// <summary>
    /// A syntax error reads "does not compile"; an error raised while the chunk's top level runs (the
    /// runtime marks those "loading the tool failed: ") reads "fails while loading". Both name the line.
    /// </summary>
    private static string DescribeCheckFailure(LuaCheckResult check)
    {
        const string LoadingPrefix = "loading the tool failed: ";
        var error = check.Error!;
        var loading = error.StartsWith(LoadingPrefix, StringComparison.Ordinal);
        if (loading) error = error[LoadingPrefix.Length..];
        if (check.Line is not { } line) return $"source does not load: {error}";
        return loading ? Invariant($"source fails while loading (line {line}): {error}") : Invariant($"source does not compile (line {line}): {error}");
    }

    private static string? SourceProblem(string source)
    {
        if (string.IsNullOrWhiteSpace(source))
            return "source is empty; write Lua that defines handler(input) and ends with `return { handler = handler }`";
        if (source.Length > MaxSourceLength)
            return Invariant($"source is {source.Length} characters long, at most {MaxSourceLength} are allowed; make the tool smaller");
        return null;
    }

    private static List<string> CheckModules(IReadOnlyList<string> requested, out string? problem)
    {
        problem = null;
        var modules = new List<string>(requested.Count);
        foreach (var module in requested)
        {
            if (!AllowedModules.Contains(module, StringComparer.Ordinal))
            {
                problem = $"module '{GeneratedToolName.Printable(module)}' is not allowed; a generated tool may use only: {string.Join(", ", AllowedModules)}";
                return modules;
            }
            if (!modules.Contains(module, StringComparer.Ordinal)) modules.Add(module);
        }
        return modules;
    }

    /// <summary>
    /// The schema as an object (a JSON string is parsed; none means "no arguments"). It must compile, and
    /// describe an object, because a tool's arguments always are one and providers refuse anything else.
    /// </summary>
    private static JsonObject NormalizeSchema(JsonNode? given, out InputSchema? compiled, out string? problem)
    {
        compiled = null;
        problem = null;
        var node = given;
        if (node is JsonValue text && text.TryGetValue<string>(out var json))
        {
            if (json.Length > MaxSchemaLength)
            {
                problem = Invariant($"schema is {json.Length} characters long, at most {MaxSchemaLength} are allowed");
                return [];
            }
            try
            {
                node = JsonNode.Parse(json);
            }
            catch (System.Text.Json.JsonException e)
            {
                problem = $"schema is a string that is not valid JSON ({e.Message}); give a JSON Schema object such as {{\"type\": \"object\", \"properties\": {{\"city\": {{\"type\": \"string\"}}}}}}";
                return [];
            }
        }
        var schema = node switch
        {
            null => new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            JsonObject obj => obj.DeepClone().AsObject(),
            _ => null,
        };
        if (schema is null)
        {
            problem = $"schema must be a JSON Schema object such as {{\"type\": \"object\", \"properties\": {{...}}}}, not {GeneratedToolRequest.Kind(node)}";
            return [];
        }
        if (schema.ToJsonString().Length > MaxSchemaLength)
        {
            problem = Invariant($"schema is larger than {MaxSchemaLength} characters");
            return [];
        }
        if (schema["type"] is { } type && !(type is JsonValue v && v.TryGetValue<string>(out var name) && name == "object"))
        {
            problem = $"schema.type must be \"object\" (a tool's input is an object of named arguments), not {type.ToJsonString()}";
            return [];
        }
        if (!InputSchema.TryCompile(schema, out compiled, out var error, "schema"))
        {
            problem = error;
            return [];
        }
        return schema;
    }

    /// <summary>
    /// A tool outside app.generated that the LLM would know under the same name, if any. The LLM name is the alias,
    /// else the entry name: so only tools with that alias or that name can hold it — two indexed finds, not a read
    /// of every tool.
    /// </summary>
    private static EntryId? NameTakenBy(RegistrySnapshot snapshot, string name)
    {
        var candidates = snapshot.Find(ToolEntry.Query().WithMeta("llm_alias", name))
            .Concat(snapshot.Find(ToolEntry.Query(new EntryQuery { Name = name })));
        return candidates.Where(tool => tool.Id.Namespace != Namespace && ToolEntry.LlmNameOf(tool) == name)
            .MinBy(tool => tool.Id.ToString(), StringComparer.Ordinal)?.Id;
    }

    private async Task<List<string>> RunTestsAsync(LuaFunctionSource function, InputSchema schema, IReadOnlyList<ToolTestCase> tests, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        for (var i = 0; i < tests.Count; i++)
        {
            var test = tests[i];
            var label = Invariant($"test {i + 1} (input {Shorten(test.Input.ToJsonString())})");
            var inputErrors = schema.Validate(test.Input, cancellationToken: cancellationToken);
            if (inputErrors.Count > 0)
            {
                failures.Add($"{label}: the input does not match the schema: {string.Join("; ", inputErrors)}");
                continue;
            }
            var result = await _runtime.RunAsync(function, test.Input, cancellationToken: cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (Judge(test, result) is { } failure) failures.Add($"{label}: {failure}");
        }
        return failures;
    }

    private static string? Judge(ToolTestCase test, FunctionResult result)
    {
        var got = result.IsSuccess ? "got " + Shorten(result.Value?.ToJsonString() ?? "null") : $"the call failed ({result.ErrorKind}): {result.Error}";
        if (test.ExpectError is { } expected)
        {
            if (!result.IsSuccess && result.Error!.Contains(expected, StringComparison.Ordinal)) return null;
            return $"expected an error containing '{expected}', {got}";
        }
        if (!result.IsSuccess) return got;
        if (!test.HasExpect || JsonNode.DeepEquals(test.Expect, result.Value)) return null;
        return $"expected {Shorten(test.Expect?.ToJsonString() ?? "null")}, {got}";
    }

    private static string Shorten(string json) => json.Length <= MaxShownJson ? json : string.Concat(json.AsSpan(0, MaxShownJson), "…");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
