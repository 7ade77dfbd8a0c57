using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>A policy entry that could not be compiled, and why.</summary>
public sealed record PolicyProblem(EntryId PolicyId, string Problem)
{
    internal InvalidPolicyException ToException() => new(PolicyId, Problem);

    public override string ToString() => ToException().Message;
}
