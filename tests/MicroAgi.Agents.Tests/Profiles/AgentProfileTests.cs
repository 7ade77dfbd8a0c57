using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Profiles;
using MicroAgi.Agents.Tests.Policy;
using MicroAgi.Agents.Tools.Files;

namespace MicroAgi.Agents.Tests.Profiles;

/// <summary>Profiles on disk: creating, loading, every config.json error, and what goes into the system prompt.</summary>
public sealed class AgentProfileTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "microagi-profiles-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteConfig(string id, string json)
    {
        Directory.CreateDirectory(Path.Combine(_root, id));
        File.WriteAllText(Path.Combine(_root, id, AgentProfile.ConfigFile), json);
        return Path.Combine(_root, id, AgentProfile.ConfigFile);
    }

    private string LoadError(string json)
    {
        WriteConfig("p", json);
        return Assert.Throws<ProfileException>(() => AgentProfile.Load(_root, "p")).Message;
    }

    [Fact]
    public void A_new_profile_has_its_files_and_loads_with_no_restrictions()
    {
        var profile = AgentProfile.Create(_root, "coder", "The Coder");

        Assert.Equal("The Coder", profile.Name);
        Assert.Empty(profile.Tools.Global);
        foreach (var file in new[] { "config.json", "soul.md", "user.md", "workspace.md", "memory.md" }) Assert.True(File.Exists(Path.Combine(profile.Directory, file)), file);
        Assert.True(Directory.Exists(profile.MemoryDirectory));
        Assert.Equal(["coder"], AgentProfile.List(_root));
        Assert.Contains("already exists", Assert.Throws<ProfileException>(() => AgentProfile.Create(_root, "coder")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_is_read()
    {
        WriteConfig("ops", """
            {
              "name": "Ops", "provider": "anthropic", "model": "claude-haiku-4-5", "approval": "auto-edit",
              "workspace": "work", "self_evolution": true,
              "tools": { "allow": ["group:fs", "group:runtime"], "deny": ["process"],
                         "byProvider": { "Google": { "deny": ["exec"] } }, "subagents": { "deny": ["group:runtime"] } }
            }
            """);

        var profile = AgentProfile.Load(_root, "ops");

        Assert.Equal(("Ops", "anthropic", "claude-haiku-4-5", "auto-edit", true), (profile.Name, profile.Provider, profile.Model, profile.Approval, profile.SelfEvolution));
        Assert.Equal(Path.Combine(_root, "ops", "work"), profile.Workspace);
        var compiled = profile.Tools.Compile(PolicyFixture.Catalog);
        Assert.Empty(compiled.Problems);
        Assert.Equal(["edit", "exec", "glob", "read", "write"], PolicyFixture.Names(compiled.Filter(PolicyFixture.Hands, new ToolPolicyContext("openai"))));
        Assert.Equal(["edit", "glob", "read", "write"], PolicyFixture.Names(compiled.Filter(PolicyFixture.Hands, new ToolPolicyContext("google"))));
        var parent = PolicyFixture.Hands.Select(t => t.Id).ToHashSet();
        Assert.Equal(["edit", "glob", "read", "write"], PolicyFixture.Names(compiled.Filter(PolicyFixture.Hands, new ToolPolicyContext("openai", parent))));
        var process = compiled.Filter(PolicyFixture.Hands, new ToolPolicyContext()).Removed.Single(r => r.Tool.Name == "process");
        Assert.Equal("denied by 'process' (profile ops tools.deny)", process.Reason);
    }

    [Theory]
    [InlineData("""{"name": "x", "tool": {"allow": []}}""", "unknown field \"tool\"; the fields are name, tools, provider, model, approval, workspace, self_evolution")]
    [InlineData("""{"tools": {"denied": ["exec"]}}""", "unknown field \"tools.denied\"; the fields are tools.allow, tools.deny, tools.byProvider, tools.subagents")]
    [InlineData("""{"tools": {"byProvider": {"google": {"block": ["exec"]}}}}""", "unknown field \"tools.byProvider.google.block\"")]
    [InlineData("""{"tools": {"allow": "group:fs"}}""", "\"tools.allow\" must be a list of tool names or groups")]
    [InlineData("""{"approval": "sometimes"}""", "\"approval\" must be ask, auto-edit, full-auto, not 'sometimes'")]
    [InlineData("""{"self_evolution": "yes"}""", "\"self_evolution\" must be true or false")]
    [InlineData("""{"model": 5}""", "\"model\" must be a non-empty string")]
    [InlineData("""["group:fs"]""", "must hold a JSON object")]
    [InlineData("""{"name": """, "is not valid JSON")]
    public void A_bad_config_is_an_error_naming_the_file_and_the_problem(string json, string expected)
    {
        var message = LoadError(json);

        Assert.StartsWith(Path.Combine(_root, "p", "config.json") + ": ", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_profile_or_a_bad_id_says_what_exists_and_what_to_do()
    {
        AgentProfile.Create(_root, "coder");

        Assert.Contains("there is no profile 'writer'", Assert.Throws<ProfileException>(() => AgentProfile.Load(_root, "writer")).Message, StringComparison.Ordinal);
        Assert.Contains("the profiles are coder, or create it with 'microagi profile new writer'", Assert.Throws<ProfileException>(() => AgentProfile.Load(_root, "writer")).Message, StringComparison.Ordinal);
        Assert.Contains("must be 1-64 of a-z", Assert.Throws<ProfileException>(() => AgentProfile.Load(_root, "../etc")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prompt_holds_the_profile_files_agents_md_and_memory_within_its_budget()
    {
        var profile = AgentProfile.Create(_root, "coder");
        File.WriteAllText(Path.Combine(profile.Directory, "soul.md"), "Be terse and exact.");
        File.WriteAllText(Path.Combine(profile.Directory, "user.md"), "The user is Ada.");
        File.WriteAllText(profile.MemoryFile, "- 2026-12-04 favourite colour: teal\n" + new string('x', 5000));
        File.WriteAllText(Path.Combine(profile.MemoryDirectory, "project.md"), "# Project Falcon\nDetails.");
        var workspace = Directory.CreateDirectory(Path.Combine(_root, "ws")).FullName;
        File.WriteAllText(Path.Combine(workspace, "AGENTS.md"), "Run make test before committing.");

        var prompt = new ProfilePrompt(profile, workspace).Build();

        Assert.Contains($"## Profile: coder (coder) at {profile.Directory}\n", prompt, StringComparison.Ordinal);
        Assert.Contains("Be terse and exact.", prompt, StringComparison.Ordinal);
        Assert.Contains("The user is Ada.", prompt, StringComparison.Ordinal);
        Assert.Contains("Run make test before committing.", prompt, StringComparison.Ordinal);
        Assert.Contains("favourite colour: teal", prompt, StringComparison.Ordinal);
        Assert.Contains($"[… cut at 4,000 of 5,036 characters; read {profile.MemoryFile} for the rest]", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 4001), prompt, StringComparison.Ordinal);
        Assert.Contains("- memory/project.md (25 bytes): Project Falcon", prompt, StringComparison.Ordinal);
        Assert.Contains("when the user asks you to remember something", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_tools_may_use_the_memory_but_not_the_rest_of_the_profile()
    {
        var profile = AgentProfile.Create(_root, "coder");
        var workspace = WorkspaceRoot.At(Directory.CreateDirectory(Path.Combine(_root, "ws")).FullName)
            .AlsoAllowing([profile.MemoryFile], [profile.MemoryDirectory]);

        Assert.True(workspace.TryResolve(profile.MemoryFile, out var memory, out _));
        Assert.Equal(profile.MemoryFile, workspace.Relative(memory));
        Assert.True(workspace.TryResolve(Path.Combine(profile.MemoryDirectory, "topic.md"), out _, out _));
        Assert.False(workspace.TryResolve(Path.Combine(profile.Directory, "config.json"), out _, out var error));
        Assert.Contains("outside the workspace", error, StringComparison.Ordinal);
        Assert.False(workspace.TryResolve(Path.Combine(profile.MemoryDirectory, "..", "soul.md"), out _, out _));
    }
}
