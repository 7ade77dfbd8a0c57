using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Works out which LLM providers to use, in layers where the later wins: microagi.yaml, then the environment
/// (OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL), then --base-url; and says clearly
/// what to set when there is nothing to talk to.
/// </summary>
internal static class LlmSetup
{
    public const string NoProviderMessage = """
        no LLM is configured. Set one of:
          OPENAI_API_KEY=sk-...                                 (OpenAI)
          ANTHROPIC_API_KEY=sk-ant-...                          (Anthropic)
          OPENAI_BASE_URL=http://localhost:11434/v1             (a local OpenAI-compatible server: Ollama, vLLM, llama.cpp, LM Studio)
        or pass --base-url http://localhost:11434/v1 --model llama3.1, or list providers in microagi.yaml (docs/configuration.md).
        """;

    /// <summary>
    /// The providers to use, the default first. A provider that would call its official endpoint without a key
    /// is left out: it could only fail with 401. With none left, a <see cref="ConfigException"/> says what to set.
    /// </summary>
    /// <param name="retryNotices">Where every provider reports its retries, when someone wants to show them.</param>
    public static IReadOnlyList<ProviderSettings> Providers(
        MicroAgiConfig config, string? baseUrlFlag, Func<string, string?> environment, RetryNotices? retryNotices = null)
    {
        var drafts = config.Providers.Select(FromConfig).ToList();
        ApplyEnvironment(drafts, ProviderKind.OpenAI, "OPENAI_BASE_URL", "OPENAI_API_KEY", environment);
        ApplyEnvironment(drafts, ProviderKind.Anthropic, "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", environment);
        if (baseUrlFlag is not null) ApplyBaseUrlFlag(drafts, ParseUrl(baseUrlFlag, "--base-url"));

        var built = drafts.Select(draft => (Draft: draft, Provider: Build(draft, config, environment, retryNotices))).ToList();
        var providers = built.Where(b => !string.IsNullOrEmpty(b.Provider.ApiKey) || !IsOfficialEndpoint(b.Provider)).Select(b => b.Provider).ToList();
        if (providers.Count > 0) return providers;
        // Say which configured providers lacked their key, so a listed provider is not dropped without a word.
        var keyless = built.Select(b => $"provider '{b.Provider.DisplayName}' has no key: {b.Draft.KeyVariable} is not set").ToList();
        throw new ConfigException(keyless.Count == 0 ? NoProviderMessage : string.Join('\n', keyless) + "\n" + NoProviderMessage);
    }

    private static ProviderDraft FromConfig(ProviderConfig configured)
    {
        var name = configured.Id ?? configured.Kind;
        var kind = configured.Kind.ToLowerInvariant() switch
        {
            "openai" => ProviderKind.OpenAI,
            "anthropic" => ProviderKind.Anthropic,
            _ => throw new ConfigException($"provider '{name}': kind must be 'openai' or 'anthropic', not '{configured.Kind}'"),
        };
        return new ProviderDraft(kind, configured.Id, configured.ApiKeyEnv ?? DefaultKeyVariable(kind))
        {
            BaseUrl = ParseUrl(configured.BaseUrl, $"provider '{name}' base_url"),
            Retry = configured.Retry,
            Timeouts = configured.Timeouts,
        };
    }

    /// <summary>
    /// The environment beats microagi.yaml: its base URL replaces that of the first provider of the kind; a kind
    /// microagi.yaml does not list is added when its key or base URL is set.
    /// </summary>
    private static void ApplyEnvironment(List<ProviderDraft> drafts, ProviderKind kind, string urlVariable, string keyVariable, Func<string, string?> environment)
    {
        var url = ParseUrl(environment(urlVariable), urlVariable);
        if (drafts.Find(draft => draft.Kind == kind) is { } listed)
        {
            if (url is not null) listed.BaseUrl = url;
        }
        else if (url is not null || !string.IsNullOrEmpty(environment(keyVariable)))
        {
            drafts.Add(new ProviderDraft(kind, DefaultId(kind), keyVariable) { BaseUrl = url });
        }
    }

