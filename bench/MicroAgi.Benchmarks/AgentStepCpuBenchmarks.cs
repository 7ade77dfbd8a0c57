using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Benchmarks;

/// <summary>
/// <see cref="AgentStepBenchmarks"/>' operation with the network taken out: the same two requests and the same
/// streamed replies (recorded once from the fake server), served from memory by an <see cref="HttpMessageHandler"/>
/// that reads each request body as a server would. What remains is each client's own work — writing the request,
/// the HTTP client's pipeline, reading the stream into updates and, for the session, the loop and the sandboxed
/// tool call — without the sockets, the server and the thread-pool hand-offs that the networked benchmark also
/// measures (and that move by tens of microseconds between runs on a two-core machine). The session's client is
/// built as sessions build it (every stage, traced), over this handler instead of a socket.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 15, iterationCount: 15)]
public class AgentStepCpuBenchmarks : AgentStepBenchmarkBase
{
    private RecordedModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = RecordedModel.RecordAsync().GetAwaiter().GetResult();
        var settings = new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = RecordedModel.BaseUrl, ApiKey = "k", Retry = RetrySettings.None };
        SetUp(ChatClientFactory.CreateOffline(AgentStepFixture.Model, settings, _model, traced: true), new HttpClient(_model, disposeHandler: false), RecordedModel.BaseUrl,
            new Uri(RecordedModel.BaseUrl, "chat/completions"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        TearDown();
        _model.Dispose();
    }

    protected override void StartStep() => _model.StartStep();

    /// <summary>
    /// The model of a step, in memory: the fake server's streamed replies, recorded once, served in order — the call
    /// of <c>greet</c> to a step's first request, the answer to its second.
    /// </summary>
    private sealed class RecordedModel(byte[] call, byte[] answer) : HttpMessageHandler
    {
        public static readonly Uri BaseUrl = new("http://model.invalid/v1/");

        private int _requestsInStep;

        public static async Task<RecordedModel> RecordAsync()
        {
            await using var server = FakeOpenAIServer.Start(new FakeServerOptions { KeepRequests = false });
            server.Enqueue(AgentStepFixture.StepReplies());
            using var http = new HttpClient();
            var url = new Uri(server.RootUrl, server.ChatPath.TrimStart('/'));
            async Task<byte[]> ReplyAsync()
            {
                using var request = new StringContent("""{"model":"bench-model","stream":true,"messages":[{"role":"user","content":"go"}]}""", Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(url, request);
                return await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
            }
            return new RecordedModel(await ReplyAsync(), await ReplyAsync());
        }

        public void StartStep() => _requestsInStep = 0;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await request.Content!.CopyToAsync(Stream.Null, cancellationToken);
            var reply = _requestsInStep++ == 0 ? call : answer;
            var content = new StreamContent(new MemoryStream(reply, writable: false));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
