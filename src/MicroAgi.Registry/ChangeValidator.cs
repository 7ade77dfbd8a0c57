namespace MicroAgi.Registry;

/// <summary>Checks a changeset against a state, operation by operation, and says what each would do.</summary>
internal static class ChangeValidator
{
    /// <param name="appEntries">The base (YAML) entries: what a reset brings back.</param>
    public static IReadOnlyList<EntryChange> Validate(
        RegistrySnapshot state, ChangeSet changes, IReadOnlyList<IEntryValidator> validators, IReadOnlyDictionary<EntryId, Entry> appEntries)
    {
        // Operations see the effect of the ones before them, so "delete x, create x" is allowed.
        var working = new Dictionary<EntryId, Entry?>();
        var problems = new List<string>();
        var result = new List<EntryChange>(changes.Operations.Count);
        for (var i = 0; i < changes.Operations.Count; i++)
        {
            var op = changes.Operations[i];
            var existing = working.TryGetValue(op.Id, out var pending) ? pending : state.Get(op.Id);
            var problem = op.Kind switch
            {
                ChangeKind.Create when existing is not null => $"create {op.Id}: the entry already exists (use update)",
                ChangeKind.Update when existing is null => $"update {op.Id}: no such entry (use create)",
                ChangeKind.Update when existing.Kind != op.Entry!.Kind =>
                    $"update {op.Id}: would change kind from '{existing.Kind}' to '{op.Entry.Kind}' (delete it and create it instead)",
                ChangeKind.Delete when existing is null => $"delete {op.Id}: no such entry",
                _ => null,
            };
            if (problem is not null)
            {
                problems.Add($"operation {i + 1}: {problem}");
                continue;
            }
            if (op.Entry is not null)
            {
                var invalid = validators.SelectMany(v => v.Validate(op.Entry)).ToList();
                if (invalid.Count > 0)
                {
                    problems.AddRange(invalid.Select(p => $"operation {i + 1}: {op.Kind.ToString().ToLowerInvariant()} {op.Id}: {p}"));
                    continue;
                }
            }
            var after = op.Kind == ChangeKind.Reset ? appEntries.GetValueOrDefault(op.Id) : op.Entry;
            working[op.Id] = after;
            result.Add(new EntryChange(op.Kind, op.Id, existing, after));
        }
        if (problems.Count > 0) throw new ChangeSetConflictException(problems);
        return result;
    }
}
