namespace MicroAgi.Registry;

/// <summary>How a <see cref="MetaFilter"/> compares a meta field with its value.</summary>
public enum MetaMatch
{
    Exact,
    Regex,
    Contains,
    Prefix,
    Suffix,
}

/// <summary>
/// A condition on one meta field. <see cref="Field"/> may be a dotted path (<c>pricing.input</c>).
/// Scalars compare by their text (<c>210</c>, <c>true</c>); an array matches when any element does.
/// </summary>
public sealed record MetaFilter(string Field, string Value, MetaMatch Match = MetaMatch.Exact);

/// <summary>
/// What to find. Every criterion that is set must hold. <see cref="Kind"/> is a glob where <c>*</c>
/// matches any run of characters (<c>function.*</c>); <see cref="Namespace"/> is exact (sub-namespaces
/// are not included); <see cref="Name"/> is the exact entry name.
/// </summary>
public sealed record EntryQuery
{
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<MetaFilter> Meta { get; init; } = [];

    public static EntryQuery All { get; } = new();

    public static EntryQuery ByKind(string kind) => new() { Kind = kind };

    public static EntryQuery ByNamespace(string @namespace) => new() { Namespace = @namespace };

    public static EntryQuery ByMeta(string field, string value, MetaMatch match = MetaMatch.Exact) =>
        new() { Meta = [new MetaFilter(field, value, match)] };

    public EntryQuery WithMeta(string field, string value, MetaMatch match = MetaMatch.Exact) =>
        this with { Meta = [.. Meta, new MetaFilter(field, value, match)] };
}
