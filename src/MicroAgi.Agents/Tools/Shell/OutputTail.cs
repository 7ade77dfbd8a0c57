using System.Text;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// The last <see cref="Capacity"/> bytes a command wrote (stdout and stderr interleaved as they came):
/// the end of a build log is where the error is, so the tail is kept and the head dropped.
/// </summary>
public sealed class OutputTail(int capacity)
{
    private readonly Lock _gate = new();
    private readonly byte[] _buffer = new byte[capacity];
    private long _total;

    public int Capacity { get; } = capacity;

    /// <summary>Every byte written so far, including those no longer kept.</summary>
    public long TotalBytes
    {
        get
        {
            lock (_gate) return _total;
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (data.Length >= Capacity) data = data[^Capacity..];
            var start = (int)(_total % Capacity);
            var first = Math.Min(data.Length, Capacity - start);
            data[..first].CopyTo(_buffer.AsSpan(start));
            data[first..].CopyTo(_buffer);
            _total += data.Length;
        }
    }

    /// <summary>The kept bytes as text, and how many earlier bytes were dropped.</summary>
    public (string Text, long OmittedBytes) Read()
    {
        lock (_gate)
        {
            var kept = (int)Math.Min(_total, Capacity);
            var bytes = new byte[kept];
            var start = (int)((_total - kept) % Capacity);
            var first = Math.Min(kept, Capacity - start);
            _buffer.AsSpan(start, first).CopyTo(bytes);
            _buffer.AsSpan(0, kept - first).CopyTo(bytes.AsSpan(first));
            var text = Encoding.UTF8.GetString(bytes);
            // A cut through a multi-byte character leaves a replacement character at the start: drop it.
            if (_total > kept && text.Length > 0 && text[0] == '\uFFFD') text = text[1..];
            return (text, _total - kept);
        }
    }
}