    /// <summary>--base-url beats everything: it points the first OpenAI-compatible provider (made the default if it is new) elsewhere.</summary>
    private static void ApplyBaseUrlFlag(List<ProviderDraft> drafts, Uri? url)
    {
        if (drafts.Find(draft => draft.Kind == ProviderKind.OpenAI) is { } listed) listed.BaseUrl = url;
        else drafts.Insert(0, new ProviderDraft(ProviderKind.OpenAI, DefaultId(ProviderKind.OpenAI), DefaultKeyVariable(ProviderKind.OpenAI)) { BaseUrl = url });
    }

    private static ProviderSettings Build(ProviderDraft draft, MicroAgiConfig config, Func<string, string?> environment, RetryNotices? retryNotices)
    {
        var retry = RetryConfig.Merge(draft.Retry, config.Retry).ToSettings();
        var timeouts = TimeoutsConfig.Merge(draft.Timeouts, config.Timeouts);
        var providerDefaults = new ProviderSettings { Kind = draft.Kind };
        var requestTimeout = ConfigSeconds.ToTimeSpan(timeouts.RequestSeconds) ?? providerDefaults.RequestTimeout;
        return new ProviderSettings
        {
            Kind = draft.Kind,
            Id = draft.Id,
            BaseUrl = draft.BaseUrl,
            ApiKey = environment(draft.KeyVariable),
            KeyHint = $"set {draft.KeyVariable}",
            Retry = retry with { OnRetry = retryNotices?.ListenerFor(retry.MaxRetries) },
            RequestTimeout = requestTimeout,
            // A longer attempt set without a deadline (a slow local model) gets at least that one attempt whole.
            RequestDeadline = ConfigSeconds.ToTimeSpan(timeouts.DeadlineSeconds)
                ?? (requestTimeout > providerDefaults.RequestDeadline ? requestTimeout : providerDefaults.RequestDeadline),
            IdleTimeout = ConfigSeconds.ToTimeSpan(timeouts.IdleSeconds) ?? providerDefaults.IdleTimeout,
            OnWaiting = retryNotices?.WaitListener(),
            WaitNoticeInterval = ConfigSeconds.ToTimeSpan(timeouts.NoticeSeconds) ?? providerDefaults.WaitNoticeInterval,
        };
    }

    /// <summary>The vendor's own API (no base URL, or one on its host), which answers 401 to a request without a key.</summary>
    private static bool IsOfficialEndpoint(ProviderSettings provider)
    {
        var official = provider.Kind == ProviderKind.Anthropic ? ProviderSettings.AnthropicDefaultBaseUrl : ProviderSettings.OpenAIDefaultBaseUrl;
        return string.Equals(provider.EffectiveBaseUrl.Host, official.Host, StringComparison.OrdinalIgnoreCase);
    }

    private static string DefaultId(ProviderKind kind) => kind == ProviderKind.Anthropic ? "anthropic" : "openai";

    private static string DefaultKeyVariable(ProviderKind kind) => kind == ProviderKind.Anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";

    private static Uri? ParseUrl(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)) return url;
        throw new ConfigException($"{what} '{UrlRedactor.ForDisplay(text)}' is not an http(s) URL (e.g. http://localhost:11434/v1)");
    }

    /// <summary>One provider while the layers are applied; its key is read from the environment only at the end.</summary>
    private sealed class ProviderDraft(ProviderKind kind, string? id, string keyVariable)
    {
        public ProviderKind Kind { get; } = kind;
        public string? Id { get; } = id;
        public string KeyVariable { get; } = keyVariable;
        public Uri? BaseUrl { get; set; }
        public RetryConfig? Retry { get; init; }
        public TimeoutsConfig? Timeouts { get; init; }
    }
}
