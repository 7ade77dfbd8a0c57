using System.Net;
using System.Text;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Tools.Machine;

/// <summary>A real HTTP server on 127.0.0.1 serving canned pages, recording each request (path and headers).</summary>
internal sealed class FakeWebSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Func<HttpListenerRequest, (int Status, string Type, string Body, string? Location)>> _pages = new(StringComparer.Ordinal);

    public FakeWebSite()
    {
        Port = LoopbackPorts.GetUnused();
        Url = $"http://127.0.0.1:{Port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Url { get; }
    public List<(string Path, string? Authorization, string? Token)> Requests { get; } = [];

    public FakeWebSite Page(string path, string type, string body) => Serve(path, _ => (200, type, body, null));

    public FakeWebSite Redirect(string path, string location) => Serve(path, _ => (302, "text/plain", "", location));

    public FakeWebSite Serve(string path, Func<HttpListenerRequest, (int, string, string, string?)> page)
    {
        _pages[path] = page;
        return this;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            lock (Requests) Requests.Add((context.Request.RawUrl!, context.Request.Headers["Authorization"], context.Request.Headers["X-Subscription-Token"]));
            var (status, type, body, location) = _pages.TryGetValue(path, out var page) ? page(context.Request) : (404, "text/plain", "no such page", null);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = type;
            if (location is not null) context.Response.RedirectLocation = location;
            // A declared length, not chunks: the listener may otherwise send a chunk terminator after a body-less
            // redirect that the client has already taken as complete, and the pooled connection reads it as the next status line.
            context.Response.ContentLength64 = bytes.Length;
            try
            {
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                // The client gave up; nothing to answer.
            }
        }
    }

    public void Dispose() => _listener.Close();
}
