using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Functions;
using MicroAgi.Functions.Schema;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Security;
using OpenTelemetry;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// The tool runtime of one registry: a Lua runtime, the native catalog with the five built-in tools,
/// the call API over both, and the writer of generated tools. The REPL and <c>microagi tools</c>
/// build one per open registry and dispose it with the registry.
/// </summary>
internal sealed class ToolHost : IDisposable
{
    /// <summary>Resource-name prefix of the embedded docs (the csproj embeds docs/lua/**/*.md as docs/lua/...).</summary>
    public const string DocsResourcePrefix = "docs/";

    private static readonly LuaFunctionSource WarmUpFunction = new("return { handler = function(input) return { n = input.n } end }", name: "warm_up");

    private readonly HttpClient? _remoteDocsHttp;
    private readonly CancellationTokenSource _disposing = new();
    private Task? _warmUp;

    private ToolHost(IRegistry registry, LuaRuntime runtime, IDocsCorpus docs, DocsConfig? remoteDocs, MachineAccess? machine, IEnumerable<IFunctionKind> moreKinds)
    {
        Machine = machine;
        Registry = registry;
        Runtime = runtime;
        Docs = docs;
        Scopes = new SecurityScopes(registry);
        Writer = new GeneratedToolWriter(registry, runtime, Scopes);
        RemoteDocs? remote = null;
        if (remoteDocs is { IsSet: true })
        {
            _remoteDocsHttp = new HttpClient { Timeout = remoteDocs.Timeout };
            remote = new RemoteDocs(_remoteDocsHttp, remoteDocs.SearchUrl, remoteDocs.PageUrl);
        }
        Natives = BuiltInTools.Register(new NativeFunctionCatalog(), new BuiltInToolServices(registry, Writer, docs) { RemoteDocs = remote, Machine = machine });
        Functions = new FunctionCaller(registry, [runtime, Natives, .. moreKinds]);
    }

    public IRegistry Registry { get; }

    public LuaRuntime Runtime { get; }

    public IDocsCorpus Docs { get; }

    public SecurityScopes Scopes { get; }

    /// <summary>The one path that writes app.generated tools (create_tool and <c>microagi tools create</c>).</summary>
    public GeneratedToolWriter Writer { get; }

    public NativeFunctionCatalog Natives { get; }

    /// <summary>The workspace, approval gate and shell of the machine tools (owned: disposing the host kills background processes).</summary>
    public MachineAccess? Machine { get; }

    /// <summary><c>funcs.call</c>: calls any function entry, built-in or generated, by id.</summary>
    public FunctionCaller Functions { get; }

    /// <summary>
    /// A tool host over <paramref name="registry"/>, serving the docs embedded in this assembly unless others
    /// are given, and the documentation site of <paramref name="remoteDocs"/> when one is configured.
    /// <paramref name="moreKinds"/> run further function kinds (MCP tools).
    /// </summary>
    public static ToolHost Create(IRegistry registry, LuaRuntimeOptions? options = null, IDocsCorpus? docs = null, DocsConfig? remoteDocs = null, MachineAccess? machine = null,
        IEnumerable<IFunctionKind>? moreKinds = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var runtime = new LuaRuntime(options);
        try
        {
            return new ToolHost(registry, runtime, docs ?? EmbeddedDocs(), remoteDocs, machine, moreKinds ?? []);
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
    }

    /// <summary>The Markdown pages embedded in this assembly, at their repository paths (<c>docs/lua/modules/time.md</c>).</summary>
    public static IDocsCorpus EmbeddedDocs()
    {
        var assembly = typeof(ToolHost).Assembly;
        var pages = new List<DocPage>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(DocsResourcePrefix, StringComparison.Ordinal) || !name.EndsWith(".md", StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            pages.Add(new DocPage(name, reader.ReadToEnd()));
        }
        return new DocsCorpus(pages);
    }

    /// <summary>
    /// Readies, in the background, what a session's first tool call would otherwise wait for: the native Lua library,
    /// a sandboxed state with its prelude, the JSON Schema validator, the serialisation of a tool call and its result
    /// (the transcript writes both) and the JIT of their code — about 100 ms (docs/benchmarks.md), spent while the
    /// first model request is on its way.
    /// </summary>
    public void StartWarmUp() => _warmUp ??= Task.Run(WarmUpAsync);

    /// <summary>
    /// Prepares <paramref name="tools"/> (an agent's offered tools) in the background once the warm-up is done, as
    /// their first calls would (input schemas compiled: several milliseconds each), so those calls do not wait for it.
    /// </summary>
    public void PrepareInBackground(IReadOnlyList<EntryId> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _warmUp = (_warmUp ?? Task.CompletedTask).ContinueWith(_ => Prepare(tools), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task WarmUpAsync()
    {
        // The user's trace shows their turns only, not the warm-up's sandbox call.
        using var untraced = SuppressInstrumentationScope.Begin();
        try
        {
            var input = JsonNode.Parse("""{"n":1}""");
            InputSchema.Compile(JsonNode.Parse("""{"type":"object","properties":{"n":{"type":"integer"}}}""")).Validate(input);
            await Runtime.RunAsync(WarmUpFunction, input).ConfigureAwait(false);
            // Arguments arrive from the providers as JSON elements.
            var arguments = new Dictionary<string, object?> { ["n"] = JsonSerializer.SerializeToElement(1) };
            JsonSerializer.Serialize(Stream.Null, new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("warm_up", "warm_up", arguments)]), AIJsonUtilities.DefaultOptions);
            JsonSerializer.Serialize(Stream.Null, new ChatMessage(ChatRole.Tool, [new FunctionResultContent("warm_up", "{}")]), AIJsonUtilities.DefaultOptions);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only a head start: the first real call does the same work and reports its own failure.
        }
    }

    private void Prepare(IReadOnlyList<EntryId> tools)
    {
        foreach (var id in tools)
        {
            if (_disposing.IsCancellationRequested) return;
            try
            {
                Functions.Prepare(id);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // As for the warm-up: the call prepares the tool again and reports what went wrong.
            }
        }
    }

    public void Dispose()
    {
        // The warm-up uses the runtime: it ends (in a fraction of a second; the tools still unprepared are skipped) before the runtime goes.
        if (_disposing.IsCancellationRequested) return;
        _disposing.Cancel();
        _warmUp?.Wait();
        _disposing.Dispose();
        Machine?.Dispose();
        Runtime.Dispose();
        _remoteDocsHttp?.Dispose();
    }
}
