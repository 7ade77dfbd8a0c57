using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;

namespace MicroAgi.Mcp.Serving;

/// <summary>
/// <c>microagi mcp serve --http 127.0.0.1:PORT</c>: the same tools over Streamable HTTP at <c>/mcp</c>. It
/// listens on 127.0.0.1 only and has no authentication, so it also refuses requests whose <c>Host</c> or
/// <c>Origin</c> is not this machine (a web page must not reach it through DNS rebinding). Clients that
/// start with <c>initialize</c> get a session, over which <c>notifications/tools/list_changed</c> arrives.
/// </summary>
public sealed class McpHttpServer : IAsyncDisposable
{
    public const string Path = "/mcp";

    private readonly WebApplication _app;

    private McpHttpServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>Where clients connect: <c>http://127.0.0.1:PORT/mcp</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Starts listening on <paramref name="address"/> (port 0 picks a free one, see <see cref="Endpoint"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not on 127.0.0.1.</exception>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<McpHttpServer> StartAsync(ServedToolCollection tools, IPEndPoint address, ILoggerProvider? logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(address);
        if (!address.Address.Equals(IPAddress.Loopback)) throw new ArgumentException($"MCP over HTTP listens on 127.0.0.1 only, not {address.Address}", nameof(address));

        // No files of the current directory (appsettings.json) and no ASPNETCORE_* variables decide how it listens.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (logging is not null) builder.Logging.AddProvider(logging).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address));
        builder.Services.AddMcpServer(options => McpToolServer.Configure(options, tools))
            .WithHttpTransport(http => http.SessionMode = HttpServerSessionMode.StatefulForInitializeClients);
        var app = builder.Build();
        app.Use(RefuseOtherHosts);
        app.MapMcp(Path);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = new Uri(app.Urls.First());
        return new McpHttpServer(app, new Uri($"http://127.0.0.1:{bound.Port}{Path}"));
    }

    private static Task RefuseOtherHosts(HttpContext context, RequestDelegate next)
    {
        var host = context.Request.Host.Host;
        var origin = context.Request.Headers.Origin.ToString();
        if (!IsLocal(host) || (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && IsLocal(from.Host))))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("MicroAgi's MCP server answers requests addressed to 127.0.0.1 or localhost from this machine only");
        }
        return next(context);
    }

    private static bool IsLocal(string host) => host is "127.0.0.1" or "localhost" or "[::1]" or "::1";

    /// <summary>Waits until <paramref name="cancellationToken"/> fires (Ctrl+C), then stops.</summary>
    public async Task RunUntilCancelledAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Asked to stop.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
