using System.IO.Pipelines;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Agents.Tools.Files;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Agents.Tools.Shell;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Mcp.Serving;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;
using MicroAgi.Registry.Storage;
using MicroAgi.Security;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Tests.Serving;

/// <summary>
/// The server of <c>microagi mcp serve</c> wired as the command wires it — the shipped app in a real
/// registry, a real Lua runtime, the built-in tools with a workspace and an approval gate nobody can
/// answer — talking to the SDK's own <see cref="McpClient"/> over an in-process pipe.
/// </summary>
internal sealed class ServeHost : IAsyncDisposable
{
    public static readonly EntryId Agent = new("app", "dev_assistant");

    private readonly CancellationTokenSource _stop = new();

    /// <summary>Generous: a test that hangs fails instead of hanging the run.</summary>
    public CancellationTokenSource Deadline { get; } = new(TimeSpan.FromSeconds(60));
    private readonly Task _server;
    private readonly Task _watch;
    private readonly LuaRuntime _runtime;
    private readonly MachineAccess _machine;

    private ServeHost(EntryRegistry registry, ApprovalMode approval, TimeSpan toolTimeout, Func<CancellationToken, Task>? refresh)
    {
        Registry = registry;
        _runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaLimits.Default with { Timeout = TimeSpan.FromSeconds(1) } });
        Writer = new GeneratedToolWriter(registry, _runtime);
        Directory.CreateDirectory(Workspace);
        _machine = new MachineAccess(WorkspaceRoot.At(Workspace), new ApprovalGate(approval), ShellSandbox.Off);
        var natives = BuiltInTools.Register(new NativeFunctionCatalog(), new BuiltInToolServices(registry, Writer, new DocsCorpus([])) { Machine = _machine });
        var functions = new FunctionCaller(registry, _runtime, natives);
        Tools = new ServedToolCollection(registry, Agent, functions, new McpToolInvoker(toolTimeout, _machine.Approval, _machine.Changes), Warnings.Add);

        var toServer = new Pipe();
        var toClient = new Pipe();
        ClientInput = toServer;
        _server = McpToolServer.RunAsync(McpToolServer.Options(Tools), toServer.Reader.AsStream(), toClient.Writer.AsStream(), null, _stop.Token);
        _watch = refresh is null ? Task.CompletedTask : RegistryWatch.RunAsync(refresh, TimeSpan.FromMilliseconds(100), Warnings.Add, _stop.Token);
        ClientOutput = toClient;
    }

    public EntryRegistry Registry { get; }
    public GeneratedToolWriter Writer { get; }
    public ServedToolCollection Tools { get; }
    public List<string> Warnings { get; } = [];
    public string Workspace { get; } = Path.Combine(Path.GetTempPath(), "microagi-mcp-" + Guid.NewGuid().ToString("N"));

    private Pipe ClientInput { get; }
    private Pipe ClientOutput { get; }

    public static ServeHost InMemory(ApprovalMode approval = ApprovalMode.Ask, TimeSpan? toolTimeout = null) =>
        new(EntryRegistry.CreateInMemory(BaseEntries(), [new PolicyEntryValidator()]), approval, toolTimeout ?? TimeSpan.FromSeconds(30), refresh: null);

    /// <summary>A server over a SQLite registry that looks for other processes' versions every 100 ms.</summary>
    public static async Task<ServeHost> OverSqliteAsync(string database)
    {
        var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(database), BaseEntries(), [new PolicyEntryValidator()]);
        return new ServeHost(registry, ApprovalMode.Ask, TimeSpan.FromSeconds(30), registry.RefreshAsync);
    }

    public static IReadOnlyList<Entry> BaseEntries() => AppLoader.Load(new DirectoryAppFiles(RepoPaths.BuiltInApp));

    /// <summary>Writes app.generated:<paramref name="name"/> through the same writer as create_tool.</summary>
    public async Task WriteToolAsync(string name, string source, string description = "a test tool", JsonObject? schema = null)
    {
        var arguments = new JsonObject { ["name"] = name, ["source"] = source, ["description"] = description, ["modules"] = new JsonArray() };
        if (schema is not null) arguments["schema"] = schema.DeepClone();
        var request = GeneratedToolRequest.FromArguments(arguments, out var error) ?? throw new InvalidOperationException(error);
        var outcome = await Writer.WriteAsync(request, "test", Deadline.Token);
        if (!outcome.IsSuccess) throw new InvalidOperationException(outcome.Error);
    }

    /// <summary>A client connected to this server (the SDK's own).</summary>
    public Task<McpClient> ConnectAsync(McpClientOptions? options = null) =>
        McpClient.CreateAsync(new StreamClientTransport(ClientInput.Writer.AsStream(), ClientOutput.Reader.AsStream()), options, cancellationToken: Deadline.Token);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _server;
        }
        catch (OperationCanceledException)
        {
        }
        await _watch;
        Tools.Dispose();
        _machine.Dispose();
        _runtime.Dispose();
        await Registry.DisposeAsync();
        _stop.Dispose();
        Deadline.Dispose();
        if (Directory.Exists(Workspace)) Directory.Delete(Workspace, recursive: true);
    }
}
