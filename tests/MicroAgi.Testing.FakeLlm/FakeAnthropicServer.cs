using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>
/// A fake Anthropic-compatible server: <c>POST /v1/messages</c> (JSON, or the SSE event stream when
/// <c>stream: true</c>) and <c>GET /v1/models</c>. The stream is shaped like Anthropic's: <c>message_start</c>
/// (with input usage), <c>ping</c>, per content block <c>content_block_start</c> / <c>content_block_delta</c>
/// (<c>thinking_delta</c> pieces then one <c>signature_delta</c>, <c>text_delta</c> or <c>input_json_delta</c>
/// pieces; a <c>redacted_thinking</c> block arrives whole in its start) / <c>content_block_stop</c>, <c>message_delta</c>
/// (stop reason and output usage), <c>message_stop</c>. The key is accepted from <c>x-api-key</c> or
/// <c>Authorization: Bearer</c>. Usage follows Anthropic's split: <c>input_tokens</c> excludes the cached
/// tokens, which are reported as <c>cache_read_input_tokens</c>; reasoning tokens are not reported.
/// Thinking blocks sent back are checked as the real API checks them when
/// <see cref="FakeServerOptions.StrictThinking"/> is set.
/// </summary>
public sealed class FakeAnthropicServer : FakeLlmServer
{
    private readonly AnthropicThinkingCheck _thinkingCheck = new();

    private FakeAnthropicServer(FakeServerOptions? options) : base(options)
    {
    }

    /// <summary>Starts a server on a free port of 127.0.0.1.</summary>
    public static FakeAnthropicServer Start(FakeServerOptions? options = null) => new(options);

    /// <summary><c>http://127.0.0.1:port</c> — Anthropic clients append <c>/v1/messages</c> themselves.</summary>
    public override Uri BaseUrl => new(RootUrl.GetLeftPart(UriPartial.Authority));

    public override string ChatPath => "/v1/messages";

    protected override string? PresentedKey(RecordedRequest request) =>
        request.Header("x-api-key") ?? FakeOpenAIServer.BearerToken(request);

    protected override string UnknownModelMessage(string? model) => $"model: {model}";

    protected override string ContextTooLongMessage(int tokens, int window) => $"prompt is too long: {tokens} tokens > {window} maximum";

    protected override string? Rejection(RecordedRequest request) =>
        Options.StrictThinking ? _thinkingCheck.Violation(request.Json) : null;

