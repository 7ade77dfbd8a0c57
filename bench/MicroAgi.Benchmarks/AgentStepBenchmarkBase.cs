using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Lua.Runtime;
using OpenAI;
using SdkChat = OpenAI.Chat;

namespace MicroAgi.Benchmarks;

/// <summary>
/// The agent-step benchmarks' operation, over a model reached through <see cref="Http"/>:
/// with <see cref="PastSteps"/> tool steps in the conversation, the model calls a Lua tool once and then answers —
/// two streamed requests and one sandboxed call. The floor does the same two requests with a plain
/// <see cref="HttpClient"/>, writing each body with <see cref="Utf8JsonWriter"/> and reading the stream line by line:
/// what any client must pay. The other baselines send the same two requests through the parts the session is built
/// on, without the session: the OpenAI SDK alone (messages as SDK objects built once), M.E.AI's adapter over it
/// (which converts every message at every call), and the session's own client (every stage, traced, as sessions
/// build it). Targets: the step within 0.1 ms of the floor, and flat as the turn grows (beyond the bytes every client
/// must send).
/// </summary>
public abstract class AgentStepBenchmarkBase
{
    private LuaRuntime _lua = null!;
    private AgentSession _session = null!;
    private List<ChatMessage> _history = null!;
    private SdkChat.ChatClient _sdk = null!;
    private IChatClient _adapter = null!;
    private List<SdkChat.ChatMessage>[] _sdkRequests = null!;
    private List<ChatMessage>[] _adapterRequests = null!;
    private ChatOptions _adapterOptions = null!;

    [Params(50, 200, 800)]
    public int PastSteps { get; set; }

    /// <summary>The session's client, built as sessions build it over the benchmark's transport.</summary>
    protected IChatClient Client { get; private set; } = null!;

    /// <summary>The floor's and the SDK's HTTP client.</summary>
    protected HttpClient Http { get; private set; } = null!;

    /// <summary>Where the floor posts its requests: the model's chat completions endpoint.</summary>
    protected Uri ChatUrl { get; private set; } = null!;

    /// <summary>Readies the model to answer one operation: the call of the tool, then the answer.</summary>
    protected abstract void StartStep();

    /// <param name="modelUrl">The model's OpenAI-compatible base URL (<c>…/v1</c>), for the SDK.</param>
    protected void SetUp(IChatClient client, HttpClient http, Uri modelUrl, Uri chatUrl)
    {
        Client = client;
        Http = http;
        ChatUrl = chatUrl;
        _lua = new LuaRuntime();
        _session = AgentStepFixture.Session(client, _lua);
        _history = AgentStepFixture.History(PastSteps);
        _sdk = new SdkChat.ChatClient("bench-model", new ApiKeyCredential("k"), new OpenAIClientOptions
        {
            Endpoint = modelUrl,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
        });
        _adapter = _sdk.AsIChatClient();
        _adapterRequests = AgentStepFixture.AdapterRequests(_history);
        _sdkRequests = AgentStepFixture.SdkRequests(_adapterRequests);
        _adapterOptions = AgentStepFixture.AdapterOptions();
    }

    protected void TearDown()
    {
        _adapter.Dispose();
        Http.Dispose();
        Client.Dispose();
        _lua.Dispose();
    }

    [Benchmark(Baseline = true, Description = "floor: HttpClient, the same two requests written with Utf8JsonWriter")]
    public async Task<int> Floor()
    {
        StartStep();
        var read = await PostAsync(PastSteps);
        return read + await PostAsync(PastSteps + 1);
    }

    [Benchmark(Description = "AgentSession: one Lua tool step, then the answer")]
    public async Task<int> AgentStep()
    {
        StartStep();
        _session.Conversation.Replace(_history);
        var result = await _session.RunTurnAsync("go", SilentObserver.Instance);
        return result.Text.Length;
    }

    [Benchmark(Description = "the session's client alone: the same two requests through every stage, the adapter, the SDK and the HTTP layer")]
    public async Task<int> SessionClient() => await StreamAsync(Client);

    [Benchmark(Description = "OpenAI SDK alone: the same two requests, messages as SDK objects")]
    public async Task<int> OpenAISdk()
    {
        StartStep();
        var updates = 0;
        foreach (var messages in _sdkRequests)
        {
            await foreach (var update in _sdk.CompleteChatStreamingAsync(messages, AgentStepFixture.SdkOptions())) updates += update.ContentUpdate.Count + update.ToolCallUpdates.Count;
        }
        return updates;
    }

    [Benchmark(Description = "M.E.AI's OpenAI adapter alone: the same two requests as ChatMessages")]
    public async Task<int> OpenAIAdapter() => await StreamAsync(_adapter);

    private async Task<int> StreamAsync(IChatClient client)
    {
        StartStep();
        var updates = 0;
        foreach (var messages in _adapterRequests)
            await foreach (var update in client.GetStreamingResponseAsync(messages, _adapterOptions.Clone())) updates += update.Contents.Count;
        return updates;
    }

    private async Task<int> PostAsync(int pastSteps)
    {
        using var body = new MemoryStream();
        AgentStepFixture.WriteRequest(body, pastSteps);
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatUrl) { Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k");
        using var response = (await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead)).EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var read = 0;
        while (await reader.ReadLineAsync() is { } line) read += line.Length;
        return read;
    }
}
