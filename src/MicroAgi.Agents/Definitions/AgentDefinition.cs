using System.Text.Json;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Definitions;

/// <summary>
/// An <c>agent.gen1</c> entry: the system prompt, the model, generation settings and the tools it may
/// use (<c>ns:*</c> = every tool entry in exactly that namespace, or a single entry id).
/// </summary>
public sealed record AgentDefinition
{
    public const string MetaType = "agent.gen1";

    public required EntryId Id { get; init; }
    public required string Prompt { get; init; }
    public string? Title { get; init; }

    /// <summary>A registry model name or class; null lets the configuration decide.</summary>
    public string? Model { get; init; }

    public int? MaxTokens { get; init; }
    public double? Temperature { get; init; }
    public int? ThinkingEffort { get; init; }
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>
    /// Id patterns (as in <see cref="Tools"/>) of granted tools the model is offered by name only, in one line of
    /// the prompt each, until it first calls one or loads it with <c>load_tool</c>: their schemas are not sent with
    /// every request. Tools the agent uses on most turns should not be deferred.
    /// </summary>
    public IReadOnlyList<string> Deferred { get; init; } = [];

    /// <summary>The id patterns of the tools it may add at runtime (see <see cref="ToolLoadGrant"/>).</summary>
    public IReadOnlyList<string> Loadable { get; init; } = ToolLoadGrant.DefaultPatterns;

    /// <summary>Reads an agent entry; fields live in data (where YAML puts them) or, failing that, meta.</summary>
    public static AgentDefinition FromEntry(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.MetaString("type") != MetaType)
        {
            throw new AgentDefinitionException(entry.Id, $"meta.type is '{entry.MetaString("type")}', expected '{MetaType}'");
        }
        var prompt = Text(entry, "prompt") ?? throw new AgentDefinitionException(entry.Id, "has no 'prompt'");
        return new AgentDefinition
        {
            Id = entry.Id,
            Prompt = prompt,
            Title = entry.MetaString("title"),
            Model = Text(entry, "model"),
            MaxTokens = Integer(entry, "max_tokens"),
            Temperature = Number(entry, "temperature"),
            ThinkingEffort = Integer(entry, "thinking_effort"),
            Tools = Strings(entry, "tools", "'tools' must be a list of entry ids or id patterns such as 'app.tools:*' or 'mcp.*'") ?? [],
            Deferred = Strings(entry, "deferred", "'deferred' must be a list of id patterns such as 'app.tools:web_fetch' or 'mcp.*'") ?? [],
            Loadable = Strings(entry, "loadable", "'loadable' must be a list of id patterns, e.g. [\"app.generated:*\"]") ?? ToolLoadGrant.DefaultPatterns,
        };
    }

    private static List<string>? Strings(Entry entry, string name, string problem) => Field(entry, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } list => list.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw new AgentDefinitionException(entry.Id, problem)).ToList(),
        _ => throw new AgentDefinitionException(entry.Id, problem),
    };

    private static JsonElement? Field(Entry entry, string name)
    {
        if (entry.Data.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null) return value;
        if (entry.Meta.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return value;
        return null;
    }

    private static string? Text(Entry entry, string name) => Field(entry, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new AgentDefinitionException(entry.Id, $"'{name}' must be a string"),
    };

    private static int? Integer(Entry entry, string name) => Field(entry, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        _ => throw new AgentDefinitionException(entry.Id, $"'{name}' must be a whole number"),
    };

    private static double? Number(Entry entry, string name) => Field(entry, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value => value.GetDouble(),
        _ => throw new AgentDefinitionException(entry.Id, $"'{name}' must be a number"),
    };
}

public sealed class AgentDefinitionException(EntryId id, string problem) : Exception($"agent '{id}' {problem}")
{
    public EntryId AgentId { get; } = id;
}
