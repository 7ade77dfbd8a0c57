using System.Text.Json.Nodes;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;

namespace MicroAgi.Security.Tests;

/// <summary>The agent_security scope of seed 000: the agent may write app.generated:* but not app:* or app.tools:*.</summary>
public sealed class SeedPolicyTests
{
    private static readonly Actor Agent = new("service:agent", new JsonObject { ["role"] = "agent" });

    public static TheoryData<string, string, PolicyResult> SeedCases => new()
    {
        { "create", "app:dev_assistant", PolicyResult.Deny },
        { "update", "app:dev_assistant", PolicyResult.Deny },
        { "create", "app.tools:doc_search", PolicyResult.Deny },
        { "update", "app.tools:doc_search", PolicyResult.Deny },
        { "create", "app.generated:anything", PolicyResult.Undefined },
        { "update", "app.generated:anything", PolicyResult.Undefined },
    };

    [Theory]
    [MemberData(nameof(SeedCases))]
    public void Seed_agent_security_scope_guards_core_and_tool_namespaces(string action, string resource, PolicyResult expected)
    {
        var scopes = SecurityScopes.FromEntries(PolicyEntries.SeedAgentSecurity());

        Assert.Equal(expected, scopes.NamedScope("app:agent_security").Evaluate(Agent, action, resource));
    }

    [Fact]
    public void Seed_denials_name_the_policy_that_matched()
    {
        var scope = SecurityScopes.FromEntries(PolicyEntries.SeedAgentSecurity()).NamedScope("app:agent_security");

        Assert.Equal(EntryId.Parse("app:deny_core_ns"), scope.Decide(Agent, "create", "app:dev_assistant").DecidedBy);
        Assert.Equal(EntryId.Parse("app:deny_tools_ns"), scope.Decide(Agent, "create", "app.tools:doc_search").DecidedBy);
    }

    [Theory]
    [MemberData(nameof(SeedCases))]
    public void Seed_policies_written_as_yaml_give_the_same_answers(string action, string resource, PolicyResult expected)
    {
        var root = Directory.CreateTempSubdirectory("microagi-security-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, AppLoader.IndexFileName), """
                version: "1.0"
                namespace: app
                entries:
                  - name: deny_core_ns
                    kind: security.policy
                    policy:
                      actions: "*"
                      resources: "app:*"
                      effect: deny
                    groups:
                      - agent_security
                  - name: deny_tools_ns
                    kind: security.policy
                    policy:
                      actions: "*"
                      resources: "app.tools:*"
                      effect: deny
                    groups:
                      - agent_security
                """);
            var entries = AppLoader.Load(new DirectoryAppFiles(root.FullName));

            var scope = SecurityScopes.FromEntries(entries).NamedScope("app:agent_security");

            Assert.Equal(2, scope.Policies.Count);
            Assert.Equal(expected, scope.Evaluate(Agent, action, resource));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
