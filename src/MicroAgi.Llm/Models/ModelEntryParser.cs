using System.Text.Json;
using MicroAgi.Registry;

namespace MicroAgi.Llm.Models;

/// <summary>
/// Reads <c>llm.model</c> entries (<c>kind: registry.entry</c>, <c>meta.type: llm.model</c>). Each field is
/// looked up in <c>meta</c> first (where Wippy YAML puts them) and then in <c>data</c>. Missing limits take
/// the given defaults and a missing price is unknown; a field of the wrong type is an error naming the entry
/// and the field.
/// </summary>
public static class ModelEntryParser
{
    public const string EntryKind = "registry.entry";
    public const string MetaType = "llm.model";

    public static bool IsModelEntry(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == EntryKind && entry.MetaString("type") == MetaType;
    }

    /// <exception cref="ModelEntryException">The entry is not a model entry or a field is malformed.</exception>
    public static ModelDefinition Parse(Entry entry, ModelLimits? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!IsModelEntry(entry))
            throw new ModelEntryException(entry.Id, $"is not a model entry (kind must be '{EntryKind}' and meta.type '{MetaType}')");
        defaults ??= ModelLimits.Default;
        var fields = new Fields(entry);
        var name = fields.String("name") ?? entry.Id.Name;
        return new ModelDefinition
        {
            Name = name,
            EntryId = entry.Id,
            Title = fields.String("title"),
            Comment = fields.String("comment"),
            Capabilities = fields.StringList("capabilities"),
            Classes = fields.StringList("class"),
            Priority = fields.Integer("priority", min: int.MinValue) ?? 0,
            ContextWindow = fields.Integer("max_tokens", min: 1) ?? defaults.ContextWindow,
            OutputTokens = fields.Integer("output_tokens", min: 1) ?? defaults.OutputTokens,
            Pricing = fields.Pricing(),
            Providers = fields.Providers(name),
            ThinkingEffort = fields.Integer("thinking_effort", min: 0, max: 100) ?? fields.ProviderThinkingEffort(),
        };
    }

    private sealed class Fields(Entry entry)
    {
        public JsonElement? Get(string name)
        {
            foreach (var source in (JsonElement[])[entry.Meta, entry.Data])
                if (source.ValueKind == JsonValueKind.Object && source.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
                    return value;
            return null;
        }

        public string? String(string name) => Get(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            { } other => throw Error(name, $"must be a string, not {Describe(other)}"),
        };

        public IReadOnlyList<string> StringList(string name) => Get(name) switch
        {
            null => [],
            { ValueKind: JsonValueKind.String } one => [one.GetString()!],
            { ValueKind: JsonValueKind.Array } many => [.. many.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw Error(name, $"must list strings, but holds {Describe(item)}"))],
            { } other => throw Error(name, $"must be a list of strings, not {Describe(other)}"),
        };

        public int? Integer(string name, int min, int max = int.MaxValue) =>
            Get(name) is { } value ? ToInteger(value, name, min, max) : null;

        public ModelPricing Pricing()
        {
            if (Get("pricing") is not { } pricing) return ModelPricing.Unknown;
            if (pricing.ValueKind != JsonValueKind.Object)
                throw Error("pricing", $"must be an object like {{input: 2.5, output: 10}} (dollars per million tokens), not {Describe(pricing)}");
            return new ModelPricing(
                Price(pricing, "input") ?? throw Error("pricing.input", "is missing (dollars per million input tokens)"),
                Price(pricing, "output") ?? throw Error("pricing.output", "is missing (dollars per million output tokens)"),
                Price(pricing, "cached_input") ?? Price(pricing, "cached"));
        }

        public IReadOnlyList<ModelProviderBinding> Providers(string modelName)
        {
            if (Get("providers") is not { } providers) return [];
            if (providers.ValueKind != JsonValueKind.Array)
                throw Error("providers", $"must be a list like [{{id: ..., provider_model: ...}}], not {Describe(providers)}");
            var result = new List<ModelProviderBinding>();
            var index = 0;
            foreach (var provider in providers.EnumerateArray())
            {
                var field = $"providers[{index++}]";
                if (provider.ValueKind != JsonValueKind.Object)
                    throw Error(field, $"must be an object with id and provider_model, not {Describe(provider)}");
                var id = provider.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String && idValue.GetString() is { Length: > 0 } text
                    ? text
                    : throw Error($"{field}.id", "is missing; name the provider, e.g. 'openai'");
                var providerModel = provider.TryGetProperty("provider_model", out var modelValue) && modelValue.ValueKind != JsonValueKind.Null
                    ? modelValue.ValueKind == JsonValueKind.String ? modelValue.GetString()! : throw Error($"{field}.provider_model", $"must be a string, not {Describe(modelValue)}")
                    : modelName;
                var options = provider.TryGetProperty("options", out var optionsValue) && optionsValue.ValueKind != JsonValueKind.Null
                    ? optionsValue.ValueKind == JsonValueKind.Object ? optionsValue.Clone() : throw Error($"{field}.options", $"must be an object, not {Describe(optionsValue)}")
                    : default;
                result.Add(new ModelProviderBinding(id, providerModel, options));
            }
            return result;
        }

        /// <summary>The seed writes <c>thinking_effort</c> next to a binding's provider_model or in its options.</summary>
        public int? ProviderThinkingEffort()
        {
            if (Get("providers") is not { ValueKind: JsonValueKind.Array } providers) return null;
            foreach (var provider in providers.EnumerateArray())
            {
                if (provider.TryGetProperty("thinking_effort", out var value) && value.ValueKind != JsonValueKind.Null)
                    return ToInteger(value, "providers[].thinking_effort", 0, 100);
                if (provider.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
                    && options.TryGetProperty("thinking_effort", out var inOptions) && inOptions.ValueKind != JsonValueKind.Null)
                    return ToInteger(inOptions, "providers[].options.thinking_effort", 0, 100);
            }
            return null;
        }

        private decimal? Price(JsonElement pricing, string name)
        {
            if (!pricing.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var price) && price >= 0
                ? price
                : throw Error($"pricing.{name}", $"must be a non-negative number (dollars per million tokens), not {Describe(value)}");
        }

        private int ToInteger(JsonElement value, string name, int min, int max)
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
                return number;
            var range = max == int.MaxValue ? min == int.MinValue ? "an integer" : $"an integer of at least {min}" : $"an integer from {min} to {max}";
            throw Error(name, $"must be {range}, not {Describe(value)}");
        }

        private ModelEntryException Error(string field, string problem) => new(entry.Id, $"field '{field}' {problem}");

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => $"\"{value.GetString()}\"",
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            var kind => kind.ToString().ToLowerInvariant(),
        };
    }
}

/// <summary>A model entry that cannot be used, with the entry and the field that is wrong.</summary>
public sealed class ModelEntryException : Exception
{
    public ModelEntryException(EntryId entryId, string problem)
        : base($"model entry '{entryId}': {problem}")
    {
        EntryId = entryId;
    }

    public ModelEntryException()
    {
    }

    public ModelEntryException(string message)
        : base(message)
    {
    }

    public ModelEntryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EntryId? EntryId { get; }
}
