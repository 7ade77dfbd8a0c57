using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>
/// A <c>security.policy</c> entry that cannot be used. The message names the entry and says what is
/// wrong and how to write it instead.
/// </summary>
public sealed class InvalidPolicyException(EntryId policyId, string problem)
    : Exception($"invalid security policy '{policyId}': {problem}")
{
    public EntryId PolicyId { get; } = policyId;

    /// <summary>What is wrong, without the policy id prefix.</summary>
    public string Problem { get; } = problem;
}

/// <summary>
/// A policy could not be evaluated for a request (a <c>matches</c> pattern ran past its time limit).
/// Evaluation fails closed: no result is produced, so a caller cannot mistake it for "no objection".
/// </summary>
public sealed class PolicyEvaluationException(EntryId policyId, string problem, Exception? inner = null)
    : Exception($"security policy '{policyId}' could not be evaluated: {problem}", inner)
{
    public EntryId PolicyId { get; } = policyId;
}
