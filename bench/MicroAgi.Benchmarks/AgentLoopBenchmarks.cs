using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Usage;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 4's loop overhead: one agent step (a streamed text answer) through AgentSession, against the
/// same step as a bare IChatClient call to the same in-process fake server. The difference is what
/// the loop adds: prompt assembly, tool declarations, observer callbacks, conversation and cost
/// bookkeeping. Target: under 1 ms.
/// </summary>
[MemoryDiagnoser]
public class AgentLoopBenchmarks
{
    private FakeOpenAIServer _server = null!;
    private IChatClient _client = null!;
    private AgentServices _services = null!;
    private LuaRuntime _lua = null!;
    private List<ChatMessage> _bareMessages = null!;
    private ChatOptions _bareOptions = null!;
    private AgentSession _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = FakeOpenAIServer.Start();
        var model = ModelCatalog.FromEntries([]).Resolve("bench-model");
        _client = ChatClientFactory.Create(model, new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = _server.BaseUrl, ApiKey = "k", Retry = RetrySettings.None });
        var registry = EntryRegistry.CreateInMemory([
            Entry.Create(EntryId.Parse("app:bench_agent"), "registry.entry",
                new JsonObject { ["type"] = "agent.gen1" },
                new JsonObject { ["prompt"] = "You are a benchmark.", ["model"] = "bench-model", ["tools"] = new JsonArray("app.tools:*") }),
            .. Enumerable.Range(0, 5).Select(i => Entry.Create(new EntryId("app.tools", $"tool_{i}"), "function.native",
                new JsonObject { ["type"] = "tool", ["llm_description"] = "a tool", ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["q"] = new JsonObject { ["type"] = "string" } } } },
                [])),
        ]);
        _lua = new LuaRuntime();
        _services = new AgentServices(registry, new FunctionCaller(registry, _lua), _ => _client, new CostTracker());
        _bareMessages = [new ChatMessage(ChatRole.System, "You are a benchmark."), new ChatMessage(ChatRole.User, "hello")];
        _session = new AgentSession(_services, new AgentContext(_services, EntryId.Parse("app:bench_agent")), new Conversation());
        // The baseline sends the same tools, so the comparison isolates what the loop itself adds.
        _bareOptions = new ChatOptions { Tools = [.. _session.Runner.Tools] };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _lua.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "bare IChatClient streamed answer, same tools")]
    public async Task<int> BareClient()
    {
        _server.Enqueue(FakeReply.Say("A short streamed answer of a few words.").WithUsage(100, 10));
        var count = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(_bareMessages, _bareOptions))
        {
            count += update.Text.Length;
        }
        return count;
    }

    [Benchmark(Description = "AgentSession step with the same answer")]
    public async Task<int> AgentStep()
    {
        _server.Enqueue(FakeReply.Say("A short streamed answer of a few words.").WithUsage(100, 10));
        _session.Conversation.Replace([]); // the same request size every time, as in the bare call
        var result = await _session.RunTurnAsync("hello", SilentObserver.Instance);
        return result.Text.Length;
    }

    /// <summary>What a tool load costs: the registry is read again, schemas and the model resolved.</summary>
    [Benchmark(Description = "AgentContext.LoadAgent (reload after load_tool)")]
    public AgentRunner Reload() => _session.Context.LoadAgent();
}
