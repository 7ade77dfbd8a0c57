using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Self;

/// <summary>
/// A named configuration: every writable setting (its value, or null where it was as configured), the
/// runtime variables and the tools unregistered at the time.
/// </summary>
public sealed partial record SelfSnapshot(string Name, DateTimeOffset SavedAt, JsonObject Settings, JsonObject RuntimeVars, IReadOnlyList<string> UnregisteredTools)
{
    public const int FormatVersion = 1;

    /// <returns>What is wrong with a snapshot name, or null when it is fine (it is also a file name).</returns>
    public static string? NameProblem(string? name) =>
        name is not null && ValidName().IsMatch(name)
            ? null
            : $"'{name}' cannot name a snapshot: use letters, digits, _, - and . (1 to 64, starting with a letter or digit), e.g. coding_mode";

    public JsonObject ToJson() => new()
    {
        ["version"] = FormatVersion,
        ["name"] = Name,
        ["saved_at"] = SavedAt.ToString("O", CultureInfo.InvariantCulture),
        ["settings"] = Settings.DeepClone(),
        ["runtime_vars"] = RuntimeVars.DeepClone(),
        ["unregistered_tools"] = new JsonArray([.. UnregisteredTools.Select(t => (JsonNode)t)]),
    };

    /// <exception cref="FormatException">The JSON is not a snapshot this version reads.</exception>
    public static SelfSnapshot FromJson(JsonNode? json)
    {
        if (json is not JsonObject obj) throw new FormatException("a snapshot is a JSON object");
        if ((int?)obj["version"] is not FormatVersion) throw new FormatException($"snapshot format version {obj["version"]?.ToJsonString() ?? "(none)"} is not {FormatVersion}");
        var name = obj["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        if (NameProblem(name) is { } problem) throw new FormatException(problem);
        if (!DateTimeOffset.TryParse((string?)obj["saved_at"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var saved))
            throw new FormatException("'saved_at' is not a time");
        var tools = obj["unregistered_tools"] as JsonArray ?? [];
        return new SelfSnapshot(
            name!,
            saved,
            obj["settings"] as JsonObject is { } settings ? (JsonObject)settings.DeepClone() : throw new FormatException("'settings' is not an object"),
            obj["runtime_vars"] as JsonObject is { } vars ? (JsonObject)vars.DeepClone() : throw new FormatException("'runtime_vars' is not an object"),
            [.. tools.Select(t => t is JsonValue v && v.GetValueKind() == JsonValueKind.String && EntryId.TryParse(v.GetValue<string>(), out _)
                ? v.GetValue<string>()
                : throw new FormatException("'unregistered_tools' holds something that is not a tool id"))]);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex ValidName();
}

/// <summary>
/// Where snapshots are kept: in memory for the session (as in the seed), and — when saved with
/// <c>persist</c> — as <c>&lt;name&gt;.json</c> in a directory (the state directory's <c>self/snapshots</c>),
/// so a good configuration survives a restart.
/// </summary>
public sealed class SnapshotStore(string? directory)
{
    public const int MaxSnapshots = 64;

    private readonly Dictionary<string, SelfSnapshot> _memory = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The directory persisted snapshots go to; null when persisting is not available.</summary>
    public string? Directory { get; } = directory;

    /// <summary>Keeps <paramref name="snapshot"/> (replacing one of the same name) and, when asked, writes it to <see cref="Directory"/>.</summary>
    /// <returns>Null, or why it could not be kept.</returns>
    public string? Save(SelfSnapshot snapshot, bool persist)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            if (!_memory.ContainsKey(snapshot.Name) && _memory.Count >= MaxSnapshots)
                return $"there are already {MaxSnapshots} snapshots in this session; overwrite one by saving under its name";
            if (persist)
            {
                if (Directory is null) return "persisting is not available in this session (no state directory); save without persist";
                System.IO.Directory.CreateDirectory(Directory);
                var path = PathOf(Directory, snapshot.Name);
                var temporary = path + ".tmp";
                File.WriteAllText(temporary, snapshot.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                File.Move(temporary, path, overwrite: true);
            }
            _memory[snapshot.Name] = snapshot;
            return null;
        }
    }

    /// <summary>The snapshot of that name: this session's, else a persisted one.</summary>
    /// <exception cref="FormatException">The persisted file is damaged.</exception>
    public SelfSnapshot? Find(string name)
    {
        lock (_gate)
        {
            if (_memory.TryGetValue(name, out var snapshot)) return snapshot;
        }
        if (Directory is null || SelfSnapshot.NameProblem(name) is not null) return null;
        var path = PathOf(Directory, name);
        return File.Exists(path) ? Read(path) : null;
    }

    /// <summary>The names of every snapshot, this session's and persisted, each once, in order; and which are persisted.</summary>
    public (IReadOnlyList<string> All, IReadOnlySet<string> Persisted) Names()
    {
        var persisted = Directory is null ? [] : PersistedNames(Directory).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            return ([.. _memory.Keys.Concat(persisted).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], persisted);
        }
    }

    /// <summary>The persisted snapshots of <paramref name="directory"/>; a damaged file is listed with its problem.</summary>
    public static IReadOnlyList<(string Name, SelfSnapshot? Snapshot, string? Problem)> ReadAll(string directory) =>
        [.. PersistedNames(directory).Select(name =>
        {
            try
            {
                return (name, (SelfSnapshot?)Read(PathOf(directory, name)), (string?)null);
            }
            catch (FormatException ex)
            {
                return (name, null, ex.Message);
            }
        })];

    private static IEnumerable<string> PersistedNames(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.EnumerateFiles(directory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>()
                .Where(n => SelfSnapshot.NameProblem(n) is null).Order(StringComparer.Ordinal)
            : [];

    private static string PathOf(string directory, string name) => Path.Combine(directory, name + ".json");

    private static SelfSnapshot Read(string path)
    {
        try
        {
            var snapshot = SelfSnapshot.FromJson(JsonNode.Parse(File.ReadAllText(path)));
            return snapshot.Name == Path.GetFileNameWithoutExtension(path)
                ? snapshot
                : throw new FormatException($"it says it is '{snapshot.Name}'");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path} is not valid JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }
}
