namespace MicroAgi.Registry;

/// <summary>Works out the changeset that brings the current state back to an earlier version.</summary>
internal static class RollbackPlanner
{
    /// <param name="touched">The ids changed by versions after the target.</param>
    /// <param name="storedThen">Their stored state at the target (missing: none, the app's entry showed).</param>
    /// <param name="storedNow">Their stored state now.</param>
    public static ChangeSet Plan(
        RegistrySnapshot current,
        IReadOnlyCollection<EntryId> touched,
        IReadOnlyDictionary<EntryId, Entry?> storedThen,
        IReadOnlyDictionary<EntryId, Entry?> storedNow,
        long target)
    {
        var plan = new ChangeSet($"rollback to version {target}");
        foreach (var id in touched.OrderBy(id => id.ToString(), StringComparer.Ordinal))
        {
            if (!storedThen.TryGetValue(id, out var wanted))
            {
                // Not changed at runtime at the target: the app's entry as loaded now is what shows,
                // not the snapshot history recorded (the YAML may have changed since).
                if (storedNow.ContainsKey(id)) plan.Reset(id);
                continue;
            }
            var now = current.Get(id);
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
}
