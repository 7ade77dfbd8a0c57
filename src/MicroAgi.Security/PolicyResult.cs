namespace MicroAgi.Security;

/// <summary>
/// The outcome of evaluating a policy or a scope. <see cref="Undefined"/> means "no policy had an
/// opinion"; what to do then is the caller's choice (create_tool, for example, proceeds).
/// </summary>
public enum PolicyResult
{
    Undefined,
    Allow,
    Deny,
}

/// <summary>What a policy decides when it applies.</summary>
public enum PolicyEffect
{
    Allow,
    Deny,
}
