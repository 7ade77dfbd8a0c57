namespace MicroAgi.Testing.FakeLlm;

/// <summary>How strict a fake server is before it looks at its script.</summary>
public sealed record FakeServerOptions
{
    /// <summary>When set, a request presenting another key gets a 401 (and the script is not consumed). The
    /// error message echoes the presented key, as some real servers partly do, so tests can prove that callers
    /// never repeat it.</summary>
    public string? ApiKey { get; init; }

    /// <summary>When set, a request for any other model gets the dialect's 404 "model not found" error (and the
    /// script is not consumed). Also the list served at <c>GET /v1/models</c>.</summary>
    public IReadOnlyCollection<string>? Models { get; init; }

    /// <summary>
    /// Anthropic dialect: checks thinking blocks sent back as the real Messages API does, answering 400 with its
    /// error shape and wording (the script is not consumed). Every <c>thinking</c> block in the conversation must
    /// carry exactly the text and signature this server issued, every <c>redacted_thinking</c> block exactly the
    /// data; and when the request enables thinking, a final assistant message that calls tools must start with a
    /// thinking block.
    /// </summary>
    public bool StrictThinking { get; init; }

    /// <summary>Deviations from OpenAI's exact stream shape that other OpenAI-compatible servers show.</summary>
    public OpenAIQuirks OpenAIQuirks { get; init; }

    /// <summary>When set, a chat request whose body is longer than this many characters gets the dialect's 400
    /// "context too long" error (and the script is not consumed), as a real server answers a prompt over the
    /// model's window; the message counts a token per four characters.</summary>
    public int? ContextLimitCharacters { get; init; }

    /// <summary>When false, requests are answered but not kept (<see cref="FakeLlmServer.Requests"/> stays empty), so a
    /// benchmark sending thousands of long requests measures the client, not the server's growing memory.</summary>
    public bool KeepRequests { get; init; } = true;

    /// <summary>
    /// When set, a connection stays open after each reply that ended normally and the next request may come on it,
    /// as with a real provider (HTTP/1.1 persistent connections); a reply that cuts or stalls its connection still
    /// ends it. Off by default: every reply then says <c>Connection: close</c>, so each request arrives on a
    /// connection of its own. Benchmarks turn it on to measure a loop as it runs against a real server.
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary>Upper bound for a stalled reply (<see cref="FakeReply.StallAfter"/>) holding its connection open.</summary>
    public TimeSpan StallLimit { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Stream shapes seen from OpenAI-compatible servers other than OpenAI's own.</summary>
[Flags]
public enum OpenAIQuirks
{
    None = 0,

    /// <summary>Each tool call arrives whole in one delta (id, name and all arguments), as Ollama sends them.</summary>
    WholeToolCalls = 1,

    /// <summary>Tool-call deltas carry no <c>index</c> (older Ollama and some proxies).</summary>
    NoToolCallIndex = 2,

    /// <summary>The usage rides on the chunk with the finish reason instead of a chunk of its own.</summary>
    UsageInFinishChunk = 4,

    /// <summary>The usage chunk says <c>"choices": null</c> instead of an empty list (some vLLM versions).</summary>
    NullChoicesInUsageChunk = 8,

    /// <summary>The stream ends after the last chunk without <c>data: [DONE]</c>.</summary>
    NoDoneMarker = 16,

    /// <summary>A streaming request gets the complete reply as one <c>application/json</c> body, as if it had
    /// not asked for a stream (some simple OpenAI-compatible servers ignore <c>"stream": true</c>).</summary>
    IgnoresStreamFlag = 32,

    /// <summary>The model's reasoning comes in <c>reasoning</c> (Ollama, OpenRouter) rather than <c>reasoning_content</c> (DeepSeek, vLLM).</summary>
    ReasoningField = 64,
}
