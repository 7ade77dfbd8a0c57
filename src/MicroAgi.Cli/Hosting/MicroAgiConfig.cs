using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// <c>microagi.yaml</c> (in the state directory, or given with --config). Every setting is optional;
/// an unknown key is an error so that a typo does not silently do nothing. See docs/configuration.md.
/// </summary>
internal sealed class MicroAgiConfig
{
    public const string FileName = "microagi.yaml";

    /// <summary>The model (registry name, class, or provider model name) the agent runs on.</summary>
    public string? Model { get; set; }

    /// <summary>The model (name or class) that compresses long conversations.</summary>
    public string? CompressionModel { get; set; }

    /// <summary>The agent run by default (an agent.gen1 entry id).</summary>
    public string? Agent { get; set; }

    public List<ProviderConfig> Providers { get; set; } = [];
    public SandboxConfig Sandbox { get; set; } = new();
    public ToolsConfig Tools { get; set; } = new();
    public LoopConfig Loop { get; set; } = new();

    /// <summary>Where the registry's versions live (<c>registry.store</c>); default: the state directory's SQLite file.</summary>
    public RegistryConfig Registry { get; set; } = new();

    /// <summary>A documentation site doc_search asks besides the embedded docs.</summary>
    public DocsConfig Docs { get; set; } = new();

    /// <summary>How every provider retries; a provider's own <c>retry</c> overrides this key by key.</summary>
    public RetryConfig? Retry { get; set; }

    /// <summary>Every provider's request timeouts; a provider's own <c>timeouts</c> overrides this key by key.</summary>
    public TimeoutsConfig? Timeouts { get; set; }

    /// <summary>The most a session or a turn may spend (--max-budget-usd overrides the session's).</summary>
    public BudgetConfig Budget { get; set; } = new();

    /// <summary>How the REPL shows answers and tool calls.</summary>
    public TerminalConfig Terminal { get; set; } = new();

    /// <summary>What MCP servers an agent may add (docs/mcp.md).</summary>
    public McpConfig Mcp { get; set; } = new();

    /// <summary>The file named by <c>--config</c> (which must exist), else the state directory's own (which may not).</summary>
    public static MicroAgiConfig For(HostSettings host, string? explicitFile) =>
        Load(explicitFile ?? Path.Combine(host.StateDirectory, FileName), required: explicitFile is not null);

    public static MicroAgiConfig Load(string path, bool required)
    {
        if (!File.Exists(path))
        {
            if (required) throw new FileNotFoundException($"config file '{path}' does not exist");
            return new MicroAgiConfig();
        }
        MicroAgiConfig config;
        var text = File.ReadAllText(path);
        try
        {
            if (ConfigKeys.Problem(text, typeof(MicroAgiConfig)) is { } unknown) throw new ConfigException($"{path}:{unknown} (see docs/configuration.md)");
            var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
            config = deserializer.Deserialize<MicroAgiConfig?>(text) ?? new MicroAgiConfig();
        }
        catch (YamlException ex)
        {
            throw new ConfigException($"{path}:{ex.Start.Line}: {ConfigValueError.Describe(ex, text)} (see docs/configuration.md for the settings)", ex);
        }
        if (config.Problem() is { } problem) throw new ConfigException($"{path}: {problem} (see docs/configuration.md)");
        return config;
    }

    /// <returns>The first value out of its allowed range, named by its key; null when all is well.</returns>
    public string? Problem() =>
        Sandbox.Problem()
        ?? Registry.Problem()
        ?? Tools.Problem()
        ?? Loop.Problem()
        ?? Docs.Problem()
        ?? Budget.Problem()
        ?? Terminal.Problem()
        ?? Retry?.Problem("retry")
        ?? Timeouts?.Problem("timeouts")
        ?? Providers.Select(ProviderProblem).FirstOrDefault(problem => problem is not null);

    private string? ProviderProblem(ProviderConfig provider)
    {
        var section = $"provider '{provider.Id ?? provider.Kind}' ";
        // Checked merged with the top level: a provider's max_delay_seconds must suit the top-level base delay, say.
        return (provider.Retry is null ? null : RetryConfig.Merge(provider.Retry, Retry).Problem(section + "retry"))
            ?? (provider.Timeouts is null ? null : TimeoutsConfig.Merge(provider.Timeouts, Timeouts).Problem(section + "timeouts"));
    }
}

internal sealed class McpConfig
{
    /// <summary>The command lines an MCP server an agent added may run, word for word; empty: agents add none.</summary>
    public List<string> AllowedCommands { get; set; } = [];

    public MicroAgi.Mcp.Client.McpCommandAllowlist Allowlist() => new(AllowedCommands);
}

