using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Usage;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 9's per-step cost deep into a long turn: with <see cref="PastSteps"/> tool steps already in the
/// conversation, the model calls a Lua tool once and then answers — two streamed requests and one sandboxed
/// call. The floor does the same two requests with a plain <see cref="HttpClient"/>, writing each body with
/// <see cref="Utf8JsonWriter"/> and reading the stream line by line: what any client must pay. Both keep their
/// connection between requests, as against a real provider or the loop kit's server; a new connection for every
/// request measured each client's connection set-up instead (docs/benchmarks.md). Targets: the
/// step within 0.1 ms of the floor, and flat as the turn grows (beyond the bytes every client must send).
/// The warm-up is long on purpose: on two cores the process runs about 15 s of steps before the runtime has
/// re-compiled all their code with full optimisation, and a short warm-up measured that re-compilation instead
/// (docs/benchmarks.md). What one short-lived process pays is the loop benchmark's part (../shared/bench/loop).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 40, iterationCount: 10)]
public class AgentStepBenchmarks
{
    private const string ToolName = "greet";
    private const string ToolArguments = """{"name":"ada"}""";
    private const string ToolResult = """{"message":"hello, ada","length":3}""";
    private const string SystemPrompt = "You are a benchmark.";

    private FakeOpenAIServer _server = null!;
    private IChatClient _client = null!;
    private LuaRuntime _lua = null!;
    private AgentSession _session = null!;
    private List<ChatMessage> _history = null!;
    private HttpClient _http = null!;
    private Uri _chatUrl = null!;

    [Params(50, 200, 800)]
    public int PastSteps { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = FakeOpenAIServer.Start(new FakeServerOptions { KeepRequests = false, KeepAlive = true });
        var model = ModelCatalog.FromEntries([]).Resolve("bench-model");
        _client = ChatClientFactory.Create(model, new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = _server.BaseUrl, ApiKey = "k", Retry = RetrySettings.None });
        var registry = EntryRegistry.CreateInMemory([
            Entry.Create(EntryId.Parse("app:bench_agent"), "registry.entry",
                new JsonObject { ["type"] = "agent.gen1" },
                new JsonObject { ["prompt"] = SystemPrompt, ["model"] = "bench-model", ["tools"] = new JsonArray("app.tools:*") }),
            LuaToolFixture.Greet(new EntryId("app.tools", ToolName), "hello"),
        ]);
        _lua = new LuaRuntime();
        var services = new AgentServices(registry, new FunctionCaller(registry, _lua), _ => _client, new CostTracker());
        _session = new AgentSession(services, new AgentContext(services, EntryId.Parse("app:bench_agent")), new Conversation());
        _history = [new ChatMessage(ChatRole.User, "go")];
        for (var i = 0; i < PastSteps; i++)
        {
            var callId = $"call_{i}";
            _history.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(callId, ToolName, new Dictionary<string, object?> { ["name"] = "ada" })]));
            _history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, ToolResult)]));
        }
        _http = new HttpClient();
        _chatUrl = new Uri(_server.RootUrl, _server.ChatPath.TrimStart('/'));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _client.Dispose();
        _lua.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "floor: HttpClient, the same two requests written with Utf8JsonWriter")]
    public async Task<int> Floor()
    {
        EnqueueStep();
        var read = await PostAsync(PastSteps);
        return read + await PostAsync(PastSteps + 1);
    }

    [Benchmark(Description = "AgentSession: one Lua tool step, then the answer")]
    public async Task<int> AgentStep()
    {
        EnqueueStep();
        _session.Conversation.Replace(_history);
        var result = await _session.RunTurnAsync("go", SilentObserver.Instance);
        return result.Text.Length;
    }

    private void EnqueueStep() => _server.Enqueue(FakeReply.Call(ToolName, ToolArguments).WithUsage(100, 10), FakeReply.Say("done").WithUsage(100, 2));

    private async Task<int> PostAsync(int pastSteps)
    {
        using var body = new MemoryStream();
        WriteRequest(body, pastSteps);
        using var request = new HttpRequestMessage(HttpMethod.Post, _chatUrl) { Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var read = 0;
        while (await reader.ReadLineAsync() is { } line) read += line.Length;
        return read;
    }

    private static void WriteRequest(Stream body, int pastSteps)
    {
        using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("model", "bench-model");
        json.WriteBoolean("stream", true);
        json.WriteStartArray("messages");
        WriteMessage(json, "system", SystemPrompt);
        WriteMessage(json, "user", "go");
        for (var i = 0; i < pastSteps; i++)
        {
            var callId = $"call_{i}";
            json.WriteStartObject();
            json.WriteString("role", "assistant");
            json.WriteStartArray("tool_calls");
            json.WriteStartObject();
            json.WriteString("id", callId);
            json.WriteString("type", "function");
            json.WriteStartObject("function");
            json.WriteString("name", ToolName);
            json.WriteString("arguments", ToolArguments);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("role", "tool");
            json.WriteString("tool_call_id", callId);
            json.WriteString("content", ToolResult);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("tools");
        json.WriteStartObject();
        json.WriteString("type", "function");
        json.WriteStartObject("function");
        json.WriteString("name", ToolName);
        json.WritePropertyName("parameters");
        json.WriteRawValue("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }
}
