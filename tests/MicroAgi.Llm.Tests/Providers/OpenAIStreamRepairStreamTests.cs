using System.Text;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Llm.Tests.Providers;

public sealed class OpenAIStreamRepairStreamTests
{
    private static readonly ProviderErrors Errors = new(new ProviderSettings { Kind = ProviderKind.OpenAI }, "test-model");

    private const string Stream =
        "data: {\"choices\":[{\"delta\":{\"content\":\"say \\\"choices\\\":null\"}}]}\n\n"
        + "data: {\"id\":\"x\",\"choices\": null,\"usage\":{\"prompt_tokens\":1}}\n\n"
        + "data: [DONE]\n\n";

    private const string Repaired =
        "data: {\"choices\":[{\"delta\":{\"content\":\"say \\\"choices\\\":null\"}}]}\n\n"
        + "data: {\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\n\n"
        + "data: [DONE]\n\n";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Mends_null_choices_and_nothing_else_however_the_bytes_arrive(int bytesPerRead)
    {
        using var repair = new OpenAIStreamRepairStream(new TrickleStream(Encoding.UTF8.GetBytes(Stream), bytesPerRead), Errors);
        using var reader = new StreamReader(repair);

        Assert.Equal(Repaired, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Passes_each_complete_line_on_without_waiting_for_more()
    {
        var first = Encoding.UTF8.GetBytes("data: {\"a\":1}\n");
        using var repair = new OpenAIStreamRepairStream(new TrickleStream(first, first.Length, thenBlock: true), Errors);
        var buffer = new byte[100];

        var read = await repair.ReadAsync(buffer);

        Assert.Equal("data: {\"a\":1}\n", Encoding.UTF8.GetString(buffer, 0, read));
    }

    /// <summary>Hands out at most a few bytes per read; optionally never ends (a live stream).</summary>
    private sealed class TrickleStream(byte[] data, int bytesPerRead, bool thenBlock = false) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == data.Length && thenBlock) await Task.Delay(Timeout.Infinite, cancellationToken);
            var count = Math.Min(Math.Min(bytesPerRead, buffer.Length), data.Length - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
