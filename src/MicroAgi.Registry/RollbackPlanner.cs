namespace MicroAgi.Registry;

/// <summary>Works out the changeset that brings the current state back to an earlier version.</summary>
internal static class RollbackPlanner
{
    /// <param name="history">Every stored version, so the planner knows which ids the target had changed.</param>
    public static ChangeSet Plan(RegistrySnapshot current, IReadOnlyList<RegistryVersion> history, long target)
    {
        var ordered = history.OrderBy(v => v.Number).ToList();
        // Each id's last change up to the target (what it held then) and its last change of all (whether it is overridden now).
        var atTarget = LastChanges(ordered.Where(v => v.Number <= target));
        var latest = LastChanges(ordered);
        var touchedLater = ordered.Where(v => v.Number > target).SelectMany(v => v.Changes).Select(c => c.Id).ToHashSet();

        var plan = new ChangeSet($"rollback to version {target}");
        foreach (var id in touchedLater.OrderBy(id => id.ToString(), StringComparer.Ordinal))
        {
            if (!atTarget.TryGetValue(id, out var then) || then.Kind == ChangeKind.Reset)
            {
                // Not changed at runtime at the target: the app's entry as loaded now is what shows,
                // not the snapshot history recorded (the YAML may have changed since).
                if (latest[id].Kind != ChangeKind.Reset) plan.Reset(id);
                continue;
            }
            var now = current.Get(id);
            var wanted = then.After;
            if (Equals(now, wanted)) continue;
            if (now is null) plan.Create(wanted!);
            else if (wanted is null) plan.Delete(id);
            else if (now.Kind == wanted.Kind) plan.Update(wanted);
            else plan.Delete(id).Create(wanted);
        }
        if (plan.Operations.Count == 0)
        {
            throw new InvalidOperationException($"nothing to roll back: the registry already equals version {target}");
        }
        return plan;
    }

    private static Dictionary<EntryId, EntryChange> LastChanges(IEnumerable<RegistryVersion> versions)
    {
        var last = new Dictionary<EntryId, EntryChange>();
        foreach (var change in versions.SelectMany(v => v.Changes)) last[change.Id] = change;
        return last;
    }
}
