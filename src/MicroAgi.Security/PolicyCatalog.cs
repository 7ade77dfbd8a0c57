using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>
/// Every policy entry of one registry version, compiled, grouped into named scopes. Immutable:
/// a new version gets a new catalogue, which reuses the compiled policies of unchanged entries.
/// </summary>
internal sealed class PolicyCatalog
{
    private readonly Dictionary<EntryId, Compiled> _byEntry;
    private readonly Dictionary<EntryId, SecurityScope> _scopes;
    private readonly Dictionary<EntryId, PolicyProblem> _brokenScopes;
    private readonly PolicyProblem? _brokenEverywhere;

    private PolicyCatalog(long version, Dictionary<EntryId, Compiled> byEntry)
    {
        Version = version;
        _byEntry = byEntry;
        var ordered = byEntry.Values.OrderBy(c => c.Entry.Id.ToString(), StringComparer.Ordinal).ToList();
        Policies = ordered.Where(c => c.Policy is not null).Select(c => c.Policy!).ToList();
        Problems = ordered.Where(c => c.Problem is not null).Select(c => c.Problem!).ToList();

        _scopes = Policies
            .SelectMany(p => p.Groups.Select(group => (group, policy: p)))
            .GroupBy(x => x.group)
            .ToDictionary(g => g.Key, g => new SecurityScope(g.Select(x => x.policy)));

        _brokenScopes = [];
        foreach (var compiled in ordered.Where(c => c.Problem is not null))
        {
            if (compiled.Groups is null)
            {
                _brokenEverywhere ??= compiled.Problem;
                continue;
            }
            foreach (var group in compiled.Groups) _brokenScopes.TryAdd(group, compiled.Problem!);
        }
    }

    public static PolicyCatalog Empty { get; } = new(-1, []);

    public long Version { get; }

    public IReadOnlyList<Policy> Policies { get; }

    public IReadOnlyList<PolicyProblem> Problems { get; }

    public IEnumerable<EntryId> ScopeIds => _scopes.Keys.Concat(_brokenScopes.Keys).Distinct();

    /// <summary>
    /// The scope of a group. A broken policy fails its own scopes closed (and every scope when its groups
    /// cannot even be read): silently dropping a broken deny policy would open what it was meant to close.
    /// </summary>
    public SecurityScope Scope(EntryId scopeId)
    {
        if (_brokenEverywhere is not null) throw _brokenEverywhere.ToException();
        if (_brokenScopes.TryGetValue(scopeId, out var problem)) throw problem.ToException();
        return _scopes.GetValueOrDefault(scopeId) ?? SecurityScope.Empty;
    }

    public PolicyCatalog Next(long version, IEnumerable<Entry> policyEntries, TimeSpan regexTimeout)
    {
        var byEntry = new Dictionary<EntryId, Compiled>();
        foreach (var entry in policyEntries)
        {
            byEntry[entry.Id] = _byEntry.TryGetValue(entry.Id, out var previous) && previous.Entry.Equals(entry)
                ? previous
                : Compile(entry, regexTimeout);
        }
        return new PolicyCatalog(version, byEntry);
    }

    private static Compiled Compile(Entry entry, TimeSpan regexTimeout)
    {
        IReadOnlyList<EntryId>? groups = null;
        try
        {
            groups = PolicyParser.ParseGroups(entry);
            return new Compiled(entry, PolicyParser.Parse(entry, regexTimeout), groups, null);
        }
        catch (InvalidPolicyException ex)
        {
            return new Compiled(entry, null, groups, new PolicyProblem(ex.PolicyId, ex.Problem));
        }
    }

    private sealed record Compiled(Entry Entry, Policy? Policy, IReadOnlyList<EntryId>? Groups, PolicyProblem? Problem);
}
