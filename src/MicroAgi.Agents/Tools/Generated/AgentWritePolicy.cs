using System.Text.Json.Nodes;
using MicroAgi.Registry;
using MicroAgi.Security;

namespace MicroAgi.Agents.Tools.Generated;

/// <summary>
/// The security check before the agent writes an entry of its own (<c>create_tool</c>, <c>add_mcp_server</c>,
/// <c>microagi tools create</c>): the named scope <c>app:agent_security</c> decides for the actor
/// <c>service:agent</c>. A scope that cannot be loaded or evaluated refuses: a policy that cannot answer is
/// not "no objection".
/// </summary>
public sealed class AgentWritePolicy(SecurityScopes scopes)
{
    public const string SecurityScopeId = "app:agent_security";

    /// <summary>Who asks the policy: the agent, whoever (agent or CLI) runs the write.</summary>
    public static Actor AgentActor { get; } = new("service:agent", new JsonObject { ["role"] = "agent" });

    /// <summary>Why the agent may not <paramref name="action"/> (<c>create</c>, <c>update</c>) <paramref name="id"/>, or null when it may.</summary>
    public string? Refusal(string action, EntryId id)
    {
        ScopeDecision decision;
        try
        {
            decision = scopes.NamedScope(SecurityScopeId).Decide(AgentActor, action, id.ToString());
        }
        catch (InvalidPolicyException e)
        {
            return $"failed to load security scope {SecurityScopeId}: {e.Message}";
        }
        catch (PolicyEvaluationException e)
        {
            return $"policy check failed, nothing was written: {e.Message}";
        }
        return decision.Result == PolicyResult.Deny ? $"policy denied: {action} on {id}" : null;
    }
}
