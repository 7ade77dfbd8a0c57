using System.ClientModel;
using Anthropic;
using BenchmarkDotNet.Attributes;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace MicroAgi.Benchmarks;

/// <summary>
/// What MicroAgi's provider layer adds per streamed chunk (issue 4: chunk → update under 1 ms). Each
/// benchmark streams one reply of <see cref="Chunks"/> text chunks from the in-process fake server and is
/// reported per chunk (OperationsPerInvoke), so "ours − SDK" is the latency our layers (retry/error handler,
/// idle guard, adapter, model fitting, completeness guard) add to each chunk on top of the official SDK
/// reading the same stream. The plain-HttpClient row is the floor: the fake server plus SSE over loopback.
/// </summary>
[MemoryDiagnoser]
public class LlmStreamingBenchmarks
{
    private const int Chunks = 200;

    private static readonly ModelDefinition Model = new() { Name = "bench-model", ContextWindow = 100_000, OutputTokens = 1_000 };
    private static readonly List<AIChatMessage> Prompt = [new(ChatRole.User, "stream please")];
    private static readonly OpenAI.Chat.ChatMessage[] SdkPrompt = [new UserChatMessage("stream please")];

    private readonly FakeReply _reply = FakeReply.Say(new string('x', Chunks)).InTextChunksOf(1).WithUsage(10, Chunks);

    private FakeOpenAIServer _openAIServer = null!;
    private FakeAnthropicServer _anthropicServer = null!;
    private HttpClient _http = null!;
    private ChatClient _openAISdk = null!;
    private IChatClient _openAIOurs = null!;
    private IChatClient _anthropicSdk = null!;
    private IChatClient _anthropicOurs = null!;

    [GlobalSetup]
    public void Setup()
    {
        _openAIServer = FakeOpenAIServer.Start();
        _anthropicServer = FakeAnthropicServer.Start();
        _http = new HttpClient();
        _openAISdk = new ChatClient(Model.Name, new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = _openAIServer.BaseUrl });
        _openAIOurs = ChatClientFactory.Create(Model, new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = _openAIServer.BaseUrl, ApiKey = "k" });
        _anthropicSdk = new AnthropicClient { ApiKey = "k", BaseUrl = _anthropicServer.BaseUrl.ToString().TrimEnd('/'), MaxRetries = 0 }
            .AsIChatClient(Model.Name, Model.OutputTokens);
        _anthropicOurs = ChatClientFactory.Create(Model, new ProviderSettings { Kind = ProviderKind.Anthropic, BaseUrl = _anthropicServer.BaseUrl, ApiKey = "k" });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _openAIOurs.Dispose();
        _anthropicOurs.Dispose();
        _anthropicSdk.Dispose();
        _http.Dispose();
        _openAIServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _anthropicServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Chunks, Description = "OpenAI: plain HttpClient reading the SSE lines (floor)")]
    public async Task<int> OpenAIPlainHttp()
    {
        _openAIServer.Enqueue(_reply);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_openAIServer.BaseUrl + "/chat/completions"))
        {
            Content = new StringContent("""{"model":"bench-model","stream":true,"messages":[]}"""),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = 0;
        while (await reader.ReadLineAsync() is not null) lines++;
        return lines;
    }

    [Benchmark(OperationsPerInvoke = Chunks, Baseline = true, Description = "OpenAI: official SDK ChatClient streaming")]
    public async Task<int> OpenAISdkStream()
    {
        _openAIServer.Enqueue(_reply);
        var updates = 0;
        await foreach (var _ in _openAISdk.CompleteChatStreamingAsync(SdkPrompt)) updates++;
        return updates;
    }

    [Benchmark(OperationsPerInvoke = Chunks, Description = "OpenAI: MicroAgi IChatClient streaming")]
    public async Task<int> OpenAIOursStream()
    {
        _openAIServer.Enqueue(_reply);
        var updates = 0;
        await foreach (var _ in _openAIOurs.GetStreamingResponseAsync(Prompt)) updates++;
        return updates;
    }

    [Benchmark(OperationsPerInvoke = Chunks, Description = "Anthropic: official SDK IChatClient streaming")]
    public async Task<int> AnthropicSdkStream()
    {
        _anthropicServer.Enqueue(_reply);
        var updates = 0;
        await foreach (var _ in _anthropicSdk.GetStreamingResponseAsync(Prompt)) updates++;
        return updates;
    }

    [Benchmark(OperationsPerInvoke = Chunks, Description = "Anthropic: MicroAgi IChatClient streaming")]
    public async Task<int> AnthropicOursStream()
    {
        _anthropicServer.Enqueue(_reply);
        var updates = 0;
        await foreach (var _ in _anthropicOurs.GetStreamingResponseAsync(Prompt)) updates++;
        return updates;
    }
}
