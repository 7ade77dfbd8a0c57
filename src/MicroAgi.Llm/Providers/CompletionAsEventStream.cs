using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Llm.Errors;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The body of a server that ignored <c>"stream": true</c> and sent one complete chat completion as JSON
/// (some simple OpenAI-compatible servers do), read as the event stream it would have sent. The OpenAI SDK
/// would otherwise read the JSON as an event stream, find no events and report a stream without an end. The
/// whole body is read on the first read; JSON that is not a completion (an error object sent with 200) fails
/// that read with an <see cref="LlmErrorKind.InvalidResponse"/> that shows what came.
/// </summary>
internal sealed class CompletionAsEventStream(Stream inner, ProviderErrors errors) : ReadOnlyStream
{
    private MemoryStream? _events;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _events ??= await ConvertAsync(cancellationToken).ConfigureAwait(false);
        return _events.Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    private async Task<MemoryStream> ConvertAsync(CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(inner, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var json = ChatCompletionJson.ParseOrNull(body);
        if (!ChatCompletionJson.IsCompletion(json)) throw errors.NotACompletion(body);
        return new MemoryStream(Encoding.UTF8.GetBytes(ChatCompletionJson.ToEventStream(json!.AsObject())));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _events?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        if (_events is not null) await _events.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
