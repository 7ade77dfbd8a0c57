namespace MicroAgi.Registry;

public enum ChangeKind
{
    Create,
    Update,
    Delete,

    /// <summary>
    /// The id's runtime changes set aside: the app's entry (YAML, version 0) shows through again, or
    /// nothing when the app has none. Rollback uses it for ids the target version had not changed yet.
    /// </summary>
    Reset,
}

/// <summary>One requested operation: the entry to create or update, or the id to delete.</summary>
public sealed record ChangeOperation(ChangeKind Kind, EntryId Id, Entry? Entry);

/// <summary>
/// An ordered list of operations to apply together. Nothing happens until it is passed to
/// <see cref="IRegistry.ApplyAsync"/>, which applies all of them or none.
/// </summary>
public sealed class ChangeSet
{
    private readonly List<ChangeOperation> _operations = [];

    public ChangeSet(string? description = null) => Description = description;

    /// <summary>A short note stored with the version this changeset becomes (shown by history).</summary>
    public string? Description { get; }

    public IReadOnlyList<ChangeOperation> Operations => _operations;

    /// <summary>Who writes this changeset, over the registry's own author (set an agent, say); null: the registry's.</summary>
    public VersionAuthor? Author { get; private set; }

    /// <summary>Records <paramref name="author"/>'s known parts as the version's author.</summary>
    public ChangeSet By(VersionAuthor author)
    {
        ArgumentNullException.ThrowIfNull(author);
        Author = author;
        return this;
    }

    public ChangeSet Create(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _operations.Add(new ChangeOperation(ChangeKind.Create, entry.Id, entry));
        return this;
    }

    public ChangeSet Update(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _operations.Add(new ChangeOperation(ChangeKind.Update, entry.Id, entry));
        return this;
    }

    public ChangeSet Delete(EntryId id)
    {
        _operations.Add(new ChangeOperation(ChangeKind.Delete, id, null));
        return this;
    }

    internal ChangeSet Reset(EntryId id)
    {
        _operations.Add(new ChangeOperation(ChangeKind.Reset, id, null));
        return this;
    }
}
