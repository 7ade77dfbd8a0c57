using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Approval;

/// <summary>
/// The "always for this workspace" answers, kept in one JSON file (<c>approvals.json</c> in the profile's
/// directory) keyed by the workspace's real path, so an approval given once sticks across sessions.
/// A file that cannot be read is treated as empty rather than failing the session.
/// </summary>
public sealed class StandingApprovals(string filePath, string workspace)
{
    private readonly Lock _gate = new();

    public bool Covers(string key)
    {
        lock (_gate) return KeysOf(Load()).Contains(key);
    }

    public void Add(string key)
    {
        lock (_gate)
        {
            var all = Load();
            var keys = KeysOf(all);
            if (!keys.Add(key)) return;
            all[workspace] = new JsonArray([.. keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)JsonValue.Create(k))]);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
            var temporary = filePath + ".tmp";
            File.WriteAllText(temporary, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.Move(temporary, filePath, overwrite: true);
        }
    }

    private HashSet<string> KeysOf(JsonObject all) =>
        all[workspace] is JsonArray list
            ? list.Select(k => k?.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : null).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    private JsonObject Load()
    {
        try
        {
            return File.Exists(filePath) && JsonNode.Parse(File.ReadAllText(filePath)) is JsonObject all ? all : [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
