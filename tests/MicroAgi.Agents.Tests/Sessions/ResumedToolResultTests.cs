using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Sessions;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Sessions;

/// <summary>A tool result reaches the model the same before and after the session is saved and resumed.</summary>
public sealed class ResumedToolResultTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "microagi-transcripts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(ProviderKind.OpenAI)]
    [InlineData(ProviderKind.Anthropic)]
    public async Task The_model_reads_the_same_tool_result_before_and_after_a_resume(ProviderKind kind)
    {
        await using FakeLlmServer server = kind == ProviderKind.OpenAI ? FakeOpenAIServer.Start() : FakeAnthropicServer.Start();
        server.Enqueue(FakeReply.Say("live"), FakeReply.Say("resumed"));
        using var client = ChatClientFactory.Create(
            new ModelDefinition { Name = "test-model", ContextWindow = 100_000, OutputTokens = 1_000 },
            new ProviderSettings { Kind = kind, BaseUrl = server.BaseUrl, ApiKey = "test-key", Retry = RetrySettings.None });
        string id;
        List<ChatMessage> live;
        using (var transcript = JsonlTranscript.Create(_directory))
        {
            id = transcript.Id;
            var conversation = new Conversation(transcript);
            conversation.Add(new ChatMessage(ChatRole.User, "echo hi"));
            conversation.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "echo", new Dictionary<string, object?> { ["text"] = "hi" })]));
            // What ToolCallExecutor records: the result's JSON text, an object here and a bare string there.
            conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", """{"echo":"hi","n":1}""")]));
            conversation.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_2", "echo", new Dictionary<string, object?> { ["text"] = "yo" })]));
            conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_2", "\"yo\"")]));
            live = [.. conversation.Messages];
        }
        var (resumed, history) = JsonlTranscript.Resume(_directory, id);
        resumed.Dispose();

        await client.GetResponseAsync(live);
        await client.GetResponseAsync(history);

        Assert.Equal(ToolResults(kind, server.ChatRequests[0].Json!), ToolResults(kind, server.ChatRequests[1].Json!));
        Assert.Equal(["""{"echo":"hi","n":1}""", "\"yo\""], ToolResults(kind, server.ChatRequests[0].Json!));
    }

    /// <summary>The text of every tool result in a request, in order.</summary>
    private static List<string> ToolResults(ProviderKind kind, JsonNode request)
    {
        var messages = request["messages"]!.AsArray();
        if (kind == ProviderKind.OpenAI)
            return [.. messages.Where(m => (string?)m!["role"] == "tool").Select(m => (string)m!["content"]!)];
        return [.. messages.SelectMany(m => m!["content"] is JsonArray blocks ? blocks : [])
            .Where(b => (string?)b!["type"] == "tool_result")
            .Select(b => b!["content"] is JsonArray parts ? string.Concat(parts.Select(p => (string?)p!["text"])) : (string)b["content"]!)];
    }
}
