using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Usage;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>
/// A real agent session against the fake OpenAI-compatible server: a registry with a test agent,
/// two models and native tools, the real provider stack, the real function caller.
/// </summary>
internal sealed class LoopFixture : IAsyncDisposable
{
    public const string AgentId = "app:tester";

    private readonly LuaRuntime _lua = new();
    private readonly List<IChatClient> _clients = [];

    public LoopFixture(AgentSettings? settings = null, int contextWindow = 100_000, params Entry[] extraEntries)
        : this(null, settings, contextWindow, extraEntries)
    {
    }

    /// <param name="serverOptions">How strict the fake server is (a context limit, say).</param>
    public LoopFixture(FakeServerOptions? serverOptions, AgentSettings? settings = null, int contextWindow = 100_000, params Entry[] extraEntries)
    {
        Server = FakeOpenAIServer.Start(serverOptions);
        Registry = EntryRegistry.CreateInMemory([
            Agent(AgentId, "big", maxTokens: 512),
            Model("big", "reasoning", contextWindow),
            Model("small", "fast", 1_000_000),
            EchoTool,
            NativeTool("explode"),
            NativeTool("slow"),
            NativeTool("load_tool"),
            .. extraEntries,
        ]);
        RegisterEcho(Natives)
            .Register("app.tools:explode", (_, _) => throw new InvalidOperationException("kaboom"))
            .Register("app.tools:slow", async (_, ct) => { await Task.Delay(TimeSpan.FromSeconds(30), ct); return FunctionResult.Success(null); })
            .Register("app.tools:load_tool", (call, _) =>
            {
                var id = (string)call.Arguments!["id"]!;
                return Task.FromResult(FunctionResult.Success(new JsonObject { ["loaded"] = true, ["id"] = id, ["alias"] = EntryId.Parse(id).Name }));
            });
        Functions = new FunctionCaller(Registry, _lua, Natives);
        Services = new AgentServices(Registry, Functions, ClientFor, Costs, settings ?? new AgentSettings { ToolTimeout = TimeSpan.FromSeconds(2) });
    }

    public FakeOpenAIServer Server { get; }
    public EntryRegistry Registry { get; }
    public NativeFunctionCatalog Natives { get; } = new();

    /// <summary>The Lua runtime the function caller runs Lua tools on.</summary>
    public LuaRuntime Lua => _lua;
    public FunctionCaller Functions { get; }
    public CostTracker Costs { get; } = new();
    public AgentServices Services { get; }

    public AgentSession NewSession(Conversation? conversation = null) =>
        new(Services, new AgentContext(Services, EntryId.Parse(AgentId)), conversation ?? new Conversation());

    /// <summary>A test agent on <paramref name="model"/> with every tool in <c>app.tools</c>.</summary>
    public static Entry Agent(string id, string model, int maxTokens) => Entry.Create(EntryId.Parse(id), "registry.entry",
        new JsonObject { ["type"] = "agent.gen1", ["title"] = "Tester" },
        new JsonObject { ["prompt"] = "You are a test agent.", ["model"] = model, ["max_tokens"] = maxTokens, ["tools"] = new JsonArray("app.tools:*") });

    /// <summary><c>app.tools:echo</c>: answers <c>{echo: text}</c> once <see cref="RegisterEcho"/> gave it a body.</summary>
    public static Entry EchoTool { get; } =
        NativeTool("echo", new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("text") });

    public static NativeFunctionCatalog RegisterEcho(NativeFunctionCatalog natives) =>
        natives.Register("app.tools:echo", (call, _) => Task.FromResult(FunctionResult.Success(new JsonObject { ["echo"] = call.Arguments!["text"]!.DeepClone() })));

    public static Entry Model(string name, string modelClass, int window) => Entry.Create(new EntryId("app", name), "registry.entry",
        new JsonObject
        {
            ["name"] = name,
            ["type"] = "llm.model",
            ["class"] = new JsonArray(modelClass),
            ["priority"] = 100,
            ["max_tokens"] = window,
            ["output_tokens"] = 4096,
            ["pricing"] = new JsonObject { ["input"] = 1, ["output"] = 2 },
            ["providers"] = new JsonArray(new JsonObject { ["id"] = "openai", ["provider_model"] = name + "-model" }),
        });

    public static Entry NativeTool(string name, JsonObject? schema = null, string ns = "app.tools") => Entry.Create(new EntryId(ns, name), "function.native",
        new JsonObject { ["type"] = "tool", ["llm_description"] = $"The {name} tool", ["input_schema"] = schema ?? new JsonObject { ["type"] = "object" } },
        []);

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
            Kind = ProviderKind.OpenAI,
            Id = "openai",
            BaseUrl = Server.BaseUrl,
            ApiKey = "test-key",
            Retry = RetrySettings.None,
        });
        _clients.Add(client);
        return client;
    }
}

/// <summary>Records what a turn showed, in order.</summary>
internal sealed class RecordingObserver : IAgentObserver
{
    public List<string> Events { get; } = [];
    public string Text => string.Concat(Events.Where(e => e.StartsWith("text:", StringComparison.Ordinal)).Select(e => e[5..]));

    public void TextDelta(string text) => Events.Add("text:" + text);
    public void ReasoningDelta(string text) => Events.Add("reasoning:" + text);
    public void ToolFinished(string toolName, string? error) => Events.Add(error is null ? $"[{toolName}] ok" : $"[{toolName}] error: {error}");
    public void ToolLoaded(EntryId id) => Events.Add($"[+] {id}");
    public void Notice(string message) => Events.Add("notice: " + message);
}
