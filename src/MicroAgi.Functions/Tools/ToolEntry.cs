using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Registry;

namespace MicroAgi.Functions.Tools;

/// <summary>
/// The one reader of what makes an entry a tool and how the model sees it: <c>meta.type = tool</c>;
/// its LLM name (<c>meta.llm_alias</c>, else the entry name); its description (<c>meta.llm_description</c>,
/// else <c>meta.comment</c>, <c>meta.title</c>, the name); its parameters (<c>meta.input_schema</c> as an
/// object schema). The loop, load_tool, create_tool and the MCP server all read tools through it.
/// </summary>
public sealed partial class ToolEntry
{
    /// <summary>The <c>meta.type</c> of a tool entry.</summary>
    public const string MetaType = "tool";

    private static readonly JsonElement EmptyObjectSchema =
        JsonSerializer.SerializeToElement(new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() });

    private readonly Lazy<JsonElement> _schema;

    private ToolEntry(Entry entry)
    {
        Entry = entry;
        LlmName = LlmNameOf(entry);
        Description = entry.MetaString("llm_description") ?? entry.MetaString("comment") ?? entry.MetaString("title") ?? LlmName;
        _schema = new Lazy<JsonElement>(() => ObjectSchemaOf(entry));
    }

    public Entry Entry { get; }

    public EntryId Id => Entry.Id;

    /// <summary>
    /// A native tool that keeps its own clock (<c>meta.own_deadline: true</c>, e.g. sessions_spawn with its
    /// <c>timeout</c> argument): the per-call tool timeout would cut it short. Honoured for natives only —
    /// their handlers are the host's code and enforce their own bound; a Lua tool always runs on the call's clock.
    /// </summary>
    public bool RunsOwnDeadline =>
        Entry.Kind == FunctionKinds.Native && Entry.Meta.ValueKind == JsonValueKind.Object
        && Entry.Meta.TryGetProperty("own_deadline", out var own) && own.ValueKind == JsonValueKind.True;

    /// <summary>The name the model calls the tool by.</summary>
    public string LlmName { get; }

    public string Description { get; }

    /// <summary>
    /// The input schema as an object schema. Strict providers reject a missing or property-less schema,
    /// so an absent one is <c>{"type":"object","properties":{}}</c> and a partial one gains both keys.
    /// </summary>
    public JsonElement Schema => _schema.Value;

    /// <summary>Why the model could not call the tool by its name (providers accept ^[a-zA-Z0-9_-]{1,64}$), or null.</summary>
    public string? NameProblem => ValidName().IsMatch(LlmName) ? null : $"its LLM name '{LlmName}' must match ^[a-zA-Z0-9_-]{{1,64}}$; set meta.llm_alias";

    /// <summary>Finds every tool entry (with the namespace filter of <paramref name="query"/>, if given).</summary>
    public static EntryQuery Query(EntryQuery? query = null) => (query ?? new EntryQuery()).WithMeta("type", MetaType);

    public static bool IsTool(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.MetaString("type") == MetaType;
    }

    /// <summary>The tool view of <paramref name="entry"/>, or null when it is not a tool.</summary>
    public static ToolEntry? From(Entry entry) => IsTool(entry) ? new ToolEntry(entry) : null;

    /// <summary>The name the model would call <paramref name="entry"/> by: <c>meta.llm_alias</c>, else the entry name.</summary>
    public static string LlmNameOf(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.MetaString("llm_alias") is { Length: > 0 } alias ? alias : entry.Id.Name;
    }

    private static JsonElement ObjectSchemaOf(Entry entry)
    {
        if (!entry.Meta.TryGetProperty("input_schema", out var schema) || schema.ValueKind != JsonValueKind.Object) return EmptyObjectSchema;
        if (schema.TryGetProperty("type", out _) && schema.TryGetProperty("properties", out _)) return schema;
        var node = JsonNode.Parse(schema.GetRawText())!.AsObject();
        node.TryAdd("type", "object");
        node.TryAdd("properties", new JsonObject());
        return JsonSerializer.SerializeToElement(node);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ValidName();
}
