using System.Net;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Llm.Tests.Providers;

[Collection(nameof(ProcessWideProxy))]
public sealed class LoopbackExchangeWarmUpTests
{
    [Fact]
    public async Task The_loopback_exchange_reads_a_streamed_answer_over_a_real_socket_and_never_through_a_proxy()
    {
        var configured = HttpClient.DefaultProxy;
        // What HTTP_PROXY would set; nothing listens on the discard port, so a request sent through it fails at once.
        HttpClient.DefaultProxy = new WebProxy("http://127.0.0.1:9");
        try
        {
            Assert.Equal("data: {}\n\n", await LoopbackExchangeWarmUp.RunAsync());
        }
        finally
        {
            HttpClient.DefaultProxy = configured;
        }
    }
}

/// <summary>Tests that change <see cref="HttpClient.DefaultProxy"/>, which every client of the process reads: alone.</summary>
[CollectionDefinition(nameof(ProcessWideProxy), DisableParallelization = true)]
public sealed class ProcessWideProxy;