    protected override string ErrorBody(int statusCode, string message, string? code) =>
        new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject
            {
                ["type"] = statusCode switch
                {
                    400 => "invalid_request_error",
                    401 => "authentication_error",
                    403 => "permission_error",
                    404 => "not_found_error",
                    413 => "request_too_large",
                    429 => "rate_limit_error",
                    529 => "overloaded_error",
                    _ => "api_error",
                },
                ["message"] = message,
            },
            ["request_id"] = "req_fake",
        }.ToJsonString();

    protected override string RenderModelList(IReadOnlyCollection<string> models) =>
        new JsonObject
        {
            ["data"] = new JsonArray([.. models.Select(m => (JsonNode)new JsonObject
            {
                ["type"] = "model",
                ["id"] = m,
                ["display_name"] = m,
                ["created_at"] = "2025-01-01T00:00:00Z",
            })]),
            ["has_more"] = false,
            ["first_id"] = models.FirstOrDefault(),
            ["last_id"] = models.LastOrDefault(),
        }.ToJsonString();

    protected override string RenderJson(FakeReply reply, string model, int sequence)
    {
        _thinkingCheck.Issue(reply.ThinkingBlocks);
        var content = new JsonArray([.. reply.ThinkingBlocks.Select(CompleteThinkingBlock)]);
        if (reply.Text.Length > 0) content.Add(new JsonObject { ["type"] = "text", ["text"] = reply.Text });
        foreach (var call in reply.ToolCalls)
            content.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = call.Id,
                ["name"] = call.Name,
                ["input"] = ParseInput(call.ArgumentsJson),
            });
        var message = MessageObject(model, sequence, reply.Usage, reply.Usage?.CompletionTokens ?? 0);
        message["content"] = content;
        message["stop_reason"] = StopReason(reply.EffectiveFinish);
        return message.ToJsonString();
    }

    protected override IReadOnlyList<StreamFrame> RenderStream(FakeReply reply, string model, int sequence)
    {
        var start = MessageObject(model, sequence, reply.Usage, outputTokens: 1);
        var frames = new List<StreamFrame>
        {
            Event("message_start", new JsonObject { ["type"] = "message_start", ["message"] = start }),
            Event("ping", new JsonObject { ["type"] = "ping" }),
        };
        _thinkingCheck.Issue(reply.ThinkingBlocks);
        var block = 0;
        foreach (var thinking in reply.ThinkingBlocks)
            frames.AddRange(StreamedThinkingBlock(block++, thinking, reply.TextChunkSize));
        if (reply.Text.Length > 0)
        {
            frames.Add(BlockStart(block, new JsonObject { ["type"] = "text", ["text"] = "" }));
            foreach (var piece in TextPieces.Split(reply.Text, reply.TextChunkSize))
                frames.Add(BlockDelta(block, new JsonObject { ["type"] = "text_delta", ["text"] = piece }));
            frames.Add(BlockStop(block++));
        }
        foreach (var call in reply.ToolCalls)
        {
            frames.Add(BlockStart(block, new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = call.Id,
                ["name"] = call.Name,
                ["input"] = new JsonObject(),
            }));
            var first = true;
            foreach (var piece in TextPieces.Split(call.ArgumentsJson, reply.ArgumentChunkSize))
            {
                var frame = BlockDelta(block, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = piece });
                frames.Add(frame with { IsFirstArgumentPiece = first });
                first = false;
            }
            frames.Add(BlockStop(block++));
        }
        frames.Add(Event("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(reply.EffectiveFinish), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.Usage?.CompletionTokens ?? 0 },
        }));
        frames.Add(Event("message_stop", new JsonObject { ["type"] = "message_stop" }));
        return frames;
    }

    private static JsonObject MessageObject(string model, int sequence, FakeUsage? usage, int outputTokens) => new()
    {
        ["id"] = $"msg_fake_{sequence}",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(),
        ["stop_reason"] = null,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject
        {
            ["input_tokens"] = usage is null ? 0 : usage.PromptTokens - usage.CachedTokens,
            ["cache_creation_input_tokens"] = 0,
            ["cache_read_input_tokens"] = usage?.CachedTokens ?? 0,
            ["output_tokens"] = outputTokens,
        },
    };

    private static JsonNode CompleteThinkingBlock(FakeThinkingBlock block) => block switch
    {
        FakeThinking thinking => new JsonObject { ["type"] = "thinking", ["thinking"] = thinking.Text, ["signature"] = thinking.Signature },
        FakeRedactedThinking redacted => new JsonObject { ["type"] = "redacted_thinking", ["data"] = redacted.Data },
        _ => throw new NotSupportedException($"no Anthropic form for {block}"),
    };

    /// <summary>As the real API streams thinking: the block starts empty, the text follows in pieces and the
    /// signature in one delta at the end; redacted thinking starts whole.</summary>
    private static IEnumerable<StreamFrame> StreamedThinkingBlock(int index, FakeThinkingBlock block, int chunkSize)
    {
        if (block is FakeThinking thinking)
        {
            yield return BlockStart(index, new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" });
            foreach (var piece in TextPieces.Split(thinking.Text, chunkSize))
                yield return BlockDelta(index, new JsonObject { ["type"] = "thinking_delta", ["thinking"] = piece });
            yield return BlockDelta(index, new JsonObject { ["type"] = "signature_delta", ["signature"] = thinking.Signature });
        }
        else
        {
            yield return BlockStart(index, CompleteThinkingBlock(block).AsObject());
        }
        yield return BlockStop(index);
    }

    private static JsonNode ParseInput(string argumentsJson)
    {
        // A complete message carries the input as an object; malformed scripted arguments stay a string so
        // the test still sees them.
        try
        {
            return JsonNode.Parse(argumentsJson) ?? new JsonObject();
        }
        catch (JsonException)
        {
            return JsonValue.Create(argumentsJson);
        }
    }

    private static StreamFrame BlockStart(int index, JsonObject block) =>
        Event("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = block });

    private static StreamFrame BlockDelta(int index, JsonObject delta) =>
        Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });

    private static StreamFrame BlockStop(int index) =>
        Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index });

    private static StreamFrame Event(string name, JsonObject data) => new($"event: {name}\ndata: {data.ToJsonString()}\n\n");

    private static string StopReason(FakeFinish finish) => finish switch
    {
        FakeFinish.ToolCalls => "tool_use",
        FakeFinish.Length => "max_tokens",
        _ => "end_turn",
    };
}
