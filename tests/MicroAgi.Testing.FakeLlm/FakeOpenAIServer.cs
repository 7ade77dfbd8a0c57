using System.Text.Json.Nodes;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>
/// A fake OpenAI-compatible server: <c>POST /v1/chat/completions</c> (JSON, or SSE when <c>stream: true</c>)
/// and <c>GET /v1/models</c>. The stream is shaped like OpenAI's: a role chunk, text deltas, tool-call deltas
/// by index (id and name first, then the arguments in pieces), a chunk with the finish reason, a usage chunk
/// with empty <c>choices</c>, then <c>data: [DONE]</c>. The key is read from <c>Authorization: Bearer</c>.
/// <see cref="FakeServerOptions.OpenAIQuirks"/> switches on the deviations other OpenAI-compatible servers show.
/// </summary>
public sealed class FakeOpenAIServer : FakeLlmServer
{
    private const long Created = 1_700_000_000;

    private FakeOpenAIServer(FakeServerOptions? options) : base(options)
    {
    }

    /// <summary>Starts a server on a free port of 127.0.0.1.</summary>
    public static FakeOpenAIServer Start(FakeServerOptions? options = null) => new(options);

    /// <summary><c>http://127.0.0.1:port/v1</c> — what OpenAI clients take as their endpoint / base URL.</summary>
    public override Uri BaseUrl => new(RootUrl, "v1");

    public override string ChatPath => "/v1/chat/completions";

    protected override string? PresentedKey(RecordedRequest request) => BearerToken(request);

    internal static string? BearerToken(RecordedRequest request) =>
        request.Header("Authorization") is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth["Bearer ".Length..].Trim()
            : null;

    protected override string UnknownModelMessage(string? model) =>
        $"The model `{model}` does not exist or you do not have access to it.";

    protected override string ContextTooLongMessage(int tokens, int window) =>
        $"This model's maximum context length is {window} tokens. However, your messages resulted in {tokens} tokens. Please reduce the length of the messages.";

