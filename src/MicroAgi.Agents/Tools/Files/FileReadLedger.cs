using System.Collections.Concurrent;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// Which version of each file the agent has seen (read, or written itself), so that <c>write</c> can
/// refuse to overwrite a file that someone else changed after the agent last looked at it — the
/// agent's picture of the file would silently replace their work.
/// </summary>
public sealed class FileReadLedger
{
    private readonly ConcurrentDictionary<string, FileStamp> _seen = new(StringComparer.Ordinal);

    /// <summary>Notes the file's current version as seen by the agent.</summary>
    public void Saw(string fullPath) => _seen[fullPath] = FileStamp.Of(fullPath);

    /// <summary>Why overwriting an existing file would lose changes the agent has not seen, or null when it is safe.</summary>
    public string? ClobberProblem(string fullPath, string shownPath)
    {
        if (!File.Exists(fullPath)) return null;
        if (!_seen.TryGetValue(fullPath, out var seen))
            return $"{shownPath} already exists and has not been read in this session; read it first (or change it with edit) so its content is not lost";
        return seen == FileStamp.Of(fullPath)
            ? null
            : $"{shownPath} changed since it was last read (by someone or something else); read it again before overwriting it";
    }

    private readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }
}
