using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;
using MicroAgi.Registry.Storage;
using MicroAgi.Security;

namespace MicroAgi.Agents.Tests.Tools;

/// <summary>
/// The real tool stack over a real registry: the shipped built-in app (plus an optional extra app
/// layer), in memory or in a SQLite file, a real Lua runtime, the five built-ins in a native catalog
/// and the call API — everything the agent loop calls through.
/// </summary>
internal sealed class ToolTestHost : IAsyncDisposable
{
    public static readonly LuaLimits TestLimits = LuaLimits.Default with { Timeout = TimeSpan.FromSeconds(1) };

    private ToolTestHost(EntryRegistry registry, IDocsCorpus docs, RemoteDocs? remoteDocs = null)
    {
        Registry = registry;
        Runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = TestLimits });
        Writer = new GeneratedToolWriter(registry, Runtime);
        var natives = BuiltInTools.Register(new NativeFunctionCatalog(), new BuiltInToolServices(registry, Writer, docs) { RemoteDocs = remoteDocs });
        Functions = new FunctionCaller(registry, Runtime, natives);
    }

    public EntryRegistry Registry { get; }
    public LuaRuntime Runtime { get; }
    public GeneratedToolWriter Writer { get; }
    public FunctionCaller Functions { get; }

    /// <summary>The shipped docs/lua pages at their repository paths.</summary>
    public static IDocsCorpus RepoDocs() => DocsCorpus.FromDirectory(RepoPaths.LuaDocs, "docs/lua/");

    public static ToolTestHost InMemory(string? extraApp = null, IDocsCorpus? docs = null, RemoteDocs? remoteDocs = null) =>
        new(EntryRegistry.CreateInMemory(BaseEntries(extraApp), [new PolicyEntryValidator()]), docs ?? RepoDocs(), remoteDocs);

    public static async Task<ToolTestHost> OpenSqliteAsync(string databasePath, string? extraApp = null)
    {
        var store = SqliteRegistryStore.Open(databasePath);
        var registry = await EntryRegistry.OpenAsync(store, BaseEntries(extraApp), [new PolicyEntryValidator()]);
        return new ToolTestHost(registry, RepoDocs());
    }

    public Task<FunctionResult> CallAsync(string id, string argumentsJson) =>
        Functions.CallAsync(EntryId.Parse(id), JsonNode.Parse(argumentsJson));

    public Task<FunctionResult> CallAsync(string id, JsonNode arguments) => Functions.CallAsync(EntryId.Parse(id), arguments);

    /// <summary>create_tool through the call API, exactly as the agent loop calls it.</summary>
    public Task<FunctionResult> CreateToolAsync(JsonObject arguments) => CallAsync("app.tools:create_tool", arguments);

    public async ValueTask DisposeAsync()
    {
        Runtime.Dispose();
        await Registry.DisposeAsync();
    }

    private static IReadOnlyList<Entry> BaseEntries(string? extraApp) =>
        extraApp is null
            ? AppLoader.Load(new DirectoryAppFiles(RepoPaths.BuiltInApp))
            : AppLoader.Load(new DirectoryAppFiles(RepoPaths.BuiltInApp), new DirectoryAppFiles(extraApp));
}

/// <summary>A throwaway directory, deleted at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "microagi-tools-" + Guid.NewGuid().ToString("N"));

    public string Write(string relativePath, string text)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finalising SQLite connection; the OS temp cleaner gets it.
        }
    }
}

/// <summary>Arguments of create_tool used across the tests.</summary>
internal static class ToolSources
{
    public const string Echo = """
        local function handler(input)
          return { echo = input.text, length = #(input.text or "") }
        end
        return { handler = handler }
        """;

    public const string CurrentTime = """
        local time = require("time")

        local function handler(input)
          local now, err = time.now(input.zone or "UTC")
          if not now then
            return nil, err
          end
          return { iso = now:iso(), unix = now.unix, zone = now.zone }
        end

        return { handler = handler }
        """;

    public static JsonObject EchoSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "string" } },
    };

    public static JsonObject CreateArguments(string name, string source, JsonNode? schema = null, params string[] modules) => new()
    {
        ["name"] = name,
        ["description"] = $"test tool {name}",
        ["source"] = source,
        ["schema"] = schema ?? EchoSchema(),
        ["modules"] = new JsonArray([.. modules.Select(m => (JsonNode)JsonValue.Create(m))]),
    };
}
