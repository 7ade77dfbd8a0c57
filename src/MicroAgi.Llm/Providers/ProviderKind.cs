namespace MicroAgi.Llm.Providers;

/// <summary>The wire protocol a provider speaks.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI Chat Completions — also every OpenAI-compatible server (Ollama, vLLM, llama.cpp,
    /// LM Studio, OpenRouter).</summary>
    OpenAI,

    /// <summary>Anthropic Messages.</summary>
    Anthropic,
}
