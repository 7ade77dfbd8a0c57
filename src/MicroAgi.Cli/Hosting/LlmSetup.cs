using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Works out which LLM providers to use from microagi.yaml, the environment (OPENAI_API_KEY,
/// OPENAI_BASE_URL, ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL) and --base-url, and says clearly what to
/// set when there is nothing to talk to.
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

    public static IReadOnlyList<ProviderSettings> Providers(MicroAgiConfig config, string? baseUrlFlag, Func<string, string?> environment)
    {
        var providers = new List<ProviderSettings>();
        foreach (var configured in config.Providers)
        {
            var kind = configured.Kind.ToLowerInvariant() switch
            {
                "openai" => ProviderKind.OpenAI,
                "anthropic" => ProviderKind.Anthropic,
                _ => throw new ConfigException($"provider '{configured.Id ?? configured.Kind}': kind must be 'openai' or 'anthropic', not '{configured.Kind}'"),
            };
            var keyVariable = configured.ApiKeyEnv ?? (kind == ProviderKind.Anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
            providers.Add(new ProviderSettings
            {
                Kind = kind,
                Id = configured.Id,
                BaseUrl = ParseUrl(configured.BaseUrl, $"provider '{configured.Id ?? configured.Kind}' base_url"),
                ApiKey = environment(keyVariable),
                KeyHint = $"set {keyVariable}",
            });
        }

        if (providers.Count == 0)
        {
            var openAiKey = environment("OPENAI_API_KEY");
            var openAiUrl = environment("OPENAI_BASE_URL");
            if (!string.IsNullOrEmpty(openAiKey) || !string.IsNullOrEmpty(openAiUrl))
            {
                providers.Add(new ProviderSettings
                {
                    Kind = ProviderKind.OpenAI,
                    Id = "openai",
                    BaseUrl = ParseUrl(openAiUrl, "OPENAI_BASE_URL"),
                    ApiKey = openAiKey,
                    KeyHint = "set OPENAI_API_KEY",
                });
            }
            var anthropicKey = environment("ANTHROPIC_API_KEY");
            if (!string.IsNullOrEmpty(anthropicKey))
            {
                providers.Add(new ProviderSettings
                {
                    Kind = ProviderKind.Anthropic,
                    Id = "anthropic",
                    BaseUrl = ParseUrl(environment("ANTHROPIC_BASE_URL"), "ANTHROPIC_BASE_URL"),
                    ApiKey = anthropicKey,
                    KeyHint = "set ANTHROPIC_API_KEY",
                });
            }
        }

        if (baseUrlFlag is not null)
        {
            // --base-url points the OpenAI-compatible provider somewhere else (a local server, usually).
            var url = ParseUrl(baseUrlFlag, "--base-url");
            var index = providers.FindIndex(p => p.Kind == ProviderKind.OpenAI);
            var openAi = new ProviderSettings
            {
                Kind = ProviderKind.OpenAI,
                Id = index >= 0 ? providers[index].Id : "openai",
                BaseUrl = url,
                ApiKey = index >= 0 ? providers[index].ApiKey : environment("OPENAI_API_KEY"),
                KeyHint = "set OPENAI_API_KEY",
            };
            if (index >= 0) providers[index] = openAi;
            else providers.Insert(0, openAi);
        }

        if (providers.Count == 0) throw new ConfigException(NoProviderMessage);
        return providers;
    }

    private static Uri? ParseUrl(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)) return url;
        throw new ConfigException($"{what} '{text}' is not an http(s) URL (e.g. http://localhost:11434/v1)");
    }
}
