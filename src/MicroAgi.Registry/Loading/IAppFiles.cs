namespace MicroAgi.Registry.Loading;

/// <summary>
/// The files of one app: a directory on disk or resources embedded in an assembly. Paths are relative
/// to the app root and use '/' as separator.
/// </summary>
public interface IAppFiles
{
    /// <summary>Where the files come from, for error messages.</summary>
    string Origin { get; }

    /// <summary>Every <c>_index.yaml</c> in the app, in a stable order.</summary>
    IReadOnlyList<string> IndexFiles();

    /// <summary>The text of a file, or null when there is no such file.</summary>
    string? ReadText(string relativePath);
}

/// <summary>
/// An app directory on disk. Nothing outside it is read, not even through a symbolic link: a file an
/// app refers to becomes entry data, which the agent reads and sends to its model.
/// </summary>
public sealed class DirectoryAppFiles : IAppFiles
{
    private readonly string _root;
    private readonly string _resolvedRoot;

    public DirectoryAppFiles(string root)
    {
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root)) throw new AppLoadException($"app directory '{root}' does not exist; pass an existing directory to --app");
        _resolvedRoot = SymbolicLinks.Resolve(_root);
    }

    public string Origin => _root;

    /// <remarks>
    /// A linked directory that leads back into the app (<c>loop -> .</c>) shows the same file under two
    /// paths; it is one file, loaded once, under the first of its paths.
    /// </remarks>
    public IReadOnlyList<string> IndexFiles() =>
        Directory.EnumerateFiles(_root, AppLoader.IndexFileName, SearchOption.AllDirectories)
            .Select(f => (Relative: Path.GetRelativePath(_root, f).Replace('\\', '/'), Resolved: SymbolicLinks.Resolve(f)))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .DistinctBy(f => f.Resolved, StringComparer.Ordinal)
            .Select(f => f.Relative)
            .ToList();

    /// <exception cref="UnauthorizedAccessException">The path leads outside the app directory through a symbolic link.</exception>
    public string? ReadText(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(_root, relativePath));
        if (!File.Exists(full)) return null;
        var resolved = SymbolicLinks.Resolve(full);
        if (!SymbolicLinks.IsInside(resolved, _resolvedRoot))
        {
            throw new UnauthorizedAccessException($"'{relativePath}' leads through a symbolic link to '{resolved}', outside the app directory {_root}; copy the file into the app instead");
        }
        return File.ReadAllText(resolved);
    }
}

/// <summary>An app shipped as embedded resources named <c>{prefix}{relative/path}</c>.</summary>
public sealed class EmbeddedAppFiles(System.Reflection.Assembly assembly, string prefix) : IAppFiles
{
    public string Origin => $"{assembly.GetName().Name}:{prefix}";

    public IReadOnlyList<string> IndexFiles() =>
        assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && (n.EndsWith("/" + AppLoader.IndexFileName, StringComparison.Ordinal) || n == prefix + AppLoader.IndexFileName))
            .Select(n => n[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    public string? ReadText(string relativePath)
    {
        using var stream = assembly.GetManifestResourceStream(prefix + relativePath);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
