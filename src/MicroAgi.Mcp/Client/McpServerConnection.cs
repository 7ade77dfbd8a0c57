using System.Globalization;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// One MCP server, connected on first use: the process is started (or the URL reached) when its tools
/// are first listed or called, not when MicroAgi starts. When the server has died, the next use starts
/// it again. A server that cannot start is an <see cref="McpServerUnavailableException"/> naming the
/// command and the last lines it wrote to stderr.
/// </summary>
public sealed class McpServerConnection(McpServerDefinition server) : IAsyncDisposable
{
    /// <summary>The protocol revision asked for: the one every current server speaks (no discovery probe first).</summary>
    public const string ProtocolVersion = "2025-11-25";

    private const int StderrLines = 20;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<string> _stderr = new();
    private McpClient? _client;
    private IList<McpClientTool>? _tools;

    public McpServerDefinition Server { get; } = server;

    /// <summary>How many times the server was (re)started: 0 before first use.</summary>
    public int Starts { get; private set; }

    /// <summary>The server's tools (listed once per connection).</summary>
    public async Task<IList<McpClientTool>> ListToolsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
            using var deadline = Deadline(cancellationToken);
            try
            {
                return _tools ??= await client.ListToolsAsync(cancellationToken: deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new McpServerUnavailableException($"MCP server {Server.Id} did not list its tools within {Seconds(Server.CallTimeout)} s ({Server.Describe()})");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Calls one tool, bounded by the server's call timeout. A failure the server reports is a result with <c>IsError</c>.</summary>
    public async Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        McpClient client;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            client = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        using var deadline = Deadline(cancellationToken);
        try
        {
            return await client.CallToolAsync(tool, arguments, cancellationToken: deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed($"{Server.ToolPrefix}{tool} timed out after {Seconds(Server.CallTimeout)} s (MCP server {Server.Id})");
        }
        catch (McpProtocolException ex)
        {
            return Failed($"MCP server {Server.Id} refused the call: {ex.Message}");
        }
        catch (Exception ex) when (ex is McpException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The server died during the call: the next use starts it again.
            return Failed($"MCP server {Server.Id} stopped during the call ({ex.Message}){StderrText()}; it is restarted on the next call");
        }
    }

    private static CallToolResult Failed(string message) => new() { Content = [new TextContentBlock { Text = message }], IsError = true };

    private async Task<McpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { } alive && !alive.Completion.IsCompleted) return alive;
        if (_client is { } dead)
        {
            _client = null;
            _tools = null;
            await dead.DisposeAsync().ConfigureAwait(false);
        }
        lock (_stderr) _stderr.Clear();
        Starts++;
        using var deadline = Deadline(cancellationToken);
        try
        {
            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "microagi", Version = "1.0" },
                ProtocolVersion = ProtocolVersion,
                InitializationTimeout = Server.CallTimeout,
            };
            _client = await McpClient.CreateAsync(Transport(), options, cancellationToken: deadline.Token).ConfigureAwait(false);
            return _client;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not McpServerConfigException)
        {
            var why = ex is OperationCanceledException ? $"it did not answer within {Seconds(Server.CallTimeout)} s" : ex.Message;
            throw new McpServerUnavailableException($"MCP server {Server.Id} could not start: `{Server.Describe()}`: {why}{StderrText()}", ex);
        }
    }

    private IClientTransport Transport()
    {
        if (Server.Url is { } url)
        {
            return new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = url,
                Name = Server.Id.ToString(),
                AdditionalHeaders = new Dictionary<string, string>(Server.Headers),
            });
        }
        return new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = Server.Id.ToString(),
            Command = Server.Command!,
            Arguments = [.. Server.Arguments],
            EnvironmentVariables = Server.Environment.ToDictionary(p => p.Key, p => (string?)p.Value),
            WorkingDirectory = Server.WorkingDirectory,
            StandardErrorLines = KeepStderr,
        });
    }

    private void KeepStderr(string line)
    {
        lock (_stderr)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > StderrLines) _stderr.Dequeue();
        }
    }

    private string StderrText()
    {
        lock (_stderr) return _stderr.Count == 0 ? "" : "; its stderr ends with:\n" + string.Join('\n', _stderr);
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Server.CallTimeout);
        return deadline;
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_client is { } client) await client.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

/// <summary>An MCP server could not be started or reached; the message names the command and its stderr.</summary>
public sealed class McpServerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
