using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Llm.Errors;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The body of a complete (not streamed) chat completion from an OpenAI-compatible server, checked before the
/// OpenAI SDK reads it: JSON that is not a completion the SDK can read (an error object sent with 200, <c>[]</c>,
/// a field of the wrong type) fails the first read with an <see cref="LlmErrorKind.InvalidResponse"/> that shows
/// what came — the SDK would fail with a message about JSON element types, or not at all until later. With
/// <c>asEventStream</c> the completion is read as the event stream a server that ignored <c>"stream": true</c>
/// would have sent (some simple servers do; the SDK would otherwise find no events and report a stream without
/// an end). The whole body is read on the first read.
/// </summary>
internal sealed class CheckedCompletionStream(Stream inner, ProviderErrors errors, bool asEventStream) : ReadOnlyStream
{
    private MemoryStream? _checked;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _checked ??= await CheckAsync(cancellationToken).ConfigureAwait(false);
        return _checked.Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    private async Task<MemoryStream> CheckAsync(CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(inner, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (!ChatCompletionJson.IsReadableCompletion(body)) throw errors.NotACompletion(body);
        var text = asEventStream ? ChatCompletionJson.ToEventStream(JsonNode.Parse(body)!.AsObject()) : ChatCompletionJson.WithNamedToolCalls(body);
        return new MemoryStream(Encoding.UTF8.GetBytes(text));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _checked?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        if (_checked is not null) await _checked.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
