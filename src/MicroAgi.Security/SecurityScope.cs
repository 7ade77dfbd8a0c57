using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>What a scope decided, and which policy decided it (null when the result is undefined).</summary>
public readonly record struct ScopeDecision(PolicyResult Result, EntryId? DecidedBy)
{
    public static ScopeDecision Undefined { get; } = new(PolicyResult.Undefined, null);
}

/// <summary>
/// A list of policies evaluated together: policies that do not apply are skipped, the first deny
/// wins, otherwise the result is allow if any policy allowed, else undefined. The order of the
/// policies therefore never changes the result, only which deny is reported. Immutable.
/// </summary>
public sealed class SecurityScope
{
    private readonly Policy[] _policies;

    public SecurityScope(IEnumerable<Policy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        _policies = [.. policies];
        if (_policies.Any(p => p is null)) throw new ArgumentException("a scope cannot hold a null policy", nameof(policies));
    }

    /// <summary>A scope without policies: every request is <see cref="PolicyResult.Undefined"/>.</summary>
    public static SecurityScope Empty { get; } = new([]);

    public IReadOnlyList<Policy> Policies => _policies;

    public PolicyResult Evaluate(Actor actor, string action, string resource, JsonObject? meta = null) =>
        Decide(EvaluationContext.Create(actor, action, resource, meta)).Result;

    public PolicyResult Evaluate(Actor actor, string action, string resource, JsonElement meta) =>
        Decide(EvaluationContext.Create(actor, action, resource, meta)).Result;

    public ScopeDecision Decide(Actor actor, string action, string resource, JsonObject? meta = null) =>
        Decide(EvaluationContext.Create(actor, action, resource, meta));

    public ScopeDecision Decide(Actor actor, string action, string resource, JsonElement meta) =>
        Decide(EvaluationContext.Create(actor, action, resource, meta));

    private ScopeDecision Decide(in EvaluationContext context)
    {
        EntryId? firstAllow = null;
        foreach (var policy in _policies)
        {
            switch (policy.Evaluate(context))
            {
                case PolicyResult.Deny:
                    return new ScopeDecision(PolicyResult.Deny, policy.Id);
                case PolicyResult.Allow:
                    firstAllow ??= policy.Id;
                    break;
            }
        }
        return firstAllow is { } id ? new ScopeDecision(PolicyResult.Allow, id) : ScopeDecision.Undefined;
    }
}
