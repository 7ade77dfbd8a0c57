using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Sessions;
using MicroAgi.Cli.Hosting;

namespace MicroAgi.Cli.Repl;

/// <summary>
/// One saved session as <c>microagi sessions list</c> and <c>/resume</c> show it: its id, when it started, its
/// first prompt and what its turns cost (the <c>turn</c> records the REPL appends to the transcript).
/// </summary>
internal sealed record SessionSummary(string Id, string When, string FirstPrompt, decimal Cost, int Turns)
{
    /// <summary>The record type a finished turn's spending is saved under in the transcript.</summary>
    public const string TurnRecord = "turn";

    private const int PromptLength = 60;

    /// <summary>The saved sessions, newest first.</summary>
    public static IEnumerable<SessionSummary> List(string sessionsDirectory) =>
        JsonlTranscript.SessionIds(sessionsDirectory).Select(id => Read(sessionsDirectory, id));

    /// <summary>
    /// The session a user named by an id or the start of one; null or empty means the newest.
    /// </summary>
    /// <exception cref="UsageException">No session, or more than one, starts with <paramref name="prefix"/>.</exception>
    public static string? Resolve(string sessionsDirectory, string? prefix)
    {
        if (string.IsNullOrEmpty(prefix)) return null;
        var ids = JsonlTranscript.SessionIds(sessionsDirectory);
        if (ids.Contains(prefix, StringComparer.Ordinal)) return prefix;
        var matches = ids.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new UsageException($"no saved session starts with '{TerminalText.OneLine(prefix, 60)}'; 'microagi sessions list' shows them"),
            _ => throw new UsageException($"'{TerminalText.OneLine(prefix, 60)}' starts {matches.Count} sessions ({string.Join(", ", matches.Take(5))}{(matches.Count > 5 ? ", …" : "")}); give more of the id"),
        };
    }

    private static SessionSummary Read(string sessionsDirectory, string id)
    {
        var path = Path.Combine(sessionsDirectory, id + ".jsonl");
        var first = "";
        decimal cost = 0;
        var turns = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (Parse(line) is not { } record) continue;
            var type = (string?)record["type"];
            if (type == "message" && first.Length == 0 && (string?)record["message"]?["role"] == "user") first = PromptOf(record["message"]!);
            else if (type == TurnRecord)
            {
                turns++;
                cost += record["cost_usd"]?.GetValue<decimal>() ?? 0;
            }
        }
        var when = File.GetLastWriteTime(path).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return new SessionSummary(id, when, TerminalText.OneLine(first, PromptLength), cost, turns);
    }

    private static string PromptOf(JsonNode message) =>
        message["contents"] is JsonArray contents
            ? string.Concat(contents.Select(c => (string?)c?["text"] ?? ""))
            : "";

    private static JsonObject? Parse(string line)
    {
        try
        {
            return string.IsNullOrWhiteSpace(line) ? null : JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
