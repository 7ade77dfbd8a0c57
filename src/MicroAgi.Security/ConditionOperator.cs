namespace MicroAgi.Security;

/// <summary>The operators a policy condition may use; the YAML spelling is the lower-case name.</summary>
public enum ConditionOperator
{
    Eq,
    Ne,
    Lt,
    Gt,
    Lte,
    Gte,
    In,
    Nin,
    Exists,
    Nexists,
    Contains,
    Ncontains,
    Matches,
    Nmatches,
}

internal static class ConditionOperatorNames
{
    private static readonly Dictionary<string, ConditionOperator> ByName =
        Enum.GetValues<ConditionOperator>().ToDictionary(op => op.ToString().ToLowerInvariant(), op => op, StringComparer.Ordinal);

    public static string AllNames { get; } = string.Join(", ", ByName.Keys);

    public static bool TryParse(string name, out ConditionOperator op) => ByName.TryGetValue(name, out op);

    public static string Name(this ConditionOperator op) => op.ToString().ToLowerInvariant();
}
