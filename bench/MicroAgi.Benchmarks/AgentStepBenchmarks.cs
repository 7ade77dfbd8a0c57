using BenchmarkDotNet.Attributes;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Issue 9's per-step cost deep into a long turn (<see cref="AgentStepBenchmarkBase"/>), against the fake OpenAI
/// server on the loopback interface. All clients keep their connection between requests, as against a real provider
/// or the loop kit's server; a new connection for every request measured each client's connection set-up instead
/// (docs/benchmarks.md). The warm-up is long on purpose: on two cores the process runs about 15 s of steps before the
/// runtime has re-compiled all their code with full optimisation, and a short warm-up measured that re-compilation
/// instead (docs/benchmarks.md). What one short-lived process pays is the loop benchmark's part (../shared/bench/loop);
/// what the clients' own work costs, without the network, is <see cref="AgentStepCpuBenchmarks"/>'.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 40, iterationCount: 10)]
public class AgentStepBenchmarks : AgentStepBenchmarkBase
{
    private FakeOpenAIServer _server = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = FakeOpenAIServer.Start(new FakeServerOptions { KeepRequests = false, KeepAlive = true });
        var client = ChatClientFactory.Create(AgentStepFixture.Model, new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = _server.BaseUrl, ApiKey = "k", Retry = RetrySettings.None });
        SetUp(client, new HttpClient(), _server.BaseUrl, new Uri(_server.RootUrl, _server.ChatPath.TrimStart('/')));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        TearDown();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    protected override void StartStep() => _server.Enqueue(AgentStepFixture.StepReplies());
}
