using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Sessions;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Usage;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>
/// A thinking model in the agent loop, against a fake Anthropic server that checks thinking blocks as the real
/// API does: while a tool loop runs with thinking on, the assistant message sent back must start with the
/// model's thinking, signature and all — also after the session was saved and resumed.
/// </summary>
public sealed class ThinkingLoopTests : IDisposable
{
    private const string EchoThinking = "The user wants an echo, so I call the echo tool.";

    private readonly string _sessions = Path.Combine(Path.GetTempPath(), "microagi-thinking-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_sessions)) Directory.Delete(_sessions, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_thinking_model_calls_a_tool_and_answers_with_its_thinking_sent_back_first(bool stream)
    {
        await using var fx = new AnthropicLoopFixture(stream);
        fx.Server.Enqueue(
            FakeReply.Call("echo", """{"text":"hi"}""", "toolu_1").AfterThinking(EchoThinking, signature: "sig-echo").InTextChunksOf(7),
            FakeReply.Say("The echo said hi.").AfterThinking("The tool answered.", signature: "sig-answer"));
        var session = fx.NewSession();
        var observer = new RecordingObserver();

        var result = await session.RunTurnAsync("echo hi", observer);

        Assert.Equal(TurnOutcome.Answered, result.Outcome);
        Assert.Equal("The echo said hi.", observer.Text);
        Assert.Contains("[echo] ok", observer.Events);
        var second = fx.Server.ChatRequests[1].Json!;
        Assert.Equal("enabled", (string?)second["thinking"]?["type"]); // Sonnet 4.5 predates adaptive thinking
        var sentBack = second["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["thinking", "tool_use"], sentBack.Select(b => (string?)b!["type"]));
        Assert.Equal(EchoThinking, (string?)sentBack[0]!["thinking"]);
        Assert.Equal("sig-echo", (string?)sentBack[0]!["signature"]);
        var kept = session.Conversation.Messages[1].Contents.OfType<TextReasoningContent>().Single();
        Assert.Equal(("sig-echo", EchoThinking), (kept.ProtectedData, kept.Text));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_resumed_session_continues_a_tool_loop_with_its_thinking_and_redacted_thinking(bool stream)
    {
        await using var fx = new AnthropicLoopFixture(stream);
        fx.Server.Enqueue(
            FakeReply.Call("echo", """{"text":"hi"}""", "toolu_1").AfterRedactedThinking("opaque-data").AfterThinking(EchoThinking, signature: "sig-echo"),
            FakeReply.Fail(500, "the server fell over after the tool ran"),
            FakeReply.Say("The echo said hi."));
        string id;
        using (var transcript = JsonlTranscript.Create(_sessions))
        {
            id = transcript.Id;
            await Assert.ThrowsAsync<LlmException>(() => fx.NewSession(new Conversation(transcript)).RunTurnAsync("echo hi", new RecordingObserver()));
        }

        var (resumed, history) = JsonlTranscript.Resume(_sessions, id);
        using (resumed)
        {
            var result = await fx.NewSession(new Conversation(resumed, history)).RunTurnAsync("go on", new RecordingObserver());

            Assert.Equal("The echo said hi.", result.Text);
        }
        var sentBack = fx.Server.ChatRequests[2].Json!["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["redacted_thinking", "thinking", "tool_use"], sentBack.Select(b => (string?)b!["type"]));
        Assert.Equal("opaque-data", (string?)sentBack[0]!["data"]);
        Assert.Equal("sig-echo", (string?)sentBack[1]!["signature"]);
    }
}

/// <summary>
/// A real agent session against the fake Anthropic server with its strict thinking check on: a test agent on a
/// thinking model served as <c>claude-sonnet-4-5</c> (effort 50), the native echo tool, the real provider stack
/// and function caller.
/// </summary>
internal sealed class AnthropicLoopFixture : IAsyncDisposable
{
    private const string AgentId = "app:thinker";

    private readonly LuaRuntime _lua = new();
    private readonly List<IChatClient> _clients = [];

    public AnthropicLoopFixture(bool stream)
    {
        Server = FakeAnthropicServer.Start(new FakeServerOptions { StrictThinking = true });
        var registry = EntryRegistry.CreateInMemory([
            LoopFixture.Agent(AgentId, "claude-thinker", maxTokens: 2048),
            Entry.Create(new EntryId("app", "claude-thinker"), "registry.entry",
                new JsonObject
                {
                    ["name"] = "claude-thinker",
                    ["type"] = "llm.model",
                    ["capabilities"] = new JsonArray("generate", "tool_use", "thinking"),
                    ["thinking_effort"] = 50,
                    ["max_tokens"] = 200_000,
                    ["output_tokens"] = 4096,
                    ["providers"] = new JsonArray(new JsonObject { ["id"] = "anthropic", ["provider_model"] = "claude-sonnet-4-5" }),
                }),
            LoopFixture.EchoTool,
        ]);
        var natives = LoopFixture.RegisterEcho(new NativeFunctionCatalog());
        Services = new AgentServices(registry, new FunctionCaller(registry, _lua, natives), ClientFor, new CostTracker(),
            new AgentSettings { Stream = stream, ToolTimeout = TimeSpan.FromSeconds(30) });
    }

    public FakeAnthropicServer Server { get; }
    public AgentServices Services { get; }

    public AgentSession NewSession(Conversation? conversation = null) =>
        new(Services, new AgentContext(Services, EntryId.Parse(AgentId)), conversation ?? new Conversation());

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        _lua.Dispose();
        await Server.DisposeAsync();
    }

    private IChatClient ClientFor(ModelDefinition model)
    {
        var client = ChatClientFactory.Create(model, new ProviderSettings
        {
            Kind = ProviderKind.Anthropic,
            Id = "anthropic",
            BaseUrl = Server.BaseUrl,
            ApiKey = "sk-ant-test",
            Retry = RetrySettings.None,
            RequestTimeout = TimeSpan.FromSeconds(60),
            IdleTimeout = TimeSpan.FromSeconds(60),
        });
        _clients.Add(client);
        return client;
    }
}
