using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Providers;

/// <summary>MicroAgi's own <see cref="ChatClientBuilder"/> stages, for <see cref="ChatClientFactory"/>.</summary>
internal static class ProviderChatClientStages
{
    /// <summary>Errors leave as <see cref="LlmException"/>; a stream without a finish reason is truncated; disposes <paramref name="owned"/> last.</summary>
    public static ChatClientBuilder UseProviderGuard(this ChatClientBuilder builder, ProviderErrors errors, IDisposable owned) =>
        builder.Use(inner => new ProviderGuardChatClient(inner, errors, owned));

    /// <summary>Each request fitted to the model (provider model id, output limit, reasoning effort, provider-ready tool schemas).</summary>
    public static ChatClientBuilder UseModelOptions(this ChatClientBuilder builder, ModelDefinition model, string providerModel, ProviderKind kind) =>
        builder.Use(inner => new ModelOptionsChatClient(inner, model, providerModel, kind));

    /// <summary>What M.E.AI's OpenAI adapter lacks for OpenAI-compatible servers (see <see cref="OpenAICompatibilityChatClient"/>).</summary>
    public static ChatClientBuilder UseOpenAICompatibility(this ChatClientBuilder builder, ProviderErrors errors) =>
        builder.Use(inner => new OpenAICompatibilityChatClient(inner, errors));

    /// <summary>Prompt-cache breakpoints on the stable prefix of Anthropic requests (see <see cref="AnthropicPromptCacheChatClient"/>).</summary>
    public static ChatClientBuilder UseAnthropicPromptCache(this ChatClientBuilder builder) =>
        builder.Use(inner => new AnthropicPromptCacheChatClient(inner));
}
