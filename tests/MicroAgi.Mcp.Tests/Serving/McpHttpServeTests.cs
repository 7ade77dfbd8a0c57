using System.Net;
using System.Text.Json.Nodes;
using MicroAgi.Mcp.Serving;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Tests.Serving;

/// <summary><c>mcp serve --http</c>: the same tools over Streamable HTTP on 127.0.0.1, with the SDK's own HTTP client.</summary>
public sealed class McpHttpServeTests
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    private static HttpClientTransport Transport(McpHttpServer server) =>
        new(new HttpClientTransportOptions { Endpoint = server.Endpoint, TransportMode = HttpTransportMode.StreamableHttp });

    [Fact]
    public async Task A_client_over_http_lists_and_calls_the_tools_and_is_told_when_a_tool_is_created()
    {
        await using var host = ServeHost.InMemory();
        await using var server = await McpHttpServer.StartAsync(host.Tools, AnyLoopbackPort, null, host.Deadline.Token);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await McpClient.CreateAsync(Transport(server), new McpClientOptions
        {
            ProtocolVersion = "2025-11-25",
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(NotificationMethods.ToolListChangedNotification, (_, _) => { changed.TrySetResult(); return ValueTask.CompletedTask; })],
            },
        }, cancellationToken: host.Deadline.Token);
        Assert.Equal("127.0.0.1", server.Endpoint.Host);
        Assert.Equal("/mcp", server.Endpoint.AbsolutePath);
        var before = await client.ListToolsAsync(cancellationToken: host.Deadline.Token);
        Assert.Contains(before, t => t.Name == "doc_search");
        Assert.DoesNotContain(before, t => t.Name == "echo_text");

        await host.WriteToolAsync("echo_text", McpServeTests.Echo, "Echoes text", McpServeTests.EchoSchema);
        await changed.Task.WaitAsync(host.Deadline.Token);
        var result = await client.CallToolAsync("echo_text", new Dictionary<string, object?> { ["text"] = "over http" }, cancellationToken: host.Deadline.Token);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("over http", (string?)JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text)!["said"]);
    }

    [Theory]
    [InlineData("Host", "attacker.example")]
    [InlineData("Origin", "http://attacker.example")]
    public async Task A_request_addressed_from_or_to_another_host_is_refused(string header, string value)
    {
        await using var host = ServeHost.InMemory();
        await using var server = await McpHttpServer.StartAsync(host.Tools, AnyLoopbackPort, null, host.Deadline.Token);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await http.SendAsync(request, host.Deadline.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("127.0.0.1", await response.Content.ReadAsStringAsync(host.Deadline.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_127_0_0_1_is_listened_on()
    {
        await using var host = ServeHost.InMemory();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => McpHttpServer.StartAsync(host.Tools, new IPEndPoint(IPAddress.Any, 0), null, host.Deadline.Token));

        Assert.Contains("127.0.0.1 only, not 0.0.0.0", refused.Message, StringComparison.Ordinal);
    }
}
