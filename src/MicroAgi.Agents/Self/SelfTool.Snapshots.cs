using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Self;

public sealed partial class SelfTool
{
    /// <summary>snapshot: the writable settings, runtime variables and unregistered tools under a name; persisted on request.</summary>
    private SelfOutcome Snapshot(string? name, JsonNode? persistArgument)
    {
        if (SelfSnapshot.NameProblem(name) is { } problem) return SelfOutcome.Fail("snapshot", name ?? "", name is null ? "snapshot needs 'name', e.g. coding_mode" : problem);
        var persist = persistArgument switch
        {
            null => false,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw new ArgumentException("'persist' must be true or false"),
        };
        var settings = new JsonObject();
        foreach (var (path, property) in _surface.WritableProperties())
            settings[path] = property.Setter!.IsChanged() ? property.Read() : null;
        var snapshot = new SelfSnapshot(name!, _clock.GetUtcNow(), settings, _vars.ToJson(), [.. Tuning.UnregisteredTools.Select(t => t.ToString())]);
        if (_snapshots.Save(snapshot, persist) is { } error) return SelfOutcome.Fail("snapshot", name!, error);
        var message = persist ? $"Snapshot '{name}' saved and persisted (it survives a restart)" : $"Snapshot '{name}' saved";
        return SelfOutcome.Done(message, $"snapshot {name}{(persist ? " (persisted)" : "")}", snapshot.ToJson());
    }

    /// <summary>restore: applies a snapshot, each value checked again (a persisted one may be old or edited).</summary>
    private SelfOutcome Restore(string? name)
    {
        if (name is null) return SelfOutcome.Fail("restore", "", "restore needs 'name'; list_snapshots shows them");
        SelfSnapshot? snapshot;
        try
        {
            snapshot = _snapshots.Find(name);
        }
        catch (FormatException ex)
        {
            return SelfOutcome.Fail("restore", name, $"snapshot '{name}' cannot be read: {ex.Message}");
        }
        if (snapshot is null) return SelfOutcome.Fail("restore", name, $"no snapshot '{name}'; there are: {Listed(_snapshots.Names().All)}");

        var skipped = new List<string>();
        var writable = _surface.WritableProperties().ToDictionary(w => w.Path, w => w.Property, StringComparer.Ordinal);
        foreach (var (path, value) in snapshot.Settings)
        {
            if (!writable.TryGetValue(path, out var property))
            {
                skipped.Add($"{path}: no such setting now");
                continue;
            }
            if (value is null)
            {
                property.Setter!.Reset();
            }
            else if (property.Setter!.Rule.TryAccept(path, value, out var accepted, out var error))
            {
                property.Setter.Apply(accepted);
            }
            else
            {
                skipped.Add(error);
            }
        }
        skipped.AddRange(_vars.ReplaceAll(snapshot.RuntimeVars));
        RestoreTools(snapshot, skipped);

        var message = $"Restored snapshot '{name}'";
        if (skipped.Count > 0) message += $"; not restored: {string.Join("; ", skipped)}";
        return SelfOutcome.Done(message, $"restore {name}", new JsonObject { ["snapshot"] = name, ["skipped"] = new JsonArray([.. skipped.Select(s => (JsonNode)s)]) });
    }

    /// <summary>The tool set of the snapshot: what it had unregistered is unregistered, the rest registered; critical tools stay.</summary>
    private void RestoreTools(SelfSnapshot snapshot, List<string> skipped)
    {
        var wanted = new HashSet<EntryId>();
        foreach (var text in snapshot.UnregisteredTools)
        {
            var id = EntryId.Parse(text);
            if (SelfWatchdog.CriticalTools.Contains(id)) skipped.Add($"{id} is critical and stays registered");
            else wanted.Add(id);
        }
        foreach (var id in Tuning.UnregisteredTools.Where(id => !wanted.Contains(id)).ToList()) Tuning.Reregister(id);
        foreach (var id in wanted) Tuning.Unregister(id);
    }

    private SelfOutcome ListSnapshots()
    {
        var (all, persisted) = _snapshots.Names();
        if (all.Count == 0) return SelfOutcome.Done("No snapshots saved; save one with action=snapshot, name=...", "list_snapshots");
        var message = $"Snapshots ({all.Count}): [{string.Join(", ", all.Select(n => $"'{n}'"))}]";
        if (persisted.Count > 0) message += $"\npersisted (they survive a restart): [{string.Join(", ", persisted.Order(StringComparer.Ordinal).Select(n => $"'{n}'"))}]";
        return SelfOutcome.Done(message, "list_snapshots");
    }
}
