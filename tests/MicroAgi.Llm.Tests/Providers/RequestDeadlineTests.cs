using System.Collections.Concurrent;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Providers;

/// <summary>Nothing waits unbounded: retries share one deadline, and every long wait is announced while it lasts.</summary>
public sealed class RequestDeadlineTests : IAsyncDisposable
{
    private static readonly ModelDefinition Model = new() { Name = "test-model", ContextWindow = 100_000, OutputTokens = 1_000 };

    private readonly FakeOpenAIServer _server = FakeOpenAIServer.Start();
    private readonly ConcurrentQueue<LlmWaitNotice> _waits = new();
    private readonly ConcurrentQueue<LlmRetryNotice> _retries = new();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void The_defaults_bound_every_wait()
    {
        var defaults = new ProviderSettings { Kind = ProviderKind.OpenAI };

        Assert.True(defaults.IdleTimeout <= TimeSpan.FromSeconds(60));
        // A silent server costs one deadline, not (retries + 1) × the attempt's timeout.
        Assert.True(defaults.RequestDeadline < (defaults.Retry.MaxRetries + 1) * defaults.RequestTimeout);
    }

    [Fact]
    public async Task Retries_of_a_server_that_never_answers_share_one_deadline()
    {
        _server.Enqueue(FakeReply.NoAnswer(), FakeReply.NoAnswer(), FakeReply.NoAnswer(), FakeReply.NoAnswer());
        // Four attempts of 1.5 s would take 6 s; the deadline leaves room for two at most.
        using var client = Client(requestTimeout: TimeSpan.FromSeconds(1.5), deadline: TimeSpan.FromSeconds(2.5));

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(LlmErrorKind.Timeout, error.Kind);
        Assert.InRange(error.Attempts, 1, 2);
        Assert.Contains("all together 2.5 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("timeouts.deadline_seconds", error.Message, StringComparison.Ordinal);
        Assert.All(_retries, r => Assert.True(r.Left < TimeSpan.FromSeconds(2.5), $"{r.Left} left"));
    }

    [Fact]
    public async Task A_retry_after_longer_than_what_is_left_of_the_deadline_is_not_waited_for()
    {
        _server.Enqueue(FakeReply.RateLimited(TimeSpan.FromSeconds(20)), FakeReply.Say("too late"));
        using var client = Client(deadline: TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(LlmErrorKind.RateLimited, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Empty(_retries);
    }

    [Fact]
    public async Task Waiting_for_a_response_to_begin_is_announced_with_the_time_left()
    {
        _server.Enqueue(FakeReply.NoAnswer());
        using var client = Client(requestTimeout: TimeSpan.FromSeconds(2), deadline: TimeSpan.FromSeconds(2), retries: 0);

        await Assert.ThrowsAsync<LlmException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.NotEmpty(_waits);
        Assert.All(_waits, w =>
        {
            Assert.False(w.MidResponse);
            Assert.Equal((1, 1), (w.Attempt, w.Attempts));
            Assert.True(w.Left < TimeSpan.FromSeconds(2) && w.Waited > TimeSpan.Zero, $"{w.Waited} waited, {w.Left} left");
        });
    }

    [Fact]
    public async Task A_stream_gone_silent_is_announced_until_it_is_given_up()
    {
        _server.Enqueue(FakeReply.Say("starts then stalls").InTextChunksOf(3).StallAfter(4));
        using var client = Client(idle: TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<LlmException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")])) { }
        });

        Assert.Contains("sent nothing for 2 s", error.Message, StringComparison.Ordinal);
        Assert.Contains(_waits, w => w.MidResponse && w.Left < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Nothing_is_announced_once_the_answer_is_in()
    {
        _server.Enqueue(FakeReply.Say("quick"));
        using var client = Client();

        Assert.Equal("quick", (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")])).Text);
        var heard = _waits.Count;
        // Three intervals: a timer left armed after the answer would announce by now.
        await Task.Delay(TimeSpan.FromMilliseconds(600));

        Assert.Equal(heard, _waits.Count);
    }

    private IChatClient Client(TimeSpan? requestTimeout = null, TimeSpan? deadline = null, TimeSpan? idle = null, int retries = 3) =>
        ChatClientFactory.Create(Model, new ProviderSettings
        {
            Kind = ProviderKind.OpenAI,
            BaseUrl = _server.BaseUrl,
            ApiKey = "test-key",
            Retry = new RetrySettings
            {
                MaxRetries = retries,
                BaseDelay = TimeSpan.FromMilliseconds(5),
                MaxDelay = TimeSpan.FromMilliseconds(20),
                OnRetry = _retries.Enqueue,
            },
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
            RequestDeadline = deadline ?? TimeSpan.FromSeconds(30),
            IdleTimeout = idle ?? TimeSpan.FromSeconds(30),
            OnWaiting = _waits.Enqueue,
            WaitNoticeInterval = TimeSpan.FromMilliseconds(200),
        });
}
