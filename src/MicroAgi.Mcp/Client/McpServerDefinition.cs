using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// A <c>kind: mcp.server</c> entry: a server started as a process (<c>command</c>, <c>args</c>,
/// <c>env</c>, <c>cwd</c>) or reached over HTTP (<c>url</c>, Streamable HTTP or SSE, with <c>headers</c>),
/// the longest one call may take (<c>timeout_seconds</c>, default 60) and the longest starting may take
/// (<c>start_timeout_seconds</c>, default 60: <c>npx</c> may download the server first). Values in <c>env</c> and
/// <c>headers</c> may name environment variables as <c>${NAME}</c>, so a token never has to be
/// written into the registry.
/// </summary>
public sealed partial record McpServerDefinition
{
    public const string Kind = "mcp.server";

    /// <summary>How long one call may take when the entry does not say.</summary>
    public static TimeSpan DefaultCallTimeout { get; } = TimeSpan.FromSeconds(60);

    public required EntryId Id { get; init; }
    public string? Command { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public string? WorkingDirectory { get; init; }
    public Uri? Url { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public TimeSpan CallTimeout { get; init; } = DefaultCallTimeout;
    public TimeSpan StartTimeout { get; init; } = DefaultStartTimeout;

    /// <summary>How long starting (the process, the MCP handshake) may take when the entry does not say.</summary>
    public static TimeSpan DefaultStartTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The prefix of its tools' names: <c>mcp_&lt;server&gt;_</c>.</summary>
    public string ToolPrefix => McpToolNames.Prefix(Id);

    /// <summary>The command line as a person would type it, for messages.</summary>
    public string Describe() => Url is not null ? Url.ToString() : string.Join(' ', new[] { Command! }.Concat(Arguments).Select(Quoted));

    /// <exception cref="McpServerConfigException">A field is missing, of the wrong type, or names an unset variable.</exception>
    public static McpServerDefinition FromEntry(Entry entry, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(environment);
        if (entry.Kind != Kind) throw Problem(entry.Id, $"is a {entry.Kind} entry, not an {Kind}");
        var command = Text(entry, "command");
        var url = Text(entry, "url");
        if ((command is null) == (url is null))
            throw Problem(entry.Id, "needs either 'command' (a program to start, with 'args' and 'env') or 'url' (an MCP endpoint over HTTP), not both or neither");
        Uri? endpoint = null;
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            throw Problem(entry.Id, $"'url' must be an http:// or https:// address, not '{url}'");
        var seconds = Seconds(entry, "timeout_seconds");
        var startSeconds = Seconds(entry, "start_timeout_seconds");
        return new McpServerDefinition
        {
            Id = entry.Id,
            Command = command,
            Arguments = Strings(entry, "args"),
            Environment = Map(entry, "env", environment),
            WorkingDirectory = Text(entry, "cwd"),
            Url = endpoint,
            Headers = Map(entry, "headers", environment),
            CallTimeout = seconds ?? DefaultCallTimeout,
            StartTimeout = startSeconds ?? DefaultStartTimeout,
        };
    }

    private static string? Text(Entry entry, string name) => entry.Data.TryGetProperty(name, out var value) switch
    {
        false => null,
        true when value.ValueKind == JsonValueKind.Null => null,
        true when value.ValueKind == JsonValueKind.String && value.GetString()!.Trim().Length > 0 => value.GetString(),
        _ => throw Problem(entry.Id, $"'{name}' must be a non-empty string"),
    };

    private static TimeSpan? Seconds(Entry entry, string name)
    {
        if (!entry.Data.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number) throw Problem(entry.Id, $"'{name}' must be a number of seconds");
        var seconds = value.GetDouble();
        if (!double.IsFinite(seconds) || seconds <= 0 || seconds > 3600)
            throw Problem(entry.Id, string.Create(CultureInfo.InvariantCulture, $"'{name}' must be above 0 and at most 3600, not {seconds}"));
        return TimeSpan.FromSeconds(seconds);
    }

    private static List<string> Strings(Entry entry, string name)
    {
        if (!entry.Data.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            throw Problem(entry.Id, $"'{name}' must be a list of strings");
        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static Dictionary<string, string> Map(Entry entry, string name, Func<string, string?> environment)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!entry.Data.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return map;
        if (value.ValueKind != JsonValueKind.Object) throw Problem(entry.Id, $"'{name}' must be a map of names to strings");
        foreach (var pair in value.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String) throw Problem(entry.Id, $"'{name}.{pair.Name}' must be a string");
            map[pair.Name] = Expand(entry.Id, $"{name}.{pair.Name}", pair.Value.GetString()!, environment);
        }
        return map;
    }

    private static string Expand(EntryId id, string field, string text, Func<string, string?> environment) =>
        Variable().Replace(text, match => environment(match.Groups[1].Value)
            ?? throw Problem(id, $"'{field}' uses ${{{match.Groups[1].Value}}}, which is not set; export it before starting microagi"));

    private static string Quoted(string word) => word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./@=:,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static McpServerConfigException Problem(EntryId id, string problem) => new($"MCP server {id} {problem}");

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Variable();
}

/// <summary>An <c>mcp.server</c> entry that cannot be used as written.</summary>
public sealed class McpServerConfigException(string message) : Exception(message);
