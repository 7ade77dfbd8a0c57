using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>
/// The named scopes defined by the <c>security.policy</c> entries of a registry. Always answers for the
/// registry's current version: when the version has moved on since the last call, the policies are
/// read again (unchanged entries keep their compiled form), so policies added, changed or deleted at
/// runtime take effect at the next call. Between changes a lookup is a dictionary read.
/// Thread-safe.
/// </summary>
public sealed class SecurityScopes
{
    private static readonly EntryQuery PolicyQuery = EntryQuery.ByKind(Policy.Kind);

    private readonly IRegistry? _registry;
    private readonly TimeSpan _regexTimeout;
    private PolicyCatalog _catalog;

    public SecurityScopes(IRegistry registry, TimeSpan? regexTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _regexTimeout = Policy.ValidTimeout(regexTimeout);
        _catalog = PolicyCatalog.Empty;
    }

    private SecurityScopes(IEnumerable<Entry> entries, TimeSpan regexTimeout)
    {
        _regexTimeout = regexTimeout;
        _catalog = PolicyCatalog.Empty.Next(0, entries.Where(e => e.Kind == Policy.Kind), regexTimeout);
    }

    /// <summary>Scopes over a fixed set of entries (entries of other kinds are ignored).</summary>
    public static SecurityScopes FromEntries(IEnumerable<Entry> entries, TimeSpan? regexTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new SecurityScopes(entries, Policy.ValidTimeout(regexTimeout));
    }

    /// <summary>The valid policies of the current version, ordered by id.</summary>
    public IReadOnlyList<Policy> Policies => Current().Policies;

    /// <summary>The policy entries of the current version that could not be compiled.</summary>
    public IReadOnlyList<PolicyProblem> Problems => Current().Problems;

    /// <summary>The scope ids that at least one policy entry names, ordered.</summary>
    public IReadOnlyList<EntryId> ScopeIds => [.. Current().ScopeIds.OrderBy(id => id.ToString(), StringComparer.Ordinal)];

    /// <summary>
    /// The scope <paramref name="scopeId"/> (<c>namespace:group</c>, e.g. <c>app:agent_security</c>) as of
    /// the registry's current version. A group no policy names gives <see cref="SecurityScope.Empty"/>,
    /// which yields <see cref="PolicyResult.Undefined"/>. The returned scope does not follow later
    /// changes: ask again for each decision (it is cheap).
    /// Throws <see cref="InvalidPolicyException"/> when a policy of this scope is broken.
    /// </summary>
    public SecurityScope NamedScope(string scopeId)
    {
        if (!EntryId.TryParse(scopeId, out var id, out var error))
            throw new ArgumentException($"scope name is not 'namespace:group' ({error}); e.g. app:agent_security", nameof(scopeId));
        return NamedScope(id);
    }

    /// <inheritdoc cref="NamedScope(string)"/>
    public SecurityScope NamedScope(EntryId scopeId) => Current().Scope(scopeId);

    private PolicyCatalog Current()
    {
        var catalog = Volatile.Read(ref _catalog);
        if (_registry is null || _registry.Version == catalog.Version) return catalog;

        var snapshot = _registry.Snapshot();
        var next = catalog.Next(snapshot.Version, snapshot.Find(PolicyQuery), _regexTimeout);
        // Publish unless another thread already published the same or a newer version meanwhile.
        while (true)
        {
            var seen = Volatile.Read(ref _catalog);
            if (seen.Version >= next.Version) return next;
            if (ReferenceEquals(Interlocked.CompareExchange(ref _catalog, next, seen), seen)) return next;
        }
    }
}