internal sealed class TerminalConfig
{
    /// <summary><c>preview</c> (default: a line of arguments, a few lines of result) or <c>full</c> (all of both).</summary>
    public string? ToolOutput { get; set; }

    /// <summary>Whether answers are rendered as markdown on a terminal (default true); false prints them as written.</summary>
    public bool Markdown { get; set; } = true;

    public bool ToolOutputFull => ToolOutput == "full";

    public string? Problem() =>
        ToolOutput is null or "preview" or "full" ? null : $"terminal.tool_output must be preview or full, not '{ToolOutput}'";
}

internal sealed class RegistryConfig
{
    /// <summary><c>postgres://user:password@host:5432/db</c> (shared) or <c>sqlite:PATH</c>; MICROAGI_REGISTRY_URL overrides it.</summary>
    public string? Store { get; set; }

    public string? Problem() => Store is null ? null : StoreLocation.Problem("registry.store", Store);
}

internal sealed class ProviderConfig
{
    /// <summary>The name model entries use in <c>providers: [{id: …}]</c>, e.g. <c>openai</c>.</summary>
    public string? Id { get; set; }

    /// <summary><c>openai</c> (any OpenAI-compatible server) or <c>anthropic</c>.</summary>
    public string Kind { get; set; } = "openai";

    public string? BaseUrl { get; set; }

    /// <summary>The environment variable that holds the key (keys never go in this file).</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>This provider's retries, over the top-level <c>retry</c>.</summary>
    public RetryConfig? Retry { get; set; }

    /// <summary>This provider's timeouts, over the top-level <c>timeouts</c>.</summary>
    public TimeoutsConfig? Timeouts { get; set; }
}

internal sealed class SandboxConfig
{
    public int? MemoryMb { get; set; }
    public double? TimeoutSeconds { get; set; }

    /// <summary>Networks http_client may reach although they are private (e.g. 127.0.0.1, 10.0.0.0/8).</summary>
    public List<string> HttpAllow { get; set; } = [];

    /// <summary>Checked here, at load, in the ranges the Lua runtime's limits accept (at least 1 MiB, at most an
    /// hour): its own messages would name neither the file nor the key.</summary>
    public string? Problem() =>
        ConfigNumbers.WholeProblem("sandbox.memory_mb", MemoryMb, 1, 16_384)
        ?? ConfigSeconds.Problem("sandbox.timeout_seconds", TimeoutSeconds, most: 3_600);
}

internal sealed class ToolsConfig
{
    public double? TimeoutSeconds { get; set; }

    /// <summary>The directory the file tools and commands are confined to (default: the current directory).</summary>
    public string? Workspace { get; set; }

    /// <summary>ask, auto-edit or full-auto: what may change the machine without asking (--approval overrides it).</summary>
    public string? Approval { get; set; }

    public ExecConfig Exec { get; set; } = new();

    public WebConfig Web { get; set; } = new();

    public WebSearchConfig WebSearch { get; set; } = new();

    public SubagentsConfig Subagents { get; set; } = new();

    /// <summary>Gives the agent the <c>self</c> tool (seed 002): it inspects and tunes its own runtime. Off by default.</summary>
    public bool SelfEvolution { get; set; }

    public string? Problem() =>
        ConfigSeconds.Problem("tools.timeout_seconds", TimeoutSeconds)
        ?? ApprovalSetting.Problem("tools.approval", Approval)
        ?? Exec.Problem()
        ?? Web.Problem()
        ?? WebSearch.Problem()
        ?? Subagents.Problem();
}

internal sealed class LoopConfig
{
    public int? MaxIterations { get; set; }
    public double? CompressionThreshold { get; set; }
    public int? CompressionTargetChars { get; set; }

    public string? Problem() =>
        ConfigNumbers.WholeProblem("loop.max_iterations", MaxIterations, 1, 1_000)
        ?? (CompressionThreshold is { } share && !(share >= 0 && share <= 1)
            ? $"loop.compression_threshold must be a number from 0 to 1, not {ConfigSeconds.Text(share)}"
            : null)
        ?? ConfigNumbers.WholeProblem("loop.compression_target_chars", CompressionTargetChars, 100, 1_000_000);
}

/// <summary>Checks a whole number given in microagi.yaml.</summary>
internal static class ConfigNumbers
{
    /// <returns>What is wrong with <paramref name="value"/>, or null when it is absent or fine.</returns>
    public static string? WholeProblem(string key, int? value, int least, int most) =>
        value is { } number && (number < least || number > most)
            ? $"{key} must be a whole number from {least} to {most}, not {number}"
            : null;
}

internal sealed class ConfigException(string message, Exception? inner = null) : Exception(message, inner);
