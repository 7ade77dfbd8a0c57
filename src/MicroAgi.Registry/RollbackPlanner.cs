namespace MicroAgi.Registry;

/// <summary>Works out the changeset that brings the current state back to an earlier version.</summary>
internal static class RollbackPlanner
{
    public static ChangeSet Plan(RegistrySnapshot current, IReadOnlyList<RegistryVersion> laterVersions, long target)
    {
        // An entry's state at the target version is its "before" in the first later version that touched it.
        var targetState = new Dictionary<EntryId, Entry?>();
        foreach (var change in laterVersions.OrderBy(v => v.Number).SelectMany(v => v.Changes))
        {
            targetState.TryAdd(change.Id, change.Before);
        }

        var plan = new ChangeSet($"rollback to version {target}");
        foreach (var (id, wanted) in targetState.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
        {
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
