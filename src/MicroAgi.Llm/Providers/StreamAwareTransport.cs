using System.ClientModel.Primitives;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The OpenAI SDK's HTTP transport, passing on one fact the HTTP layer cannot see otherwise: whether the SDK
/// asked for a stream. Streaming and complete requests carry the same headers; only the SDK knows, because it
/// does not buffer a streamed response. <see cref="ResilientHttpHandler"/> needs this to recognise a server
/// that answered a streaming request with a complete JSON body.
/// </summary>
internal sealed class StreamAwareTransport(HttpClient http) : HttpClientPipelineTransport(http)
{
    private static readonly HttpRequestOptionsKey<bool> AsksForStreamKey = new("microagi.asks-for-stream");

    public static bool AsksForStream(HttpRequestMessage request) =>
        request.Options.TryGetValue(AsksForStreamKey, out var asks) && asks;

    protected override void OnSendingRequest(PipelineMessage message, HttpRequestMessage httpRequest)
    {
        base.OnSendingRequest(message, httpRequest);
        if (!message.BufferResponse) httpRequest.Options.Set(AsksForStreamKey, true);
    }
}
