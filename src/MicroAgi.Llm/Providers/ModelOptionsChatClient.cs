using System.Text.Json;
using MicroAgi.Llm.Models;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Fits each request to the model: the model id is the provider's name for it (a caller's registry name, such
/// as an agent's <c>model</c>, would otherwise reach the server, which M.E.AI's adapters send as given); every tool's parameter schema is made acceptable to strict providers
/// (<see cref="ToolSchema.ForProviders"/>); the output limit defaults to (and is capped at) the model's
/// <see cref="ModelDefinition.OutputTokens"/>; a reasoning model gets its default thinking effort when the
/// caller asks for none, and — on OpenAI-compatible servers — no sampling parameters, which reasoning models
/// reject; a model that does not reason never gets a reasoning effort, which it might reject.
/// </summary>
internal sealed class ModelOptionsChatClient(IChatClient inner, ModelDefinition model, string providerModel, ProviderKind kind) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Fit(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Fit(options), cancellationToken);

    internal ChatOptions Fit(ChatOptions? options)
    {
        var fitted = options?.Clone() ?? new ChatOptions();
        fitted.ModelId = providerModel;
        fitted.MaxOutputTokens = Math.Min(fitted.MaxOutputTokens ?? model.OutputTokens, model.OutputTokens);
        if (fitted.Tools is { Count: > 0 } tools)
            fitted.Tools = [.. tools.Select(tool => tool is AIFunctionDeclaration function ? RevisedFunction.ProviderReady(function) : tool)];
        if (!model.IsReasoningModel)
        {
            fitted.Reasoning = null;
            return fitted;
        }
        if (fitted.Reasoning?.Effort is null && model.ThinkingEffort is { } effort)
        {
            fitted.Reasoning = new ReasoningOptions
            {
                Effort = ThinkingEffortScale.ToReasoningEffort(effort),
                Output = fitted.Reasoning?.Output,
            };
        }
        if (kind == ProviderKind.OpenAI)
        {
            fitted.Temperature = null;
            fitted.TopP = null;
            fitted.TopK = null;
            fitted.FrequencyPenalty = null;
            fitted.PresencePenalty = null;
        }
        return fitted;
    }
}

/// <summary>A function declaration that is the original with one thing changed: its parameter schema or an
/// additional property. Everything else is the original's.</summary>
internal sealed class RevisedFunction : AIFunctionDeclaration
{
    private readonly AIFunctionDeclaration _inner;

    private RevisedFunction(AIFunctionDeclaration inner, JsonElement schema, IReadOnlyDictionary<string, object?> properties)
    {
        _inner = inner;
        JsonSchema = schema;
        AdditionalProperties = properties;
    }

    public override string Name => _inner.Name;
    public override string Description => _inner.Description;
    public override JsonElement JsonSchema { get; }
    public override JsonElement? ReturnJsonSchema => _inner.ReturnJsonSchema;
    public override IReadOnlyDictionary<string, object?> AdditionalProperties { get; }

    /// <summary>The function with the provider-ready form of its parameter schema (itself when it has it already).</summary>
    public static AIFunctionDeclaration ProviderReady(AIFunctionDeclaration function) =>
        ToolSchema.IsProviderReady(function.JsonSchema)
            ? function
            : new RevisedFunction(function, ToolSchema.ForProviders(function.JsonSchema), function.AdditionalProperties);

    /// <summary>The function with <paramref name="key"/> set to <paramref name="value"/> among its additional properties.</summary>
    public static AIFunctionDeclaration WithProperty(AIFunctionDeclaration function, string key, object? value) =>
        new RevisedFunction(function, function.JsonSchema, new Dictionary<string, object?>(function.AdditionalProperties) { [key] = value });

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        base.GetService(serviceType, serviceKey) ?? _inner.GetService(serviceType, serviceKey);
}
