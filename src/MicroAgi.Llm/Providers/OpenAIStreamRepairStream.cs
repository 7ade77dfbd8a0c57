using System.Buffers;
using System.Text;
using MicroAgi.Llm.Errors;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Mends known deviations in OpenAI-compatible event streams before the OpenAI SDK parses them: some
/// servers (vLLM among them) end with a usage chunk that says <c>"choices":null</c>, which the SDK rejects —
/// losing a reply that had already streamed; others send tool-call deltas without an <c>index</c>
/// or without a name (<see cref="ToolCallDeltaRepair"/>). Lines are passed on as soon as they are complete; only a line
/// holding the null-choices pattern (changed to <c>"choices":[]</c>, which means the same) or a tool-call delta
/// to repair is changed. Every event is then
/// checked: one the SDK cannot read as a chunk (<c>data: null</c>, a field of the wrong type) fails the read with
/// an <see cref="LlmErrorKind.InvalidResponse"/> that shows the event, instead of an SDK exception that does not.
/// </summary>
internal sealed class OpenAIStreamRepairStream(Stream inner, ProviderErrors errors) : ReadOnlyStream
{
    private static readonly byte[][] NullChoices = ["\"choices\":null"u8.ToArray(), "\"choices\": null"u8.ToArray()];
    private static readonly byte[] EmptyChoices = "\"choices\":[]"u8.ToArray();

    private readonly ToolCallDeltaRepair _toolCalls = new();
    private readonly byte[] _scratch = new byte[8192];
    private readonly List<byte> _partialLine = [];
    private byte[] _ready = [];
    private int _readyOffset;

    /// <summary>The data lines of the event being received (an event ends at an empty line), as they came.</summary>
    private readonly ArrayBufferWriter<byte> _eventData = new();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_readyOffset == _ready.Length)
        {
            var read = await inner.ReadAsync(_scratch, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_partialLine.Count > 0)
                {
                    _ready = Checked(_toolCalls.Repaired(Repair([.. _partialLine])));
                    _readyOffset = 0;
                    _partialLine.Clear();
                }
                CheckEvent();
                if (_ready.Length == _readyOffset) return 0;
                break;
            }
            Accept(_scratch.AsSpan(0, read));
        }
        var count = Math.Min(buffer.Length, _ready.Length - _readyOffset);
        _ready.AsMemory(_readyOffset, count).CopyTo(buffer);
        _readyOffset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Moves every complete line of <paramref name="data"/> (with what was left over before) to the
    /// ready buffer, repaired; keeps the incomplete rest.</summary>
    private void Accept(ReadOnlySpan<byte> data)
    {
        var lastNewline = data.LastIndexOf((byte)'\n');
        if (lastNewline < 0)
        {
            _partialLine.AddRange(data);
            return;
        }
        byte[] complete;
        if (_partialLine.Count == 0)
        {
            complete = data[..(lastNewline + 1)].ToArray();
        }
        else
        {
            _partialLine.AddRange(data[..(lastNewline + 1)]);
            complete = [.. _partialLine];
            _partialLine.Clear();
        }
        _partialLine.AddRange(data[(lastNewline + 1)..]);
        _ready = Checked(_toolCalls.Repaired(Repair(complete)));
        _readyOffset = 0;
    }

    /// <summary>Checks each event that <paramref name="lines"/> complete; returns them unchanged.</summary>
    private byte[] Checked(byte[] lines)
    {
        var rest = lines.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (line.IsEmpty) CheckEvent();
            else if (line.StartsWith("data:"u8))
            {
                if (_eventData.WrittenCount > 0) _eventData.Write("\n"u8);
                _eventData.Write(line[(line.StartsWith("data: "u8) ? 6 : 5)..]);
            }
        }
        return lines;
    }

    private void CheckEvent()
    {
        var data = _eventData.WrittenSpan;
        try
        {
            if (data.IsEmpty || data.SequenceEqual("[DONE]"u8)) return;
            if (!ChatCompletionJson.IsReadableChunk(data))
                throw errors.InvalidResponse($"a stream event that is not a chat completion chunk: {Encoding.UTF8.GetString(data)}");
        }
        finally
        {
            _eventData.ResetWrittenCount();
        }
    }

    private static byte[] Repair(byte[] lines)
    {
        foreach (var pattern in NullChoices)
        {
            var at = lines.AsSpan().IndexOf(pattern);
            if (at < 0) continue;
            var repaired = new byte[lines.Length - pattern.Length + EmptyChoices.Length];
            lines.AsSpan(0, at).CopyTo(repaired);
            EmptyChoices.CopyTo(repaired.AsSpan(at));
            lines.AsSpan(at + pattern.Length).CopyTo(repaired.AsSpan(at + EmptyChoices.Length));
            return Repair(repaired);
        }
        return lines;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
