namespace MicroAgi.Registry;

/// <summary>The one definition of "this entry matches that query", used by every index and store.</summary>
internal sealed class EntryQueryMatcher
{
    private readonly EntryQuery _query;
    private readonly MetaFieldMatcher[] _meta;

    public EntryQueryMatcher(EntryQuery query)
    {
        _query = query;
        _meta = query.Meta.Select(f => new MetaFieldMatcher(f)).ToArray();
    }

    public bool Matches(Entry entry)
    {
        if (_query.Kind is not null && !KindPattern.Matches(_query.Kind, entry.Kind)) return false;
        if (_query.Namespace is not null && !string.Equals(entry.Id.Namespace, _query.Namespace, StringComparison.Ordinal)) return false;
        if (_query.Name is not null && !string.Equals(entry.Id.Name, _query.Name, StringComparison.Ordinal)) return false;
        foreach (var matcher in _meta)
        {
            if (!matcher.Matches(entry)) return false;
        }
        return true;
    }
}
