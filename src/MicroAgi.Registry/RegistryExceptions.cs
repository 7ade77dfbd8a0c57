namespace MicroAgi.Registry;

/// <summary>A changeset that does not fit the current state; nothing of it was applied.</summary>
public sealed class ChangeSetConflictException(IReadOnlyList<string> problems)
    : Exception("changeset refused, nothing was applied: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>The registry's durable store could not be opened, read or written.</summary>
public sealed class RegistryStoreException(string message, Exception? inner = null) : Exception(message, inner);
