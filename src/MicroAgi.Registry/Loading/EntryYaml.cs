using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace MicroAgi.Registry.Loading;

/// <summary>Builds one entry from its YAML mapping, the Wippy way (shared by apps and changeset files).</summary>
internal static class EntryYaml
{
    /// <param name="reservedKeys">Keys that are not data (name, kind, meta, data, and e.g. a changeset's op/id).</param>
    /// <param name="fileMeta">File-level meta: fills in fields the entry's own meta does not set.</param>
    public static Entry Build(
        EntryId id,
        string kind,
        YamlMappingNode mapping,
        IReadOnlySet<string> reservedKeys,
        JsonObject? fileMeta,
        string display,
        Func<string, YamlNode, string> resolveFile)
    {
        var meta = AppLoader.Child(mapping, "meta") is { } m ? AppLoader.AsObject(m, $"{id.Name}.meta", display, resolveFile) : [];
        var data = AppLoader.Child(mapping, "data") is { } d ? AppLoader.AsObject(d, $"{id.Name}.data", display, resolveFile) : [];
        foreach (var (key, value) in mapping.Children)
        {
            var keyName = YamlJson.Key(key);
            if (reservedKeys.Contains(keyName)) continue;
            if (data.ContainsKey(keyName))
            {
                throw new AppLoadException(display, key.Start.Line, $"entry '{id.Name}': '{keyName}' is given both at the top level and under 'data'");
            }
            data[keyName] = YamlJson.Convert(value, resolveFile);
        }
        if (fileMeta is not null)
        {
            foreach (var (key, value) in fileMeta)
            {
                if (!meta.ContainsKey(key)) meta[key] = value?.DeepClone();
            }
        }
        try
        {
            return Entry.Create(id, kind, meta, data);
        }
        catch (ArgumentException ex)
        {
            throw new AppLoadException(display, mapping.Start.Line, ex.Message, ex);
        }
    }
}
