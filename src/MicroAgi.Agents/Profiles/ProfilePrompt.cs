using System.Globalization;
using System.Text;

namespace MicroAgi.Agents.Profiles;

/// <summary>
/// The part of the system prompt a profile adds: where the profile lives, its <c>soul.md</c>, <c>user.md</c> and
/// <c>workspace.md</c>, the workspace's <c>AGENTS.md</c>, and the file memory — when to write it, <c>memory.md</c>
/// up to a budget and an index of <c>memory/*.md</c> (the agent reads the topics it needs with the read tool).
/// Read at every load of the agent, so what the agent wrote down is known from its next session on.
/// </summary>
public sealed class ProfilePrompt(AgentProfile profile, string? workspaceDirectory)
{
    /// <summary>The convention other coding agents read at a workspace's root.</summary>
    public const string AgentsFile = "AGENTS.md";

    /// <summary>At most this much of one prompt file goes into the prompt.</summary>
    public int FileBudget { get; init; } = 8_000;

    /// <summary>At most this much of memory.md goes into the prompt; the rest is read with the read tool.</summary>
    public int MemoryBudget { get; init; } = 4_000;

    /// <summary>At most this many memory/*.md files are listed.</summary>
    public int MemoryIndexLimit { get; init; } = 50;

    public string Build()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## Profile: {profile.Name} ({profile.Id}) at {profile.Directory}\n");
        foreach (var file in AgentProfile.PromptFiles) Section(text, file, Path.Combine(profile.Directory, file));
        if (workspaceDirectory is not null) Section(text, $"{AgentsFile} (at the workspace root {workspaceDirectory})", Path.Combine(workspaceDirectory, AgentsFile));
        Memory(text);
        return text.ToString();
    }

    private void Section(StringBuilder text, string title, string path)
    {
        var content = WithoutComments(ReadCapped(path, FileBudget));
        if (string.IsNullOrWhiteSpace(content)) return;
        text.Append(CultureInfo.InvariantCulture, $"\n### {title}\n\n{content.TrimEnd()}\n");
    }

    private void Memory(StringBuilder text)
    {
        // Every session pays for these words in every request: they are few, and say what to write, where and when.
        text.Append("""

            ### Memory
            Remember across sessions in memory.md and memory/<topic>.md in your profile directory (read, write, edit; absolute paths).
            Before answering, write there when the user asks you to remember something or you learn a lasting fact, preference or decision. Short dated entries; fix stale ones; no secrets.

            """);
        var memory = ReadCapped(profile.MemoryFile, MemoryBudget);
        text.Append(string.IsNullOrWhiteSpace(memory) ? "memory.md is empty.\n" : $"Current memory.md:\n\n{memory.TrimEnd()}\n");
        var topics = Directory.Exists(profile.MemoryDirectory)
            ? Directory.GetFiles(profile.MemoryDirectory, "*.md").Order(StringComparer.Ordinal).ToList()
            : [];
        if (topics.Count == 0) return;
        text.Append("\nMemory topics (read the ones that matter for the task):\n");
        foreach (var topic in topics.Take(MemoryIndexLimit))
        {
            var info = new FileInfo(topic);
            text.Append(CultureInfo.InvariantCulture, $"- {AgentProfile.MemoryDirectoryName}/{info.Name} ({info.Length:N0} bytes){FirstLine(topic)}\n");
        }
        if (topics.Count > MemoryIndexLimit) text.Append(CultureInfo.InvariantCulture, $"- … and {topics.Count - MemoryIndexLimit} more (glob the memory directory)\n");
    }

    /// <summary>A file's text up to <paramref name="budget"/> characters, with a mark saying how to read the rest; null when absent.</summary>
    private static string? ReadCapped(string path, int budget)
    {
        if (!File.Exists(path)) return null;
        var content = File.ReadAllText(path);
        return content.Length <= budget
            ? content
            : string.Concat(content.AsSpan(0, budget), $"\n[… cut at {budget:N0} of {content.Length:N0} characters; read {path} for the rest]");
    }

    /// <summary>The text without its HTML comments: the hints a new profile's files start with are for the user, not the model.</summary>
    private static string? WithoutComments(string? text)
    {
        if (text is null) return null;
        var kept = new StringBuilder();
        var at = 0;
        while (text.IndexOf("<!--", at, StringComparison.Ordinal) is var start and >= 0)
        {
            var end = text.IndexOf("-->", start + 4, StringComparison.Ordinal);
            kept.Append(text, at, start - at);
            at = end < 0 ? text.Length : end + 3;
        }
        return kept.Append(text, at, text.Length - at).ToString();
    }

    private static string FirstLine(string path)
    {
        using var reader = new StreamReader(path);
        var line = reader.ReadLine()?.Trim().TrimStart('#').Trim();
        return string.IsNullOrEmpty(line) ? "" : ": " + (line.Length > 100 ? line[..100] + "…" : line);
    }
}