    protected override string ErrorBody(int statusCode, string message, string? code) =>
        new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = statusCode switch
                {
                    429 => "requests",
                    >= 500 => "server_error",
                    _ => "invalid_request_error",
                },
                ["param"] = null,
                ["code"] = code ?? (statusCode == 429 ? "rate_limit_exceeded" : null),
            },
        }.ToJsonString();

    protected override string RenderModelList(IReadOnlyCollection<string> models) =>
        new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. models.Select(m => (JsonNode)new JsonObject
            {
                ["id"] = m,
                ["object"] = "model",
                ["created"] = Created,
                ["owned_by"] = "fake",
            })]),
        }.ToJsonString();

    protected override bool AnswersWithStream(RecordedRequest request) =>
        base.AnswersWithStream(request) && !Options.OpenAIQuirks.HasFlag(OpenAIQuirks.IgnoresStreamFlag);

    protected override string RenderJson(FakeReply reply, string model, int sequence)
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = reply.Text.Length > 0 ? reply.Text : null,
            ["refusal"] = null,
        };
        if (ReasoningOf(reply) is { Length: > 0 } reasoning) message[ReasoningField] = reasoning;
        if (reply.ToolCalls.Count > 0)
            message["tool_calls"] = new JsonArray([.. reply.ToolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.ArgumentsJson },
            })]);
        var body = new JsonObject
        {
            ["id"] = CompletionId(sequence),
            ["object"] = "chat.completion",
            ["created"] = Created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = FinishReason(reply.EffectiveFinish),
            }),
        };
        if (reply.Usage is { } usage) body["usage"] = Usage(usage);
        return body.ToJsonString();
    }

    protected override IReadOnlyList<StreamFrame> RenderStream(FakeReply reply, string model, int sequence)
    {
        var id = CompletionId(sequence);
        var frames = new List<StreamFrame>
        {
            Chunk(id, model, new JsonObject { ["role"] = "assistant", ["content"] = "" }),
        };
        foreach (var piece in TextPieces.Split(ReasoningOf(reply), reply.TextChunkSize))
            frames.Add(Chunk(id, model, new JsonObject { [ReasoningField] = piece }));
        foreach (var piece in TextPieces.Split(reply.Text, reply.TextChunkSize))
            frames.Add(Chunk(id, model, new JsonObject { ["content"] = piece }));
        var quirks = Options.OpenAIQuirks;
        for (var index = 0; index < reply.ToolCalls.Count; index++)
        {
            var call = reply.ToolCalls[index];
            if (quirks.HasFlag(OpenAIQuirks.WholeToolCalls))
            {
                var whole = Chunk(id, model, ToolCallDelta(index, quirks, new JsonObject
                {
                    ["id"] = call.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
                }));
                frames.Add(whole with { IsFirstArgumentPiece = true });
                continue;
            }
            frames.Add(Chunk(id, model, ToolCallDelta(index, quirks, new JsonObject
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
            })));
            var first = true;
            foreach (var piece in TextPieces.Split(call.ArgumentsJson, reply.ArgumentChunkSize))
            {
                var frame = Chunk(id, model, ToolCallDelta(index, quirks, new JsonObject
                {
                    ["function"] = new JsonObject { ["arguments"] = piece },
                }));
                frames.Add(frame with { IsFirstArgumentPiece = first });
                first = false;
            }
        }
        var finishUsage = quirks.HasFlag(OpenAIQuirks.UsageInFinishChunk) ? reply.Usage : null;
        frames.Add(Chunk(id, model, new JsonObject(), FinishReason(reply.EffectiveFinish), finishUsage));
        if (reply.Usage is { } usage && finishUsage is null)
        {
            var usageChunk = ChunkObject(id, model);
            usageChunk["choices"] = quirks.HasFlag(OpenAIQuirks.NullChoicesInUsageChunk) ? null : new JsonArray();
            usageChunk["usage"] = Usage(usage);
            frames.Add(Data(usageChunk.ToJsonString()));
        }
        if (!quirks.HasFlag(OpenAIQuirks.NoDoneMarker))
            frames.Add(Data("[DONE]"));
        return frames;
    }

    private static string CompletionId(int sequence) => $"chatcmpl-fake-{sequence}";

    /// <summary>Where this server puts the model's reasoning: DeepSeek and vLLM say <c>reasoning_content</c>, Ollama <c>reasoning</c>.</summary>
    private string ReasoningField => Options.OpenAIQuirks.HasFlag(OpenAIQuirks.ReasoningField) ? "reasoning" : "reasoning_content";

    /// <summary>The reply's thinking as OpenAI-compatible servers send it: plain text, no signatures.</summary>
    private static string ReasoningOf(FakeReply reply) => string.Concat(reply.ThinkingBlocks.OfType<FakeThinking>().Select(t => t.Text));

    private static JsonObject ToolCallDelta(int index, OpenAIQuirks quirks, JsonObject call)
    {
        if (!quirks.HasFlag(OpenAIQuirks.NoToolCallIndex))
        {
            var indexed = new JsonObject { ["index"] = index };
            foreach (var (name, value) in call) indexed[name] = value?.DeepClone();
            call = indexed;
        }
        return new JsonObject { ["tool_calls"] = new JsonArray(call) };
    }

    private static StreamFrame Chunk(string id, string model, JsonObject delta, string? finishReason = null, FakeUsage? usage = null)
    {
        var chunk = ChunkObject(id, model);
        chunk["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        });
        if (usage is not null) chunk["usage"] = Usage(usage);
        return Data(chunk.ToJsonString());
    }

    private static JsonObject ChunkObject(string id, string model) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = Created,
        ["model"] = model,
        ["system_fingerprint"] = "fp_fake",
    };

    private static StreamFrame Data(string payload) => new($"data: {payload}\n\n");

    private static string FinishReason(FakeFinish finish) => finish switch
    {
        FakeFinish.ToolCalls => "tool_calls",
        FakeFinish.Length => "length",
        _ => "stop",
    };

    private static JsonObject Usage(FakeUsage usage) => new()
    {
        ["prompt_tokens"] = usage.PromptTokens,
        ["completion_tokens"] = usage.CompletionTokens,
        ["total_tokens"] = usage.PromptTokens + usage.CompletionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedTokens, ["audio_tokens"] = 0 },
        ["completion_tokens_details"] = new JsonObject
        {
            ["reasoning_tokens"] = usage.ReasoningTokens,
            ["audio_tokens"] = 0,
            ["accepted_prediction_tokens"] = 0,
            ["rejected_prediction_tokens"] = 0,
        },
    };
}
