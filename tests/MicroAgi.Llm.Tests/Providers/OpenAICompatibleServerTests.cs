using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Providers;

/// <summary>Stream shapes of OpenAI-compatible servers other than OpenAI's own (Ollama, vLLM, proxies).</summary>
public sealed class OpenAICompatibleServerTests
{
    [Theory]
    [InlineData(OpenAIQuirks.WholeToolCalls)]
    [InlineData(OpenAIQuirks.NoToolCallIndex)]
    [InlineData(OpenAIQuirks.WholeToolCalls | OpenAIQuirks.NoToolCallIndex | OpenAIQuirks.UsageInFinishChunk)]
    [InlineData(OpenAIQuirks.NullChoicesInUsageChunk)]
    [InlineData(OpenAIQuirks.NoDoneMarker)]
    public async Task Understands_the_stream_of_a_server_with_these_quirks(OpenAIQuirks quirks)
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { OpenAIQuirks = quirks });
        server.Enqueue(FakeReply.Say("Both.")
            .AndToolCall("get_weather", """{"city":"Lima"}""", "call_1")
            .AndToolCall("get_time", """{"zone":"America/Lima"}""", "call_2")
            .WithUsage(prompt: 100, completion: 20, cached: 50));
        using var client = ChatClientFactory.Create(
            new ModelDefinition { Name = "local", ContextWindow = 8192, OutputTokens = 1024 },
            new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = server.BaseUrl });

        var response = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "weather and time")]).ToChatResponseAsync();

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_1", "call_2"], calls.Select(c => c.CallId));
        Assert.Equal("Lima", calls[0].Arguments!["city"]?.ToString());
        Assert.Equal("America/Lima", calls[1].Arguments!["zone"]?.ToString());
        Assert.Equal("Both.", response.Text);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(100, response.Usage?.InputTokenCount);
        Assert.Equal(50, response.Usage?.CachedInputTokenCount);
    }
}
