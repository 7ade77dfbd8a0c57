using MicroAgi.Cli.Hosting;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Testing.FakeLlm;
using Microsoft.Extensions.AI;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>Retry notices: from the HTTP layer of a configured provider to whoever listens, and how they read.</summary>
public class RetryNoticeTests
{
    [Fact]
    public async Task Providers_from_the_setup_report_their_retries_to_the_listeners()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromMilliseconds(100)), FakeReply.Say("after the wait"));
        var notices = new RetryNotices();
        var heard = new List<RetryNotice>();
        notices.Retrying += (_, notice) => heard.Add(notice);
        var providers = LlmSetup.Providers(ConfigFile.Load("retry: {max_retries: 2}"), server.BaseUrl.ToString(), _ => null, notices);
        using var client = new ChatClientFactory(providers).Create(ModelDefinition.Unregistered("test-model", ModelLimits.Default));

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("after the wait", response.Text);
        var notice = Assert.Single(heard);
        Assert.StartsWith("rate limited (429), retrying in 0.1 s (attempt 2 of 3, ", notice.Describe(), StringComparison.Ordinal);
        Assert.EndsWith(" s left)", notice.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LlmErrorKind.RateLimited, 429, 2000, 1, 3, "rate limited (429), retrying in 2 s (attempt 2 of 4)")]
    [InlineData(LlmErrorKind.ServerError, 503, 1370, 2, 3, "server error (503), retrying in 1.37 s (attempt 3 of 4)")]
    [InlineData(LlmErrorKind.ServerError, null, 500, 1, 1, "connection lost, retrying in 0.5 s (attempt 2 of 2)")]
    [InlineData(LlmErrorKind.Timeout, null, 1000, 1, 3, "no answer in time, retrying in 1 s (attempt 2 of 4)")]
    [InlineData(LlmErrorKind.Timeout, 408, 1000, 1, 3, "timed out (408), retrying in 1 s (attempt 2 of 4)")]
    public void A_notice_reads_as_one_line_with_the_reason_the_wait_and_the_attempt(
        LlmErrorKind reason, int? status, int delayMs, int retry, int maxRetries, string expected)
    {
        var notice = new RetryNotice(new LlmRetryNotice(retry, TimeSpan.FromMilliseconds(delayMs), reason, status, DelayFromServer: false), maxRetries);

        Assert.Equal(expected, notice.Describe());
    }

    [Fact]
    public void A_notice_says_what_is_left_of_the_deadline()
    {
        var notice = new RetryNotice(new LlmRetryNotice(1, TimeSpan.FromSeconds(2), LlmErrorKind.Timeout, null, DelayFromServer: false, Left: TimeSpan.FromSeconds(44.6)), 3);

        Assert.Equal("no answer in time, retrying in 2 s (attempt 2 of 4, 45 s left)", notice.Describe());
    }

    [Theory]
    [InlineData(false, 10_000, 170_000, 1, 4, "waiting for the model… 10 s so far (attempt 1 of 4, 170 s left)")]
    [InlineData(false, 2_500, 700, 2, 2, "waiting for the model… 2.5 s so far (attempt 2 of 2, 0.7 s left)")]
    [InlineData(true, 20_000, 40_000, 1, 1, "the model has sent nothing for 20 s… (giving up in 40 s)")]
    public void A_wait_reads_as_one_line_with_the_time_left(bool midResponse, int waitedMs, int leftMs, int attempt, int attempts, string expected)
    {
        var notice = new WaitNotice(new LlmWaitNotice(midResponse, TimeSpan.FromMilliseconds(waitedMs), TimeSpan.FromMilliseconds(leftMs), attempt, attempts));

        Assert.Equal(expected, notice.Describe());
    }
}
