using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroAgi.Registry.Loading;

/// <summary>
/// Loads an app: every <c>_index.yaml</c> under its root (Wippy format: <c>version</c>, <c>namespace</c>,
/// optional file-level <c>meta</c>, <c>entries</c>). Per entry, keys other than name/kind/meta/data go
/// into data; file-level meta fills in meta fields the entry does not set; every string
/// <c>file://path</c> becomes the text of that file, relative to the YAML file and inside the app root.
/// </summary>
public static class AppLoader
{
    public const string IndexFileName = "_index.yaml";
    private const string FilePrefix = "file://";
    private static readonly HashSet<string> EntryKeys = ["name", "kind", "meta", "data"];

    /// <summary>
    /// Loads the layers in order; an entry in a later layer replaces the one with the same id in an
    /// earlier layer (a user's --app overrides the built-in app). Within one layer ids must be unique.
    /// </summary>
    public static IReadOnlyList<Entry> Load(params IEnumerable<IAppFiles> layers) => Load(Array.Empty<IEntryValidator>(), layers);

    /// <summary>
    /// As <see cref="Load(IEnumerable{IAppFiles})"/>, and checks every entry's content with
    /// <paramref name="validators"/> (the same checks a write goes through), so a bad entry is reported
    /// with its file and line when the app is loaded rather than first when something writes to it.
    /// </summary>
    public static IReadOnlyList<Entry> Load(IReadOnlyList<IEntryValidator> validators, params IEnumerable<IAppFiles> layers)
    {
        ArgumentNullException.ThrowIfNull(validators);
        var result = new Dictionary<EntryId, Entry>();
        foreach (var layer in layers)
        {
            foreach (var entry in LoadLayer(layer, validators)) result[entry.Id] = entry;
        }
        return result.Values.ToList();
    }

    private static List<Entry> LoadLayer(IAppFiles files, IReadOnlyList<IEntryValidator> validators)
    {
        var seen = new Dictionary<EntryId, string>();
        var entries = new List<Entry>();
        foreach (var indexFile in files.IndexFiles())
        {
            foreach (var (entry, location) in LoadIndex(files, indexFile))
            {
                if (seen.TryGetValue(entry.Id, out var first))
                {
                    throw new AppLoadException($"{location}: duplicate id {entry.Id}: already defined at {first}; rename one of them");
                }
                var problems = validators.SelectMany(v => v.Validate(entry)).ToList();
                if (problems.Count > 0)
                {
                    throw new AppLoadException($"{location}: entry {entry.Id} ({entry.Kind}): {string.Join("; ", problems)}");
                }
                seen[entry.Id] = location;
                entries.Add(entry);
            }
        }
        return entries;
    }

    private static IEnumerable<(Entry Entry, string Location)> LoadIndex(IAppFiles files, string indexFile)
    {
        var display = $"{files.Origin}/{indexFile}";
        var text = ReadFile(files, indexFile, display) ?? throw new AppLoadException($"{display}: file disappeared while loading");
        var document = YamlDocumentReader.Read(text, display);
        if (document is null) return [];
        if (document is not YamlMappingNode root)
        {
            throw new AppLoadException(display, document.Start.Line, "expected a mapping with 'version', 'namespace' and 'entries'");
        }
        try
        {
            return ReadIndex(files, indexFile, display, root).ToList();
        }
        catch (YamlException ex)
        {
            throw new AppLoadException(display, ex.Start.Line, ex.Message, ex);
        }
    }

    private static IEnumerable<(Entry, string)> ReadIndex(IAppFiles files, string indexFile, string display, YamlMappingNode root)
    {
        var ns = Scalar(root, "namespace")
            ?? throw new AppLoadException(display, root.Start.Line, "missing 'namespace' (e.g. namespace: app)");
        var fileMeta = Child(root, "meta") is { } metaNode ? AsObject(metaNode, "meta", display) : null;
        var entriesNode = Child(root, "entries");
        if (entriesNode is null) yield break;
        if (entriesNode is not YamlSequenceNode sequence)
        {
            throw new AppLoadException(display, entriesNode.Start.Line, "'entries' must be a list of entries");
        }
        string ResolveFile(string value, YamlNode at) => value.StartsWith(FilePrefix, StringComparison.Ordinal)
            ? ReadReferencedFile(files, indexFile, display, value[FilePrefix.Length..], at)
            : value;

        foreach (var item in sequence.Children)
        {
            var line = item.Start.Line;
            if (item is not YamlMappingNode mapping) throw new AppLoadException(display, line, "each entry must be a mapping with at least 'name' and 'kind'");
            var name = Scalar(mapping, "name") ?? throw new AppLoadException(display, line, "entry has no 'name'");
            var kind = Scalar(mapping, "kind") ?? throw new AppLoadException(display, line, $"entry '{name}' has no 'kind'");
            if (!EntryId.TryCreate(ns, name, out var id, out var idError)) throw new AppLoadException(display, line, idError);

            var entry = EntryYaml.Build(id, kind, mapping, EntryKeys, fileMeta, display, ResolveFile);
            yield return (entry, $"{display}:{line}");
        }
    }

    internal static string ReadReferencedFile(IAppFiles files, string indexFile, string display, string target, YamlNode at)
    {
        var directory = indexFile.Contains('/', StringComparison.Ordinal) ? indexFile[..indexFile.LastIndexOf('/')] : "";
        var relative = NormalizeInsideRoot(directory, target)
            ?? throw new AppLoadException(display, at.Start.Line, $"file://{target} points outside the app root; keep referenced files inside the app directory");
        string? text;
        try
        {
            text = files.ReadText(relative);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AppLoadException(display, at.Start.Line, $"file://{target}: {ex.Message}", ex);
        }
        return text ?? throw new AppLoadException(display, at.Start.Line, $"file://{target} not found (looked for '{relative}' in {files.Origin})");
    }

    private static string? ReadFile(IAppFiles files, string path, string display)
    {
        try
        {
            return files.ReadText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AppLoadException($"{display}: {ex.Message}", ex);
        }
    }

    /// <summary>Joins and normalises a path; null when the result leaves the root (or is absolute).</summary>
    internal static string? NormalizeInsideRoot(string directory, string target)
    {
        if (target.Length == 0 || target.StartsWith('/') || target.StartsWith('\\') || Path.IsPathRooted(target)) return null;
        var parts = new List<string>();
        foreach (var part in (directory.Length == 0 ? target : directory + "/" + target).Split('/', '\\'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (parts.Count == 0) return null;
                    parts.RemoveAt(parts.Count - 1);
                    continue;
                default:
                    parts.Add(part);
                    continue;
            }
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    internal static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    internal static string? Scalar(YamlMappingNode mapping, string key) =>
        Child(mapping, key) is YamlScalarNode { Value: { } text } && !string.IsNullOrWhiteSpace(text) ? text : null;

    internal static JsonObject AsObject(YamlNode node, string what, string display, Func<string, YamlNode, string>? mapString = null) =>
        YamlJson.Convert(node, mapString) as JsonObject
            ?? throw new AppLoadException(display, node.Start.Line, $"'{what}' must be a mapping");
}
