using System.Text.Json;

namespace MicroAgi.Llm.Models;

/// <summary>
/// One way to run a model: the provider (by the id the model entry names, e.g. <c>wippy.llm.openai:provider</c>),
/// the model's name at that provider, and provider options (e.g. <c>reasoning_model_request: true</c>).
/// </summary>
public sealed record ModelProviderBinding(string ProviderId, string ProviderModel, JsonElement Options)
{
    /// <summary>A boolean option, or false when it is absent or not a boolean.</summary>
    public bool Flag(string name) =>
        Options.ValueKind == JsonValueKind.Object && Options.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>An integer option, or null.</summary>
    public int? Integer(string name) =>
        Options.ValueKind == JsonValueKind.Object && Options.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;
}
