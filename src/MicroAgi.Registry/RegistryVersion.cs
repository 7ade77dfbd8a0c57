namespace MicroAgi.Registry;

/// <summary>What one applied operation did to one entry: its state before and after (null = absent).</summary>
public sealed record EntryChange(ChangeKind Kind, EntryId Id, Entry? Before, Entry? After);

/// <summary>An applied changeset: its number, when it was applied, what it changed, and who wrote it.</summary>
public sealed record RegistryVersion(long Number, DateTimeOffset AppliedAt, string? Description, IReadOnlyList<EntryChange> Changes)
{
    /// <summary>Null in versions stored before authors were recorded.</summary>
    public VersionAuthor? Author { get; init; }

    /// <summary>How many changes the version made: more than <see cref="Changes"/> holds when it was read as a summary.</summary>
    public int ChangeCount
    {
        get => _changeCount ?? Changes.Count;
        init => _changeCount = value;
    }

    private readonly int? _changeCount;
}

public sealed class RegistryChangedEventArgs(RegistryVersion version) : EventArgs
{
    public RegistryVersion Version { get; } = version;
}
