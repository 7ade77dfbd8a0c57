using System.Globalization;
using System.Text;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// The directory the file tools and the shell may work in, and the one place that decides whether a
/// path the model gave lies inside it. A path is resolved the way the kernel would open it — every
/// symbolic link followed — and refused when the real location is outside the root: <c>..</c> that
/// climbs out, absolute paths elsewhere, links that point outside, and names built from look-alike or
/// invisible Unicode characters that display as something they are not.
/// </summary>
public sealed class WorkspaceRoot
{
    private const int MaxLinksFollowed = 40;

    /// <summary>Characters drawn like a slash that the file system takes as part of a name (division, fraction, fullwidth slashes…).</summary>
    private const string SlashLookalikes = "\u2044\u2215\u2571\u29F8\u29F9\uFF0F\uFF3C\u2216\u29F5";

    private readonly string[] _alsoFiles;
    private readonly string[] _alsoDirectories;

    private WorkspaceRoot(string fullPath, string[]? alsoFiles = null, string[]? alsoDirectories = null)
    {
        FullPath = fullPath;
        _alsoFiles = alsoFiles ?? [];
        _alsoDirectories = alsoDirectories ?? [];
    }

    /// <summary>The root's real path (links resolved), without a trailing separator.</summary>
    public string FullPath { get; }

    /// <summary>A root at <paramref name="directory"/>, which must exist.</summary>
    public static WorkspaceRoot At(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var absolute = Path.GetFullPath(directory);
        if (!Directory.Exists(absolute)) throw new DirectoryNotFoundException($"the workspace '{absolute}' is not a directory that exists");
        return new WorkspaceRoot(RealPath(absolute));
    }

    /// <summary>
    /// This root plus files and directories outside it that the tools may also use by absolute path (a profile's
    /// memory.md and memory/). Only those exact files, and what is below those directories, are opened up.
    /// </summary>
    public WorkspaceRoot AlsoAllowing(IEnumerable<string> files, IEnumerable<string> directories) =>
        new(FullPath, [.. _alsoFiles, .. files.Select(f => RealPath(Path.GetFullPath(f)))], [.. _alsoDirectories, .. directories.Select(d => RealPath(Path.GetFullPath(d)))]);

    /// <summary>Whether a real (already resolved) path is the root or below it, or one of the places also allowed.</summary>
    public bool Contains(string realPath) =>
        Below(FullPath, realPath) || _alsoFiles.Contains(realPath, StringComparer.Ordinal) || _alsoDirectories.Any(d => Below(d, realPath));

    private static bool Below(string root, string realPath) =>
        realPath == root || realPath.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal);

    /// <summary>
    /// The real absolute path of <paramref name="path"/> (relative to the root, or absolute), or false with
    /// a message saying why it is refused. The path need not exist; its existing part is resolved.
    /// </summary>
    public bool TryResolve(string? path, out string fullPath, out string error)
    {
        fullPath = "";
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "the path is empty; give a path relative to the workspace, e.g. src/main.c";
            return false;
        }
        if (DeceptiveCharacter(path) is { } problem)
        {
            error = $"the path '{Printable(path)}' is refused: {problem}; spell it with plain characters";
            return false;
        }
        var absolute = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(FullPath, path));
        string real;
        try
        {
            real = RealPath(absolute);
        }
        catch (IOException ex)
        {
            error = $"the path '{Printable(path)}' cannot be resolved: {ex.Message}";
            return false;
        }
        if (!Contains(real))
        {
            error = real == absolute
                ? $"the path '{Printable(path)}' is outside the workspace {FullPath}; only files under it can be used"
                : $"the path '{Printable(path)}' leads outside the workspace {FullPath} (through a symbolic link to {real}); only files under it can be used";
            return false;
        }
        fullPath = real;
        error = "";
        return true;
    }

    /// <summary>A real path as the model should see it: relative to the root, with forward slashes.</summary>
    public string Relative(string realPath) =>
        realPath == FullPath ? "."
        // A place also allowed is outside the root: its absolute path is the one the model was told.
        : !Below(FullPath, realPath) ? realPath
        : Path.GetRelativePath(FullPath, realPath).Replace('\\', '/');

    /// <summary>
    /// Follows every symbolic link of an absolute, normalised path, component by component (as the kernel
    /// does), so a link in the middle of the path is seen. Components that do not exist are kept as written.
    /// </summary>
    private static string RealPath(string absolute)
    {
        var pending = new Stack<string>(absolute.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var links = 0;
        var missing = false;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var candidate = Path.Join(current, part);
            if (!missing)
            {
                var info = new FileInfo(candidate);
                if (info.LinkTarget is { } target)
                {
                    if (++links > MaxLinksFollowed) throw new IOException($"more than {MaxLinksFollowed} symbolic links (a loop?)");
                    foreach (var piece in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(piece);
                    if (target.StartsWith('/')) current = "/";
                    continue;
                }
                missing = !info.Exists && !Directory.Exists(candidate);
            }
            current = candidate;
        }
        return current;
    }

    /// <summary>
    /// Why a path is deceptive, or null: control and invisible formatting characters (bidirectional
    /// overrides, zero-width joiners) hide what a name says, and characters that compatibility-normalise
    /// to a separator or a dot component (fullwidth <c>．．／</c>) read as <c>../</c> to a person or a tool
    /// that normalises, while the file system takes them literally.
    /// </summary>
    private static string? DeceptiveCharacter(string path)
    {
        foreach (var rune in path.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control) return $"it contains the control character U+{rune.Value:X4}";
            if (category == UnicodeCategory.Format) return $"it contains the invisible formatting character U+{rune.Value:X4}";
        }
        if (path.AsSpan().IndexOfAny(SlashLookalikes) >= 0) return "it contains a character that looks like a path separator";
        if (path.IsNormalized(NormalizationForm.FormKC)) return null;
        var normalised = path.Normalize(NormalizationForm.FormKC);
        if (normalised.Count(c => c is '/' or '\\') != path.Count(c => c is '/' or '\\'))
            return "it contains a character that looks like a path separator";
        var original = path.Split('/');
        var folded = normalised.Split('/');
        for (var i = 0; i < Math.Min(original.Length, folded.Length); i++)
        {
            if (folded[i] is "." or ".." && original[i] != folded[i]) return $"'{original[i]}' looks like '{folded[i]}'";
        }
        return null;
    }

    /// <summary>A path quoted in a message, cut short and with control characters shown as escapes.</summary>
    public static string Printable(string path)
    {
        var builder = new StringBuilder();
        foreach (var rune in path.EnumerateRunes())
        {
            if (builder.Length > 200)
            {
                builder.Append('…');
                break;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format) builder.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            else builder.Append(rune.ToString());
        }
        return builder.ToString();
    }
}
