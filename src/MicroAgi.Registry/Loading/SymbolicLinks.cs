namespace MicroAgi.Registry.Loading;

/// <summary>Finds where a path really leads once every symbolic link along it is followed, as the OS will on open.</summary>
internal static class SymbolicLinks
{
    // Linux gives up (ELOOP) after 40 links; a cycle of links must not spin forever here either.
    private const int MaxLinks = 40;

    /// <summary>
    /// The absolute path with every link resolved — in directories along the way too, not just the last
    /// component, since <c>shared/x</c> escapes as surely through a linked <c>shared</c> as through a linked <c>x</c>.
    /// Parts that do not exist are kept as written.
    /// </summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Parts(full).Reverse());
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"too many levels of symbolic links in '{path}'");
            // Walk the link's target in place of the link: relative to the link's directory, or from its root.
            foreach (var targetPart in Parts(target).Reverse()) pending.Push(targetPart);
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
        }
        return current;
    }

    /// <summary>Whether <paramref name="path"/> (already resolved) is <paramref name="root"/> or lies inside it.</summary>
    public static bool IsInside(string path, string root)
    {
        var relative = Path.GetRelativePath(root, path);
        return !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Parts(string path) =>
        path.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");
}
