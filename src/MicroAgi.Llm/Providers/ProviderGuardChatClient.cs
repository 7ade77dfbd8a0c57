using System.ClientModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Anthropic.Exceptions;
using MicroAgi.Llm.Errors;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The outermost layer of every provider client: whatever an SDK throws leaves as an
/// <see cref="LlmException"/> (caller cancellation stays an <see cref="OperationCanceledException"/>), and a
/// stream that ends without a finish reason — the connection was cut, or the server stopped early — is an
/// <see cref="LlmErrorKind.Truncated"/> error rather than a short answer.
/// </summary>
internal sealed class ProviderGuardChatClient(IChatClient inner, ProviderErrors errors, IDisposable? ownedResources) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var finished = false;
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
        {
            throw translated;
        }
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false)) break;
                }
                catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
                {
                    throw translated;
                }
                finished |= updates.Current.FinishReason is not null;
                yield return updates.Current;
            }
        }
        if (!finished) throw errors.Truncated("the stream stopped without a finish reason");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) ownedResources?.Dispose();
    }

    /// <summary>The exception to throw instead of <paramref name="exception"/>, or null to let it pass.</summary>
    private Exception? Translate(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        LlmException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => errors.Timeout(attempts: 1),
        _ when FindInChain<LlmException>(exception) is { } wrapped => wrapped,
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } or HttpIOException or IOException =>
            errors.Truncated("the connection was cut in the middle of the response", exception),
        HttpRequestException transport => errors.FromTransport(transport, attempts: 1),
        AnthropicIOException { InnerException: HttpRequestException transport } => Translate(transport, cancellationToken),
        AnthropicApiException api => errors.FromStatus((int)api.StatusCode, serverMessage: null, attempts: 1),
        AnthropicSseException sse => new LlmException(LlmErrorKind.ServerError,
            errors.Redact($"the server reported an error in the middle of the stream: {sse.ApiMessage ?? "no details"}. Try again.")),
        ClientResultException { Status: > 0 } result => errors.FromStatus(result.Status, serverMessage: null, attempts: 1),
        ClientResultException { InnerException: HttpRequestException transport } => Translate(transport, cancellationToken),
        JsonException or AnthropicInvalidDataException or FormatException => errors.InvalidResponse(exception.Message),
        _ => null,
    };

    private static T? FindInChain<T>(Exception exception) where T : Exception
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
            if (current is T found) return found;
        return null;
    }
}
