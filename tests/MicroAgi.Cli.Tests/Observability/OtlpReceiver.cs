using System.Collections.Concurrent;
using System.Net;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests.Observability;

/// <summary>
/// The smallest OTLP/HTTP collector: on 127.0.0.1 it answers every POST with 200 and keeps the path and body
/// (protobuf, not decoded — span names and attribute keys are plain strings in it).
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _posts = new();
    private readonly Task _serving;

    private OtlpReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public static OtlpReceiver Start() => new(LoopbackPorts.GetUnused());

    /// <summary>The bodies POSTed to <paramref name="path"/>, joined.</summary>
    public byte[] Received(string path) => [.. _posts.Where(p => p.Path == path).SelectMany(p => p.Body)];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return; // stopped
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _posts.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
