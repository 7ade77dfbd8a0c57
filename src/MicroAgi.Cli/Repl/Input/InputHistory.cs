using System.Text.Json;

namespace MicroAgi.Cli.Repl.Input;

/// <summary>
/// The prompts typed in every session, oldest first, kept in the state directory's <c>history</c> file (one JSON
/// string per line, so a multi-line prompt stays one entry). Sessions append to it as they go; each reads it at start.
/// </summary>
internal sealed class InputHistory
{
    private const int Kept = 1000;
    private readonly string _path;
    private readonly List<string> _entries;

    private InputHistory(string path, List<string> entries)
    {
        _path = path;
        _entries = entries;
    }

    public IReadOnlyList<string> Entries => _entries;

    public static InputHistory Load(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "history");
        var entries = new List<string>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                try
                {
                    if (JsonSerializer.Deserialize<string>(line) is { Length: > 0 } entry) entries.Add(entry);
                }
                catch (JsonException)
                {
                    // A line torn by a crash, or written by hand: skipped.
                }
            }
        }
        return new InputHistory(path, entries.Count > Kept ? entries[^Kept..] : entries);
    }

    /// <summary>Adds a submitted prompt (not a repeat of the last one, not a blank one) here and in the file.</summary>
    public void Add(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry) || (_entries.Count > 0 && _entries[^1] == entry)) return;
        _entries.Add(entry);
        try
        {
            File.AppendAllText(_path, JsonSerializer.Serialize(entry) + "\n");
        }
        catch (IOException)
        {
            // A read-only or full state directory: the history of this session still works.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
