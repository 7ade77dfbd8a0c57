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

    /// <summary>
    /// Calls one tool, bounded by the server's call timeout. A failure the server reports is a result with
    /// <c>IsError</c>. A server process is pinged first (within the same bound): one that died since the last
    /// call — killed, crashed — is started again before the call is sent, so the call runs instead of failing.
    /// </summary>
    public async Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var client = await ConnectedUnderGateAsync(stale: null, cancellationToken).ConfigureAwait(false);
        using var deadline = Deadline(cancellationToken);
        try
        {
            if (!await AnswersAsync(client, deadline.Token).ConfigureAwait(false))
                client = await ConnectedUnderGateAsync(stale: client, cancellationToken).ConfigureAwait(false);
            return await client.CallToolAsync(tool, arguments, cancellationToken: deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed($"{Server.ToolPrefix}{tool} timed out after {Seconds(Server.CallTimeout)} s (MCP server {Server.Id}); the server is still connected");
        }
        catch (McpProtocolException ex)
        {
            return Failed($"MCP server {Server.Id} refused the call: {ex.Message}");
        }
        catch (Exception ex) when (Stopped(ex))
        {
            // The server died during the call: whether the tool ran is unknown, so it is not called again.
            return Failed($"MCP server {Server.Id} stopped during the call ({ex.Message}){StderrText()}; it is restarted on the next call");
        }
    }

    /// <summary>
    /// Whether a server process still answers. Its death shows as a failed write or a closed pipe, which the
    /// client may notice only when it next writes; over HTTP every request is its own exchange, so there is
    /// nothing to check. A server that does not know <c>ping</c> still answered.
    /// </summary>
    private async Task<bool> AnswersAsync(McpClient client, CancellationToken cancellationToken)
    {
        if (Server.Url is not null) return true;
        try
        {
            await client.PingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (McpProtocolException)
        {
            return true;
        }
        catch (Exception ex) when (Stopped(ex))
        {
            return false;
        }
    }

    /// <summary>What the SDK throws when the server went away (a closed transport, a dead process, a disposed session).</summary>
    private static bool Stopped(Exception ex) => ex is McpException or IOException or ObjectDisposedException or InvalidOperationException;

    private async Task<McpClient> ConnectedUnderGateAsync(McpClient? stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ConnectedAsync(cancellationToken, stale).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static CallToolResult Failed(string message) => new() { Content = [new TextContentBlock { Text = message }], IsError = true };

    /// <param name="stale">A client found dead although its session has not noticed yet: replaced unless another call already did.</param>
    private async Task<McpClient> ConnectedAsync(CancellationToken cancellationToken, McpClient? stale = null)
    {
        if (_client is { } alive && !alive.Completion.IsCompleted && !ReferenceEquals(alive, stale)) return alive;
        if (_client is { } dead)
        {
            _client = null;
            _tools = null;
            await dead.DisposeAsync().ConfigureAwait(false);
        }
        lock (_stderr) _stderr.Clear();
        Starts++;
        using var deadline = Deadline(cancellationToken, Server.StartTimeout);
        try
        {
            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "microagi", Version = "1.0" },
                ProtocolVersion = ProtocolVersion,
                InitializationTimeout = Server.StartTimeout,
            };
            _client = await McpClient.CreateAsync(Transport(), options, cancellationToken: deadline.Token).ConfigureAwait(false);
            return _client;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not McpServerConfigException)
        {
            var why = ex is OperationCanceledException ? $"it did not answer within {Seconds(Server.StartTimeout)} s (start_timeout_seconds)" : ex.Message;
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

    private CancellationTokenSource Deadline(CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit ?? Server.CallTimeout);
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
