using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Self;
using MicroAgi.Agents.Tests.Runtime;
using MicroAgi.Agents.Tests.Tools;
using MicroAgi.Llm.Models;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tests.Self;

/// <summary>
/// A real session (LoopFixture: registry, fake OpenAI server, provider stack, function caller) with the self
/// tool attached and turned on, its handler registered as the CLI registers it, and a persisted snapshot
/// directory of its own.
/// </summary>
internal sealed class SelfFixture : IAsyncDisposable
{
    /// <summary>A model no configured provider can run (the chat client factory refuses it).</summary>
    public const string UnrunnableModel = "far";

    /// <summary>The shipped <c>app.tools:self</c> entry, with its real input schema.</summary>
    public static readonly Entry SelfEntry = MicroAgi.Registry.Loading.AppLoader.Load(new MicroAgi.Registry.Loading.DirectoryAppFiles(RepoPaths.BuiltInApp))
        .Single(e => e.Id == AgentSettings.SelfToolId);

    public static readonly Entry ThinkerModel = Entry.Create(new EntryId("app", "thinker"), "registry.entry",
        new JsonObject
        {
            ["name"] = "thinker",
            ["type"] = "llm.model",
            ["class"] = new JsonArray("deep"),
            ["capabilities"] = new JsonArray("generate", "tool_use", "thinking"),
            ["max_tokens"] = 200_000,
            ["output_tokens"] = 4096,
            ["providers"] = new JsonArray(new JsonObject { ["id"] = "openai", ["provider_model"] = "thinker-model" }),
        });

    private readonly TempDirectory _directory = new();

    public SelfFixture(int maxIterations = 20, IReadOnlyList<string?>? knownSecrets = null, string? snapshotDirectory = null, params Entry[] extraEntries)
    {
        Loop = new LoopFixture(null, 100_000, [SelfEntry, ThinkerModel, LoopFixture.Model(UnrunnableModel, "remote", 50_000), .. extraEntries]);
        Services = new AgentServices(Loop.Registry, Loop.Functions, ClientFor, Loop.Costs, new AgentSettings
        {
            MaxIterations = maxIterations,
            ToolTimeout = TimeSpan.FromSeconds(5),
            DisabledTools = new HashSet<EntryId>(),
        });
        Session = new AgentSession(Services, new AgentContext(Services, EntryId.Parse(LoopFixture.AgentId)), new Conversation());
        SnapshotDirectory = snapshotDirectory ?? Path.Combine(_directory.Path, "snapshots");
        Self = SelfRuntime.Attach(Session, Services, new SelfOptions { SnapshotDirectory = SnapshotDirectory, Audit = Audit, KnownSecrets = knownSecrets ?? [] });
        Loop.Natives.Register(SelfTool.HandlerName, Self.Tool.InvokeAsync);
    }

    public LoopFixture Loop { get; }
    public AgentServices Services { get; }
    public AgentSession Session { get; }
    public SelfRuntime Self { get; }
    public RecordingAudit Audit { get; } = new();
    public string SnapshotDirectory { get; }
    public SessionTuning Tuning => Session.Context.Tuning;

    /// <summary>Calls self through the function caller, as the loop does (the input schema is checked on the way).</summary>
    public Task<FunctionResult> CallAsync(string argumentsJson) =>
        Loop.Functions.CallAsync(SelfEntry.Id, JsonNode.Parse(argumentsJson));

    /// <summary>The text of a call that must succeed.</summary>
    public async Task<string> OkAsync(string argumentsJson)
    {
        var result = await CallAsync(argumentsJson);
        Assert.True(result.IsSuccess, $"{argumentsJson} failed: {result.Error}");
        return result.Value!.GetValue<string>();
    }

    /// <summary>The error of a call that must fail.</summary>
    public async Task<string> ErrorAsync(string argumentsJson)
    {
        var result = await CallAsync(argumentsJson);
        Assert.False(result.IsSuccess, $"{argumentsJson} should have failed but said: {result}");
        return result.Error!;
    }

    public async ValueTask DisposeAsync()
    {
        await Loop.DisposeAsync();
        _directory.Dispose();
    }

    private Microsoft.Extensions.AI.IChatClient ClientFor(ModelDefinition model) =>
        model.Name == UnrunnableModel
            ? throw new InvalidOperationException($"model '{model.Name}' runs on 'remote', but no such provider is configured")
            : Loop.Services.ChatClientFor(model);
}

internal sealed class RecordingAudit : ISelfAuditSink
{
    public List<SelfAuditEntry> Entries { get; } = [];

    public void Record(SelfAuditEntry entry) => Entries.Add(entry);
}
