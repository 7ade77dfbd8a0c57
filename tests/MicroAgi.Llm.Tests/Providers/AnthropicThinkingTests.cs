using System.Text.Json;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Providers;

/// <summary>
/// Anthropic thinking blocks through our stack: they arrive as <see cref="TextReasoningContent"/> with the
/// signature (or a redacted block's data) in <see cref="TextReasoningContent.ProtectedData"/>, and go back
/// unchanged and first in the assistant message, which the real API requires while a tool loop runs with
/// thinking on. The server checks this strictly, as the real one does.
/// </summary>
public sealed class AnthropicThinkingTests
{
    private static readonly ModelDefinition ThinkingModel = new()
    {
        Name = "claude-test",
        ContextWindow = 100_000,
        OutputTokens = 4_000,
        Capabilities = ["generate", "tool_use", "thinking"],
        ThinkingEffort = 50,
    };

    private static readonly ChatOptions WithEchoTool = new()
    {
        Tools = [AIFunctionFactory.CreateDeclaration("echo", "the echo tool", JsonDocument.Parse("""{"type":"object","properties":{"text":{"type":"string"}}}""").RootElement)],
    };

    private static IChatClient Client(FakeLlmServer server, ModelDefinition? model = null) =>
        ChatClientFactory.Create(model ?? ThinkingModel, new ProviderSettings
        {
            Kind = ProviderKind.Anthropic,
            BaseUrl = server.BaseUrl,
            ApiKey = "sk-ant-test",
            Retry = RetrySettings.None,
            RequestTimeout = TimeSpan.FromSeconds(60),
            IdleTimeout = TimeSpan.FromSeconds(60),
        });

