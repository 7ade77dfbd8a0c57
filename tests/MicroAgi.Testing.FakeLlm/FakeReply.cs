namespace MicroAgi.Testing.FakeLlm;

/// <summary>One tool call the fake model makes. <see cref="ArgumentsJson"/> is sent verbatim, so a test can
/// script malformed arguments too.</summary>
public sealed record FakeToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>A thinking block the fake model writes before its answer (Anthropic dialect only; the OpenAI dialect has
/// no thinking blocks and leaves them out).</summary>
public abstract record FakeThinkingBlock;

/// <summary>Readable thinking with the signature that vouches for it; a client must send both back unchanged.</summary>
public sealed record FakeThinking(string Text, string Signature) : FakeThinkingBlock;

/// <summary>Thinking the provider hid: only opaque data, which a client must send back unchanged.</summary>
public sealed record FakeRedactedThinking(string Data) : FakeThinkingBlock;

/// <summary>The token counts the fake server reports. Cached tokens are part of <see cref="PromptTokens"/> and
/// reasoning tokens part of <see cref="CompletionTokens"/>, as OpenAI reports them.</summary>
public sealed record FakeUsage(int PromptTokens, int CompletionTokens, int CachedTokens = 0, int ReasoningTokens = 0);

/// <summary>Why the fake model stopped (rendered as <c>finish_reason</c> / <c>stop_reason</c>).</summary>
public enum FakeFinish
{
    Stop,
    ToolCalls,
    Length,
}

/// <summary>An HTTP error reply. <see cref="RetryAfter"/> is sent as <c>retry-after</c> (whole seconds, rounded up)
/// and <c>retry-after-ms</c>.</summary>
public sealed record FakeError(int StatusCode, string Message, TimeSpan? RetryAfter = null);

/// <summary>A response sent verbatim, with any extra headers (a <c>retry-after</c> no real delay can express, say).</summary>
public sealed record FakeRawResponse(int StatusCode, string ContentType, string Body, IReadOnlyList<KeyValuePair<string, string>>? Headers = null);

/// <summary>Where a reply is cut off, and how: by aborting the connection (the client sees the body end
/// prematurely) or by ending the body cleanly but early (no finish reason, no <c>[DONE]</c>).</summary>
public sealed record FakeCut(int? AfterEvents, bool MidToolCall, bool AbortConnection);

/// <summary>
/// One scripted reply of the fake servers, written once and rendered in either dialect (OpenAI chat
/// completions or Anthropic messages), streamed as SSE when the request asks for <c>stream: true</c>, else as
/// one JSON body. Thinking blocks come first, then text, then the tool calls; both are split into small stream events so that the
/// client has to reassemble them.
/// </summary>
public sealed record FakeReply
{
    public IReadOnlyList<FakeThinkingBlock> ThinkingBlocks { get; init; } = [];
    public string Text { get; init; } = "";
    public IReadOnlyList<FakeToolCall> ToolCalls { get; init; } = [];
    public FakeUsage? Usage { get; init; }

    /// <summary>The finish reason; by default <see cref="FakeFinish.ToolCalls"/> when there are tool calls, else
    /// <see cref="FakeFinish.Stop"/>.</summary>
    public FakeFinish? Finish { get; init; }

    /// <summary>Characters of text per stream event.</summary>
    public int TextChunkSize { get; init; } = 8;

    /// <summary>Characters of tool-call arguments per stream event.</summary>
    public int ArgumentChunkSize { get; init; } = 4;

    public FakeError? Error { get; init; }
    public FakeCut? Cut { get; init; }

    /// <summary>When set, the stream stops after this many events and the connection is held open (without
    /// further data) until the client goes away or the server stops — for cancellation tests.</summary>
    public int? StallAfterEvents { get; init; }

    /// <summary>When set, the server sends nothing at all — not even a status line — and holds the connection
    /// until the client gives up (or the server stops): for request-timeout tests.</summary>
    public bool Silent { get; init; }

    /// <summary>When set, this exact response is sent instead of anything in the dialect: for servers that
    /// answer something else (an HTML page, a proxy's error).</summary>
    public FakeRawResponse? Raw { get; init; }

    public FakeFinish EffectiveFinish => Finish ?? (ToolCalls.Count > 0 ? FakeFinish.ToolCalls : FakeFinish.Stop);

    /// <summary>A text answer.</summary>
    public static FakeReply Say(string text) => new() { Text = text };

    /// <summary>A reply that calls one tool (the id defaults to <c>call_&lt;name&gt;</c>).</summary>
    public static FakeReply Call(string name, string argumentsJson, string? id = null) =>
        CallTools(new FakeToolCall(id ?? $"call_{name}", name, argumentsJson));

    /// <summary>A reply that calls several tools at once (parallel tool calls).</summary>
    public static FakeReply CallTools(params FakeToolCall[] calls) => new() { ToolCalls = calls };

    /// <summary>An HTTP error with the dialect's error body.</summary>
    public static FakeReply Fail(int statusCode, string message, TimeSpan? retryAfter = null) =>
        new() { Error = new FakeError(statusCode, message, retryAfter) };

    /// <summary>A 429 with <c>retry-after</c> / <c>retry-after-ms</c>.</summary>
    public static FakeReply RateLimited(TimeSpan retryAfter) =>
        Fail(429, "Rate limit reached for requests. Please try again later.", retryAfter);

    /// <summary>A response outside the dialect (see <see cref="Raw"/>).</summary>
    public static FakeReply RawResponse(int statusCode, string contentType, string body, params KeyValuePair<string, string>[] headers) =>
        new() { Raw = new FakeRawResponse(statusCode, contentType, body, headers) };

    /// <summary>A reply that never comes (see <see cref="Silent"/>).</summary>
    public static FakeReply NoAnswer() => new() { Silent = true };

    public FakeReply AndText(string text) => this with { Text = text };

    /// <summary>Adds a readable thinking block, streamed in <see cref="TextChunkSize"/> pieces and then its signature.</summary>
    public FakeReply AfterThinking(string text, string signature) =>
        this with { ThinkingBlocks = [.. ThinkingBlocks, new FakeThinking(text, signature)] };

    /// <summary>Adds a <c>redacted_thinking</c> block carrying <paramref name="data"/>.</summary>
    public FakeReply AfterRedactedThinking(string data) =>
        this with { ThinkingBlocks = [.. ThinkingBlocks, new FakeRedactedThinking(data)] };

    public FakeReply AndToolCall(string name, string argumentsJson, string? id = null) =>
        this with { ToolCalls = [.. ToolCalls, new FakeToolCall(id ?? $"call_{name}", name, argumentsJson)] };

    public FakeReply WithUsage(int prompt, int completion, int cached = 0, int reasoning = 0) =>
        this with { Usage = new FakeUsage(prompt, completion, cached, reasoning) };

    public FakeReply FinishedBy(FakeFinish finish) => this with { Finish = finish };

    public FakeReply InTextChunksOf(int characters) =>
        this with { TextChunkSize = characters > 0 ? characters : throw new ArgumentOutOfRangeException(nameof(characters), "a chunk holds at least one character") };

    public FakeReply InArgumentChunksOf(int characters) =>
        this with { ArgumentChunkSize = characters > 0 ? characters : throw new ArgumentOutOfRangeException(nameof(characters), "a chunk holds at least one character") };

    /// <summary>Cuts the stream right after the first piece of the first tool call's arguments.</summary>
    public FakeReply CutMidToolCall(bool abortConnection = true) =>
        ToolCalls.Count > 0
            ? this with { Cut = new FakeCut(null, MidToolCall: true, abortConnection) }
            : throw new InvalidOperationException("script a tool call before cutting the reply in the middle of one");

    /// <summary>Cuts the reply after <paramref name="events"/> stream events (for a JSON reply: after half the body).</summary>
    public FakeReply CutAfterEvents(int events, bool abortConnection = true) =>
        this with { Cut = new FakeCut(events >= 0 ? events : throw new ArgumentOutOfRangeException(nameof(events)), MidToolCall: false, abortConnection) };

    public FakeReply StallAfter(int events) =>
        this with { StallAfterEvents = events >= 0 ? events : throw new ArgumentOutOfRangeException(nameof(events)) };
}
