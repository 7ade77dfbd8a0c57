using System.ClientModel;
using System.ClientModel.Primitives;
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
using OpenAI;
using SdkChat = OpenAI.Chat;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 9's per-step cost deep into a long turn: with <see cref="PastSteps"/> tool steps already in the
/// conversation, the model calls a Lua tool once and then answers — two streamed requests and one sandboxed
/// call. The floor does the same two requests with a plain <see cref="HttpClient"/>, writing each body with
/// <see cref="Utf8JsonWriter"/> and reading the stream line by line: what any client must pay. Two more
/// baselines send the same two requests through the parts the session is built on, without the session: the
/// OpenAI SDK alone (<see cref="SdkChat.ChatClient"/>, messages as SDK objects built once) and M.E.AI's adapter
/// over it (<c>AsIChatClient()</c>, which converts every message at every call). They show how much of the
/// session's distance from the floor those packages take before any of MicroAgi's code runs. All keep their
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
    private const string ToolSchema = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""";

    private FakeOpenAIServer _server = null!;
    private IChatClient _client = null!;
    private LuaRuntime _lua = null!;
    private AgentSession _session = null!;
    private List<ChatMessage> _history = null!;
    private HttpClient _http = null!;
    private Uri _chatUrl = null!;
    private HttpClient _sdkHttp = null!;
    private SdkChat.ChatClient _sdk = null!;
    private IChatClient _adapter = null!;
    private List<SdkChat.ChatMessage>[] _sdkRequests = null!;
    private List<ChatMessage>[] _adapterRequests = null!;
    private ChatOptions _adapterOptions = null!;

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
        SetupBaselines();
    }

    private void SetupBaselines()
    {
        _sdkHttp = new HttpClient();
        _sdk = new SdkChat.ChatClient("bench-model", new ApiKeyCredential("k"), new OpenAIClientOptions
        {
            Endpoint = _server.BaseUrl,
            Transport = new HttpClientPipelineTransport(_sdkHttp),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
        });
        _adapter = _sdk.AsIChatClient();
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_new", ToolName, new Dictionary<string, object?> { ["name"] = "ada" })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_new", ToolResult)]);
        List<ChatMessage> first = [new ChatMessage(ChatRole.System, SystemPrompt), .. _history];
        _adapterRequests = [first, [.. first, call, result]];
        _sdkRequests = [.. _adapterRequests.Select(messages => SdkChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatMessages(messages).ToList())];
        _adapterOptions = new ChatOptions { ModelId = "bench-model", Tools = [AIFunctionFactory.CreateDeclaration(ToolName, null, JsonElement.Parse(ToolSchema))] };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _adapter.Dispose();
        _sdkHttp.Dispose();
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

    [Benchmark(Description = "OpenAI SDK alone: the same two requests, messages as SDK objects")]
    public async Task<int> OpenAISdk()
    {
        EnqueueStep();
        var updates = 0;
        foreach (var messages in _sdkRequests)
        {
            var options = new SdkChat.ChatCompletionOptions { Tools = { SdkChat.ChatTool.CreateFunctionTool(ToolName, functionParameters: BinaryData.FromString(ToolSchema)) } };
            await foreach (var update in _sdk.CompleteChatStreamingAsync(messages, options)) updates += update.ContentUpdate.Count + update.ToolCallUpdates.Count;
        }
        return updates;
    }

    [Benchmark(Description = "M.E.AI's OpenAI adapter alone: the same two requests as ChatMessages")]
    public async Task<int> OpenAIAdapter()
    {
        EnqueueStep();
        var updates = 0;
        foreach (var messages in _adapterRequests)
            await foreach (var update in _adapter.GetStreamingResponseAsync(messages, _adapterOptions.Clone())) updates += update.Contents.Count;
        return updates;
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
        json.WriteRawValue(ToolSchema);
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
