using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroAgi.Registry.Loading;

/// <summary>
/// Reads a changeset from YAML:
/// <code>
/// description: add a clock
/// changes:
///   - op: create            # create | update | delete
///     id: app.generated:clock
///     kind: function.lua
///     meta: { type: tool }
///     source: file://clock.lua   # other keys become data, as in an app
///   - op: delete
///     id: app.generated:old
/// </code>
/// </summary>
public static class ChangeSetFile
{
    private static readonly HashSet<string> ReservedKeys = ["op", "id", "kind", "meta", "data"];
    private static readonly HashSet<string> RootKeys = ["description", "changes"];
    private static readonly HashSet<string> DeleteKeys = ["op", "id"];

    public static ChangeSet Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new AppLoadException($"changeset file '{path}' does not exist");
        var files = new DirectoryAppFiles(Path.GetDirectoryName(full)!);
        var name = Path.GetFileName(full);
        if (YamlDocumentReader.Read(File.ReadAllText(full), full) is not YamlMappingNode root)
        {
            throw new AppLoadException(full, 1, "expected a mapping with 'changes:' (a list of {op, id, ...})");
        }
        try
        {
            return Read(root, files, name, full);
        }
        catch (YamlException ex)
        {
            throw new AppLoadException(full, ex.Start.Line, ex.Message, ex);
        }
    }

    private static ChangeSet Read(YamlMappingNode root, IAppFiles files, string name, string display)
    {
        if (AppLoader.Child(root, "changes") is not YamlSequenceNode changes || changes.Children.Count == 0)
        {
            throw new AppLoadException(display, root.Start.Line, "'changes' must be a non-empty list of {op, id, ...}");
        }
        RefuseUnknownKeys(root, RootKeys, "a changeset has only 'description' and 'changes'", display);
        var changeSet = new ChangeSet(AppLoader.Scalar(root, "description"));
        foreach (var item in changes.Children)
        {
            var line = item.Start.Line;
            if (item is not YamlMappingNode mapping) throw new AppLoadException(display, line, "each change must be a mapping with 'op' and 'id'");
            var op = AppLoader.Scalar(mapping, "op") ?? throw new AppLoadException(display, line, "change has no 'op' (create, update or delete)");
            var idText = AppLoader.Scalar(mapping, "id") ?? throw new AppLoadException(display, line, "change has no 'id' (namespace:name)");
            if (!EntryId.TryParse(idText, out var id, out var idError)) throw new AppLoadException(display, line, idError);
            switch (op)
            {
                case "delete":
                    RefuseUnknownKeys(mapping, DeleteKeys, $"delete {id}: a delete has only 'op' and 'id'", display);
                    changeSet.Delete(id);
                    break;
                case "create" or "update":
                    var kind = AppLoader.Scalar(mapping, "kind") ?? throw new AppLoadException(display, line, $"{op} {id}: no 'kind'");
                    var entry = EntryYaml.Build(id, kind, mapping, ReservedKeys, null, display,
                        (value, at) => value.StartsWith("file://", StringComparison.Ordinal)
                            ? AppLoader.ReadReferencedFile(files, name, display, value["file://".Length..], at)
                            : value);
                    if (op == "create") changeSet.Create(entry);
                    else changeSet.Update(entry);
                    break;
                default:
                    throw new AppLoadException(display, line, $"unknown op '{op}': use create, update or delete");
            }
        }
        return changeSet;
    }

    // A misspelt key ("change:", "descripton:") or data given to a delete would otherwise be dropped without a word.
    private static void RefuseUnknownKeys(YamlMappingNode mapping, IReadOnlySet<string> allowed, string rule, string display)
    {
        foreach (var key in mapping.Children.Keys)
        {
            var name = YamlJson.Key(key);
            if (!allowed.Contains(name)) throw new AppLoadException(display, key.Start.Line, $"unknown key '{IdText.Visible(name)}': {rule}");
        }
    }
}
