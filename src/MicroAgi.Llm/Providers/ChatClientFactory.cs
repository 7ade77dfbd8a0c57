using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MicroAgi.Telemetry;
using OpenAI;
using OpenAI.Chat;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Builds the <see cref="IChatClient"/> for a model. Each client owns its HTTP connection pool; dispose it
/// when done. Stages (<see cref="ChatClientBuilder"/>), outermost first: OpenTelemetry (a <c>chat</c> span per
/// call, GenAI semantic conventions), logging, error translation and stream-completeness check
/// (<see cref="LlmException"/>), model fitting (output limit, reasoning effort), then per provider what its
/// M.E.AI adapter lacks (OpenAI-compatible servers: reasoning fields, "stop" after tool calls; Anthropic:
/// prompt-cache breakpoints), the adapter itself (<c>OpenAI.Chat.ChatClient.AsIChatClient()</c>, or the
/// official Anthropic package's <c>IChatClient</c>), and under the SDK the HTTP layer that owns retries,
/// timeouts, stream repairs and the log of each exchange.
/// </summary>
public sealed class ChatClientFactory
{
    /// <summary>Sent when no key is configured (local servers); the OpenAI SDK requires some key.</summary>
    internal const string PlaceholderKey = "no-key";

    private readonly ILoggerFactory? _loggerFactory;

    /// <param name="providers">The providers to run models on; the first is the default.</param>
    /// <param name="loggerFactory">Where clients log their calls and HTTP exchanges (keys redacted); none: no logging.</param>
    public ChatClientFactory(IEnumerable<ProviderSettings> providers, ILoggerFactory? loggerFactory = null)
    {
        _loggerFactory = loggerFactory;
        ArgumentNullException.ThrowIfNull(providers);
        Providers = [.. providers];
        if (Providers.Count == 0)
            throw new ArgumentException("configure at least one provider (OpenAI-compatible or Anthropic)", nameof(providers));
        foreach (var provider in Providers) provider.Validate();
    }

    /// <summary>The configured providers; the first is the default for models that name none.</summary>
    public IReadOnlyList<ProviderSettings> Providers { get; }

    /// <summary>
    /// The provider to run <paramref name="model"/> on: for each of the model's bindings in order, a provider
    /// whose <see cref="ProviderSettings.Id"/> equals the binding id, else one of the kind the binding id names
    /// (<c>…openai…</c>, <c>…anthropic…</c>); a model without bindings runs on the first provider.
    /// </summary>
    /// <exception cref="InvalidOperationException">No configured provider can run the model.</exception>
    public ProviderSettings SelectProvider(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Providers.Count == 0) return Providers[0];
        foreach (var binding in model.Providers)
        {
            var match = Providers.FirstOrDefault(p => string.Equals(p.Id, binding.ProviderId, StringComparison.OrdinalIgnoreCase))
                ?? Providers.FirstOrDefault(p => binding.ProviderId.Contains(p.Kind == ProviderKind.Anthropic ? "anthropic" : "openai", StringComparison.OrdinalIgnoreCase));
            if (match is not null) return match;
        }
        throw new InvalidOperationException(
            $"model '{model.Name}' runs on {string.Join(", ", model.Providers.Select(p => $"'{p.ProviderId}'"))}, but no such provider is configured "
            + $"(configured: {string.Join(", ", Providers.Select(p => p.ToString()))}). Configure an OpenAI or Anthropic provider for it.");
    }

    /// <summary>A client for the model, on the provider <see cref="SelectProvider"/> picks.</summary>
    public IChatClient Create(ModelDefinition model) => Create(model, SelectProvider(model), _loggerFactory);

    /// <summary>A client for the model on the given provider.</summary>
    /// <param name="loggerFactory">Where the client logs its calls and HTTP exchanges (keys redacted); none: no logging.</param>
    public static IChatClient Create(ModelDefinition model, ProviderSettings settings, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var transport = new SocketsHttpHandler
        {
            ConnectTimeout = settings.RequestTimeout < TimeSpan.FromSeconds(30) ? settings.RequestTimeout : TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        return Build(model, settings, loggerFactory ?? NullLoggerFactory.Instance, transport, traced: true);
    }

    /// <summary>
    /// The same client over <paramref name="transport"/> instead of the network, unlogged and by default untraced:
    /// for <see cref="ModelStepWarmUp"/>, whose canned exchange must not reach the user's traces, metrics or log, and
    /// for benchmarks of the client's own work (traced, as sessions use it).
    /// </summary>
    internal static IChatClient CreateOffline(ModelDefinition model, ProviderSettings settings, HttpMessageHandler transport, bool traced = false)
    {
        settings.Validate();
        return Build(model, settings, NullLoggerFactory.Instance, transport, traced);
    }

    private static IChatClient Build(ModelDefinition model, ProviderSettings settings, ILoggerFactory loggerFactory, HttpMessageHandler transport, bool traced)
    {
        var providerModel = model.ProviderModelFor(settings);
        var errors = new ProviderErrors(settings, providerModel);
        var exchanges = new HttpExchangeLoggingHandler(loggerFactory.CreateLogger<HttpExchangeLoggingHandler>(), errors, transport);
        var http = new HttpClient(new ResilientHttpHandler(settings, errors, exchanges), disposeHandler: true)
        {
            // Timeouts are the HTTP layer's job (per attempt, and idle within a body).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var key = string.IsNullOrEmpty(settings.ApiKey) ? PlaceholderKey : settings.ApiKey;
        IChatClient adapter;
        IDisposable owned;
        switch (settings.Kind)
        {
            case ProviderKind.Anthropic:
                var anthropic = new AnthropicClient
                {
                    ApiKey = key,
                    BaseUrl = settings.EffectiveBaseUrl.ToString().TrimEnd('/'),
                    HttpClient = http,
                    MaxRetries = 0,
                    Timeout = Timeout.InfiniteTimeSpan,
                };
                adapter = anthropic.AsIChatClient(providerModel, model.OutputTokens, AnthropicThinkingModes.For(providerModel));
                owned = new DisposableBag(anthropic, http);
                break;
            default:
                var chat = new ChatClient(providerModel, new ApiKeyCredential(key), new OpenAIClientOptions
                {
                    Endpoint = settings.EffectiveBaseUrl,
                    Transport = new StreamAwareTransport(http),
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                    NetworkTimeout = Timeout.InfiniteTimeSpan,
                    UserAgentApplicationId = "microagi",
                    // --verbose logs each exchange (HttpExchangeLoggingHandler); the SDK's own logging stage only
                    // added an async layer to every request and every read of a stream.
                    ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
                });
                adapter = chat.AsIChatClient();
                owned = http;
                break;
        }
        // The first stage added is the outermost.
        var builder = adapter.AsBuilder();
        if (traced) builder.UseOpenTelemetry(loggerFactory, MicroAgiTelemetry.SourceName);
        builder
            .UseLogging(loggerFactory)
            .UseProviderGuard(errors, owned)
            .UseModelOptions(model, providerModel, settings.Kind);
        _ = settings.Kind == ProviderKind.Anthropic ? builder.UseAnthropicPromptCache() : builder.UseOpenAICompatibility(errors);
        return builder.Build();
    }

    private sealed class DisposableBag(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