    private static async Task<ChatResponse> AskAsync(IChatClient client, List<ChatMessage> messages, bool stream)
    {
        if (!stream) return await client.GetResponseAsync(messages, WithEchoTool);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, WithEchoTool)) updates.Add(update);
        return updates.ToChatResponse();
    }

    /// <summary>The assistant turn as an agent keeps it: every content of the response, in order.</summary>
    private static ChatMessage AssistantTurn(ChatResponse response) =>
        new(ChatRole.Assistant, [.. response.Messages.SelectMany(m => m.Contents).Where(c => c is not UsageContent)]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Thinking_arrives_as_reasoning_with_its_signature_as_protected_data(bool stream)
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("Four.").AfterThinking("Two plus two is four.", signature: "sig-4").InTextChunksOf(3));
        using var client = Client(server);

        var response = await AskAsync(client, [new(ChatRole.User, "2+2?")], stream);

        var reasoning = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>());
        Assert.Equal("Two plus two is four.", reasoning.Text);
        Assert.Equal("sig-4", reasoning.ProtectedData);
        Assert.Equal("Four.", response.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_tool_loop_with_thinking_sends_the_thinking_back_first_and_unchanged(bool stream)
    {
        await using var server = FakeAnthropicServer.Start(new FakeServerOptions { StrictThinking = true });
        server.Enqueue(
            FakeReply.Call("echo", """{"text":"hi"}""", "toolu_1").AfterThinking("The user wants an echo; call the tool.", signature: "sig-echo"),
            FakeReply.Say("It said hi."));
        using var client = Client(server);
        List<ChatMessage> conversation = [new(ChatRole.User, "echo hi")];

        conversation.Add(AssistantTurn(await AskAsync(client, conversation, stream)));
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_1", """{"echo":"hi"}""")]));
        var answer = await AskAsync(client, conversation, stream);

        Assert.Equal("It said hi.", answer.Text);
        var second = server.ChatRequests[1].Json!;
        Assert.True(second["thinking"] is not null, "thinking should be enabled for a thinking model");
        var assistant = second["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["thinking", "tool_use"], assistant.Select(b => (string?)b!["type"]));
        Assert.Equal("The user wants an echo; call the tool.", (string?)assistant[0]!["thinking"]);
        Assert.Equal("sig-echo", (string?)assistant[0]!["signature"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Redacted_thinking_goes_back_as_redacted_thinking_with_its_data(bool stream)
    {
        await using var server = FakeAnthropicServer.Start(new FakeServerOptions { StrictThinking = true });
        server.Enqueue(
            FakeReply.Call("echo", """{"text":"hi"}""", "toolu_1").AfterRedactedThinking("opaque-1").AfterThinking("And now the call.", signature: "sig-2"),
            FakeReply.Say("done"));
        using var client = Client(server);
        List<ChatMessage> conversation = [new(ChatRole.User, "echo hi")];

        conversation.Add(AssistantTurn(await AskAsync(client, conversation, stream)));
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_1", "hi")]));
        await AskAsync(client, conversation, stream);

        var assistant = server.ChatRequests[1].Json!["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["redacted_thinking", "thinking", "tool_use"], assistant.Select(b => (string?)b!["type"]));
        Assert.Equal("opaque-1", (string?)assistant[0]!["data"]);
        Assert.Equal("sig-2", (string?)assistant[1]!["signature"]);
    }

    [Fact]
    public async Task A_tool_loop_that_lost_its_thinking_is_refused_with_the_servers_explanation()
    {
        await using var server = FakeAnthropicServer.Start(new FakeServerOptions { StrictThinking = true });
        using var client = Client(server);
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "echo hi"),
            new(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "echo", new Dictionary<string, object?> { ["text"] = "hi" })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "hi")]),
        ];

        var error = await Assert.ThrowsAsync<LlmException>(() => AskAsync(client, conversation, stream: false));

        Assert.Equal(LlmErrorKind.BadRequest, error.Kind);
        Assert.Contains("Expected `thinking` or `redacted_thinking`, but found `tool_use`", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claude-sonnet-4-5", AnthropicThinkingMode.Extended)]
    [InlineData("claude-sonnet-4-5-20250929", AnthropicThinkingMode.Extended)]
    [InlineData("claude-haiku-4-5", AnthropicThinkingMode.Extended)]
    [InlineData("claude-opus-4-1", AnthropicThinkingMode.Extended)]
    [InlineData("claude-opus-4-20250514", AnthropicThinkingMode.Extended)]
    [InlineData("claude-3-7-sonnet-latest", AnthropicThinkingMode.Extended)]
    [InlineData("anthropic/claude-sonnet-4.5", AnthropicThinkingMode.Extended)]
    [InlineData("claude-opus-4-6", AnthropicThinkingMode.Adaptive)]
    [InlineData("claude-sonnet-4-6", AnthropicThinkingMode.Adaptive)]
    [InlineData("claude-opus-5", AnthropicThinkingMode.Adaptive)]
    [InlineData("my-gateway-model", AnthropicThinkingMode.Adaptive)]
    public void Models_before_Claude_4_6_get_extended_thinking_and_later_ones_adaptive(string providerModel, AnthropicThinkingMode expected) =>
        Assert.Equal(expected, AnthropicThinkingModes.For(providerModel));

    [Fact]
    public async Task Claude_sonnet_4_5_is_asked_for_extended_thinking_with_a_budget_below_the_output_limit()
    {
        await using var server = FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("a"), FakeReply.Say("b"));
        using var sonnet45 = Client(server, ThinkingModel with { Name = "claude-sonnet-4-5" });
        using var opus46 = Client(server, ThinkingModel with { Name = "claude-opus-4-6" });

        await sonnet45.GetResponseAsync([new(ChatRole.User, "hi")]);
        await opus46.GetResponseAsync([new(ChatRole.User, "hi")]);

        var extended = server.ChatRequests[0].Json!;
        Assert.Equal("enabled", (string?)extended["thinking"]!["type"]);
        Assert.InRange((int)extended["thinking"]!["budget_tokens"]!, 1024, (int)extended["max_tokens"]! - 1);
        Assert.Null(extended["output_config"]);
        Assert.Equal("adaptive", (string?)server.ChatRequests[1].Json!["thinking"]!["type"]);
    }
}
