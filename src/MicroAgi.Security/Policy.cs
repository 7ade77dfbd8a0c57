using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>
/// A compiled <c>security.policy</c> entry. It applies to a request when one of its action patterns
/// matches the action, one of its resource patterns matches the resource and every condition holds;
/// then it yields its effect, otherwise <see cref="PolicyResult.Undefined"/>. Immutable and safe to
/// evaluate from many threads; regexes are compiled once, when the policy is built.
/// </summary>
public sealed class Policy
{
    /// <summary>The registry kind of policy entries.</summary>
    public const string Kind = "security.policy";

    // Arrays, not IReadOnlyList: foreach over an interface boxes an enumerator on every evaluation.
    private readonly PolicyPattern[] _actions;
    private readonly PolicyPattern[] _resources;
    private readonly PolicyCondition[] _conditions;

    internal Policy(EntryId id, PolicyPattern[] actions, PolicyPattern[] resources,
        PolicyEffect effect, PolicyCondition[] conditions, IReadOnlyList<EntryId> groups)
    {
        Id = id;
        _actions = actions;
        _resources = resources;
        Effect = effect;
        _conditions = conditions;
        Groups = groups;
    }

    /// <summary>How long one <c>matches</c>/<c>nmatches</c> test may run before evaluation fails.</summary>
    public static TimeSpan DefaultRegexTimeout { get; } = TimeSpan.FromMilliseconds(100);

    public EntryId Id { get; }
    public IReadOnlyList<PolicyPattern> Actions => _actions;
    public IReadOnlyList<PolicyPattern> Resources => _resources;
    public PolicyEffect Effect { get; }
    public IReadOnlyList<PolicyCondition> Conditions => _conditions;

    /// <summary>The named scopes this policy belongs to, fully qualified (<c>app:agent_security</c>).</summary>
    public IReadOnlyList<EntryId> Groups { get; }

    /// <summary>
    /// Compiles a policy entry. Throws <see cref="InvalidPolicyException"/> naming the entry and the
    /// problem when the entry is not a well-formed policy.
    /// </summary>
    public static Policy FromEntry(Entry entry, TimeSpan? regexTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return PolicyParser.Parse(entry, ValidTimeout(regexTimeout));
    }

    public PolicyResult Evaluate(Actor actor, string action, string resource, JsonObject? meta = null) =>
        Evaluate(EvaluationContext.Create(actor, action, resource, meta));

    public PolicyResult Evaluate(Actor actor, string action, string resource, JsonElement meta) =>
        Evaluate(EvaluationContext.Create(actor, action, resource, meta));

    internal PolicyResult Evaluate(in EvaluationContext context)
    {
        if (!AnyMatches(_actions, context.Action) || !AnyMatches(_resources, context.Resource)) return PolicyResult.Undefined;
        foreach (var condition in _conditions)
        {
            if (!condition.Holds(context)) return PolicyResult.Undefined;
        }
        return Effect == PolicyEffect.Deny ? PolicyResult.Deny : PolicyResult.Allow;
    }

    public override string ToString() => $"{Id} ({Effect.ToString().ToLowerInvariant()})";

    internal static TimeSpan ValidTimeout(TimeSpan? timeout)
    {
        var value = timeout ?? DefaultRegexTimeout;
        if (value <= TimeSpan.Zero || value.TotalDays >= 24)
            throw new ArgumentOutOfRangeException(nameof(timeout), value, "the regex timeout must be positive and shorter than 24 days");
        return value;
    }

    private static bool AnyMatches(PolicyPattern[] patterns, string value)
    {
        foreach (var pattern in patterns)
        {
            if (pattern.Matches(value)) return true;
        }
        return false;
    }
}
