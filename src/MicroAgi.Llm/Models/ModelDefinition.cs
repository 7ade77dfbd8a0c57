using MicroAgi.Llm.Providers;
using MicroAgi.Registry;

namespace MicroAgi.Llm.Models;

/// <summary>
/// A model as the agent knows it: from an <c>llm.model</c> registry entry, or made up on the spot for a
/// provider model name the registry does not know (<see cref="IsRegistered"/> is then false, limits are
/// the defaults and the price is unknown).
/// </summary>
public sealed record ModelDefinition
{
    /// <summary>The name agents and <c>--model</c> use.</summary>
    public required string Name { get; init; }

    /// <summary>The entry this came from; null for a model the registry does not know.</summary>
    public EntryId? EntryId { get; init; }

    public string? Title { get; init; }
    public string? Comment { get; init; }

    /// <summary>E.g. <c>generate</c>, <c>tool_use</c>, <c>structured_output</c>, <c>vision</c>, <c>thinking</c>.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>E.g. <c>fast</c>, <c>reasoning</c>: what a model may be asked for instead of by name.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Among models of one class the highest priority is chosen.</summary>
    public int Priority { get; init; }

    /// <summary>The context window in tokens (<c>max_tokens</c> in the entry).</summary>
    public required int ContextWindow { get; init; }

    /// <summary>The most tokens one answer may have (<c>output_tokens</c>).</summary>
    public required int OutputTokens { get; init; }

    public ModelPricing Pricing { get; init; } = ModelPricing.Unknown;

    /// <summary>How to run the model at each provider, in the entry's order.</summary>
    public IReadOnlyList<ModelProviderBinding> Providers { get; init; } = [];

    /// <summary>The default thinking effort on the entry's 0–100 scale, when it sets one.</summary>
    public int? ThinkingEffort { get; init; }

    public bool IsRegistered => EntryId is not null;

    public bool HasCapability(string capability) => Capabilities.Contains(capability, StringComparer.OrdinalIgnoreCase);

    public bool HasClass(string modelClass) => Classes.Contains(modelClass, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the model reasons before answering: it has the <c>thinking</c> capability or a
    /// binding says <c>reasoning_model_request: true</c>. Such models get a reasoning effort, and OpenAI ones
    /// no sampling parameters (temperature, top_p), which reasoning models reject.</summary>
    public bool IsReasoningModel =>
        HasCapability("thinking") || Providers.Any(p => p.Flag("reasoning_model_request"));

    /// <summary>
    /// The binding to use with <paramref name="settings"/>: the one whose id equals <see cref="ProviderSettings.Id"/>;
    /// else, when the settings have no id, one whose id names the provider kind (contains <c>openai</c> or
    /// <c>anthropic</c>); else the first binding. Null when the model has no bindings.
    /// </summary>
    public ModelProviderBinding? BindingFor(ProviderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Id is { } id && Providers.FirstOrDefault(p => string.Equals(p.ProviderId, id, StringComparison.OrdinalIgnoreCase)) is { } exact)
            return exact;
        var kindName = settings.Kind == ProviderKind.Anthropic ? "anthropic" : "openai";
        return Providers.FirstOrDefault(p => p.ProviderId.Contains(kindName, StringComparison.OrdinalIgnoreCase))
            ?? Providers.FirstOrDefault();
    }

    /// <summary>The name to send to the provider: the binding's <c>provider_model</c>, else <see cref="Name"/>.</summary>
    public string ProviderModelFor(ProviderSettings settings) => BindingFor(settings)?.ProviderModel ?? Name;

    /// <summary>A model the registry does not know, run under its own name with the given limits.</summary>
    public static ModelDefinition Unregistered(string providerModel, ModelLimits limits)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerModel);
        ArgumentNullException.ThrowIfNull(limits);
        return new ModelDefinition
        {
            Name = providerModel,
            ContextWindow = limits.ContextWindow,
            OutputTokens = limits.OutputTokens,
        };
    }
}

/// <summary>The limits assumed for a model the registry does not describe. The defaults are modest on purpose:
/// local servers often run small context windows, and compressing early is cheaper than overflowing.</summary>
public sealed record ModelLimits(int ContextWindow = 32_768, int OutputTokens = 4_096)
{
    public static ModelLimits Default { get; } = new();
}
