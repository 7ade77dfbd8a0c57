using MicroAgi.Registry;

namespace MicroAgi.Llm.Models;

/// <summary>
/// The models the agent can use, and how a name given by a user or an agent entry becomes one:
/// <list type="number">
/// <item>a model whose name (or entry id) is that text;</item>
/// <item>else the highest-priority model of that class (<c>fast</c>, <c>reasoning</c>; ties go to the first
/// name in alphabetical order);</item>
/// <item>else an unregistered model sent to the provider under that very name, with default limits and an
/// unknown price — so <c>--model llama3.1</c> works on Ollama.</item>
/// </list>
/// Names and classes compare case-insensitively. The catalog is a snapshot; build a new one when the
/// registry changes.
/// </summary>
public sealed class ModelCatalog
{
    private readonly ModelLimits _unregisteredLimits;

    public ModelCatalog(IEnumerable<ModelDefinition> models, ModelLimits? unregisteredLimits = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        // Highest priority first, so that the first match by name or class is the one to use.
        Models = [.. models.OrderByDescending(m => m.Priority).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.EntryId?.ToString(), StringComparer.Ordinal)];
        _unregisteredLimits = unregisteredLimits ?? ModelLimits.Default;
    }

    /// <summary>All models, highest priority first.</summary>
    public IReadOnlyList<ModelDefinition> Models { get; }

    /// <summary>The catalog of every <c>llm.model</c> entry among <paramref name="entries"/> (others are ignored).</summary>
    /// <exception cref="ModelEntryException">A model entry is malformed.</exception>
    public static ModelCatalog FromEntries(IEnumerable<Entry> entries, ModelLimits? unregisteredLimits = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new ModelCatalog(
            entries.Where(ModelEntryParser.IsModelEntry).Select(e => ModelEntryParser.Parse(e, unregisteredLimits)).ToList(),
            unregisteredLimits);
    }

    /// <summary>The catalog of the registry's current <c>llm.model</c> entries.</summary>
    public static ModelCatalog FromRegistry(IRegistry registry, ModelLimits? unregisteredLimits = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var query = EntryQuery.ByKind(ModelEntryParser.EntryKind).WithMeta("type", ModelEntryParser.MetaType);
        return FromEntries(registry.Find(query), unregisteredLimits);
    }

    /// <summary>The model with this name or entry id, or null.</summary>
    public ModelDefinition? FindByName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? (EntryId.TryParse(name, out var id) ? Models.FirstOrDefault(m => m.EntryId == id) : null);
    }

    /// <summary>The highest-priority model of this class, or null.</summary>
    public ModelDefinition? FindByClass(string modelClass)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelClass);
        return Models.FirstOrDefault(m => m.HasClass(modelClass));
    }

    /// <summary>The model for a name, a class, or an unregistered provider model name (see the class remarks).</summary>
    public ModelDefinition Resolve(string nameOrClass)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrClass);
        var trimmed = nameOrClass.Trim();
        return FindByName(trimmed) ?? FindByClass(trimmed) ?? ModelDefinition.Unregistered(trimmed, _unregisteredLimits);
    }
}
