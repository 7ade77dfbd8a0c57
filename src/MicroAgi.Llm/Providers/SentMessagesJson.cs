using System.Buffers;
using System.ClientModel.Primitives;
using System.Text.Json;
using MicroAgi.Registry;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChatMessage = OpenAI.Chat.ChatMessage;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// One conversation's messages written as the JSON of an OpenAI chat request's <c>messages</c> array, each
/// message once. An agent's turn resends the whole conversation at every step and only appends to it, so the
/// messages already written are reused as bytes: a step costs the new messages' serialisation plus one copy,
/// instead of converting and writing every past message again (at 800 steps that was most of the loop's CPU).
/// Messages are recognised by reference — the conversation never changes a message once added; compression
/// replaces messages with new objects, which are written afresh from the first one that differs.
/// Not thread-safe: <see cref="MessageArrayCache"/> hands a cache to one request at a time.
/// </summary>
internal sealed class SentMessagesJson
{
    private static readonly ModelReaderWriterOptions Wire = new("W");

    private readonly List<AIChatMessage> _messages = [];
    // Where each message's JSON ends in _json; a message may be zero, one or several SDK messages.
    private readonly List<int> _ends = [];
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private byte[] _json = new byte[4096];
    private int _length;

    /// <summary>The first message this cache holds (how <see cref="MessageArrayCache"/> tells conversations apart).</summary>
    public AIChatMessage? First => _messages.Count > 0 ? _messages[0] : null;

    /// <summary>
    /// The array for <paramref name="messages"/> (<c>[…]</c>) in a buffer rented from <see cref="ArrayPool{T}.Shared"/>;
    /// the caller returns it once the request is sent. <paramref name="toSdk"/> turns one message into the SDK's.
    /// </summary>
    public RentedJson Write(IReadOnlyList<AIChatMessage> messages, Func<AIChatMessage, IEnumerable<SdkChatMessage>> toSdk)
    {
        var kept = 0;
        while (kept < messages.Count && kept < _messages.Count && ReferenceEquals(messages[kept], _messages[kept])) kept++;
        ForgetFrom(kept);
        for (var i = kept; i < messages.Count; i++) Append(messages[i], toSdk(messages[i]));

        var buffer = ArrayPool<byte>.Shared.Rent(_length + 2);
        buffer[0] = (byte)'[';
        _json.AsSpan(0, _length).CopyTo(buffer.AsSpan(1));
        buffer[_length + 1] = (byte)']';
        return new RentedJson(buffer, _length + 2);
    }

    private void ForgetFrom(int index)
    {
        if (index == _messages.Count) return;
        _length = index == 0 ? 0 : _ends[index - 1];
        _messages.RemoveRange(index, _messages.Count - index);
        _ends.RemoveRange(index, _ends.Count - index);
    }

    private void Append(AIChatMessage message, IEnumerable<SdkChatMessage> sdkMessages)
    {
        foreach (var sdk in sdkMessages)
        {
            _scratch.ResetWrittenCount();
            // Readable JSON: a quote inside a text goes out as \" and other text as it is (UTF-8), not as \u0022 and \u
            // escapes — the same JSON in fewer bytes. A request body is no HTML page.
            using (var writer = new Utf8JsonWriter(_scratch, ReadableJson.Writer))
            {
                ((IJsonModel<SdkChatMessage>)sdk).Write(writer, Wire);
            }
            var needed = _scratch.WrittenCount + 1;
            if (_length + needed > _json.Length) Array.Resize(ref _json, Math.Max(_json.Length * 2, _length + needed));
            if (_length > 0) _json[_length++] = (byte)',';
            _scratch.WrittenSpan.CopyTo(_json.AsSpan(_length));
            _length += _scratch.WrittenCount;
        }
        _messages.Add(message);
        _ends.Add(_length);
    }
}

/// <summary>JSON in a buffer rented from <see cref="ArrayPool{T}.Shared"/>; disposing returns it.</summary>
internal sealed class RentedJson(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlyMemory<byte> Json => (_buffer ?? throw new ObjectDisposedException(nameof(RentedJson))).AsMemory(0, length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } returned) ArrayPool<byte>.Shared.Return(returned);
    }
}
