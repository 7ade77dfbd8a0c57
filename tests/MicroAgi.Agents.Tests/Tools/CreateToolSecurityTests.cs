using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tests.Tools;

public sealed class CreateToolSecurityTests
{
    private const string ForbiddenApp = """
        version: "1.0"
        namespace: app
        entries:
          - name: deny_forbidden_tools
            kind: security.policy
            policy:
              actions: "*"
              resources: "app.generated:forbidden_*"
              effect: deny
            groups:
              - agent_security
        """;

    /// <summary>Names that must never become an entry id, each refused before the policy is asked.</summary>
    public static TheoryData<string, string> HostileNames => new()
    {
        { "../x", "starts with '.' (a name cannot choose its namespace)" },
        { "x/../../app", "contains '/' (a name is not a path) at position 2" },
        { "app:x", "contains ':' (a name cannot choose its namespace) at position 4" },
        { "app.tools:doc_search", "contains '.' (a name cannot choose its namespace) at position 4" },
        { "a.b", "contains '.' (a name cannot choose its namespace) at position 2" },
        { "A", "starts with the upper-case letter 'A' (write it in lower case)" },
        { "currentTime", "contains the upper-case letter 'T' (write it in lower case) at position 8" },
        { "x y", "contains whitespace U+0020 at position 2" },
        { "x\n", "name 'x\\u000A' contains whitespace U+000A at position 2" },
        { "x\u0000", "contains the control character U+0000 at position 2" },
        { "x\u001b[31m", "contains the control character U+001B at position 2" },
        { "\uff58", "starts with the non-ASCII character U+FF58" }, // fullwidth x
        { "\u0445", "starts with the non-ASCII character U+0445" }, // Cyrillic х
        { "t\u0456me", "contains the non-ASCII character U+0456 at position 2" }, // Cyrillic і
        { "x\u200b", "contains the non-ASCII character U+200B at position 2" }, // zero-width space
        { "", "name is empty" },
        { "_x", "starts with '_'" },
        { "1x", "starts with '1'" },
        { "x-y", "contains '-' at position 2" },
        { "x*", "contains '*' at position 2" },
        { new string('a', 65), "name is 65 characters long, at most 64 are allowed" },
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Hostile_names_are_refused_before_the_policy_is_asked(string name, string expected)
    {
        // The policy of this app would deny every write: a refusal that names the policy would mean the
        // name check let the name through.
        using var app = new TempDirectory();
        app.Write("_index.yaml", ForbiddenApp.Replace("app.generated:forbidden_*", "*", StringComparison.Ordinal));
        await using var host = ToolTestHost.InMemory(app.Path);
        var version = host.Registry.Version;

        var result = await host.CreateToolAsync(ToolSources.CreateArguments(name, ToolSources.Echo));

        CreateToolTests.AssertRefused(result, expected);
        Assert.DoesNotContain("policy", result.Error, StringComparison.Ordinal);
        Assert.Contains("use 1 to 64 lower-case ASCII letters a-z, digits 0-9 and _, starting with a letter", result.Error, StringComparison.Ordinal);
        Assert.Equal(version, host.Registry.Version);
    }

    /// <summary>Sources that attack the compile check itself: each ends in a clean refusal and nothing is written.</summary>
    public static TheoryData<string, string> HostileSources => new()
    {
        { "while true do end\nreturn { handler = function() end }", "timeout" },
        // Doubling reaches the memory cap in a few dozen copies; a 2-core machine under load can reach
        // the compile check's clock first, so either limit is the clean refusal this case is about.
        { "local s = 'x'\nwhile true do s = s .. s end\nreturn { handler = function() end }", "memory|timeout" },
        { "local function f() return f() + 1 end\nf()\nreturn { handler = function() end }", "stack" },
        { "\u001bLua\u0054\u0000garbage", "binary" },
        { "return { handler = 5 }", "has no function 'handler'" },
        { "return nil", "the source must end with `return { handler = handler }`" },
        { "error(setmetatable({}, { __tostring = function() while true do end end }))", "source does not load" },
        { "return setmetatable({}, { __index = function() while true do end end })", "source does not load" },
        { "local s = string.dump(function() end)\nreturn { handler = function() return s end }", "source fails while loading (line 1): hostile:1: attempt to call a nil value (field 'dump')" },
        { "load('return 1')()\nreturn { handler = function() end }", "source fails while loading (line 1): hostile:1: attempt to call a nil value (global 'load')" },
    };

    [Theory]
    [MemberData(nameof(HostileSources))]
    public async Task Hostile_sources_are_refused_by_the_compile_check_without_writing(string source, string expected)
    {
        await using var host = ToolTestHost.InMemory();
        var version = host.Registry.Version;

        var result = await host.CreateToolAsync(ToolSources.CreateArguments("hostile", source));
        var next = await host.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo));

        CreateToolTests.AssertRefusedWithAny(result, expected.Split('|'));
        Assert.Null(host.Registry.Get(EntryId.Parse("app.generated:hostile")));
        Assert.True(next.IsSuccess, $"the host did not serve the next call: {next}");
        Assert.Equal(version + 1, host.Registry.Version);
    }

    [Fact]
    public async Task The_longest_valid_name_is_accepted()
    {
        await using var host = ToolTestHost.InMemory();
        var name = "a" + new string('9', 62) + "_";

        var result = await host.CreateToolAsync(ToolSources.CreateArguments(name, ToolSources.Echo));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.NotNull(host.Registry.Get(new EntryId("app.generated", name)));
    }

    [Fact]
    public async Task A_deny_policy_on_forbidden_names_refuses_create_tool()
    {
        using var app = new TempDirectory();
        app.Write("_index.yaml", ForbiddenApp);
        await using var host = ToolTestHost.InMemory(app.Path);
        var version = host.Registry.Version;

        var denied = await host.CreateToolAsync(ToolSources.CreateArguments("forbidden_x", ToolSources.Echo));
        var allowed = await host.CreateToolAsync(ToolSources.CreateArguments("permitted_x", ToolSources.Echo));

        Assert.False(denied.IsSuccess);
        Assert.Equal("policy denied: create on app.generated:forbidden_x", denied.Error);
        Assert.Null(host.Registry.Get(EntryId.Parse("app.generated:forbidden_x")));
        Assert.True(allowed.IsSuccess, allowed.ToString());
        Assert.Equal(version + 1, host.Registry.Version);
    }

    [Fact]
    public async Task The_policy_is_asked_before_any_of_the_source_runs()
    {
        using var app = new TempDirectory();
        app.Write("_index.yaml", ForbiddenApp);
        await using var host = ToolTestHost.InMemory(app.Path);

        // Both the syntax error and the looping test would be reported if the code ran first.
        var arguments = ToolSources.CreateArguments("forbidden_y", "this is not lua");
        arguments["tests"] = JsonNode.Parse("""[{"input": {}}]""");
        var result = await host.CreateToolAsync(arguments);

        Assert.Equal("policy denied: create on app.generated:forbidden_y", result.Error);
    }

    [Fact]
    public async Task A_policy_added_at_runtime_denies_the_update_of_an_existing_tool()
    {
        await using var host = ToolTestHost.InMemory();
        Assert.True((await host.CreateToolAsync(ToolSources.CreateArguments("guarded_x", ToolSources.Echo))).IsSuccess);
        var policy = Entry.Create(EntryId.Parse("app:freeze_guarded"), "security.policy", data: new JsonObject
        {
            ["policy"] = new JsonObject
            {
                ["actions"] = "update",
                ["resources"] = "app.generated:guarded_*",
                ["effect"] = "deny",
                // Proves who asks: the agent actor with its role.
                ["conditions"] = new JsonArray(
                    new JsonObject { ["field"] = "actor.id", ["operator"] = "eq", ["value"] = "service:agent" },
                    new JsonObject { ["field"] = "actor.meta.role", ["operator"] = "eq", ["value"] = "agent" }),
            },
            ["groups"] = new JsonArray("agent_security"),
        });
        await host.Registry.ApplyAsync(new ChangeSet("freeze guarded tools").Create(policy));

        var result = await host.CreateToolAsync(ToolSources.CreateArguments("guarded_x", ToolSources.Echo.Replace("echo", "e", StringComparison.Ordinal)));

        Assert.Equal("policy denied: update on app.generated:guarded_x", result.Error);
        Assert.Contains("echo = input.text", host.Registry.Get(EntryId.Parse("app.generated:guarded_x"))!.DataString("source"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shipped_policies_leave_app_generated_open_to_the_agent()
    {
        await using var host = ToolTestHost.InMemory();
        var scope = new MicroAgi.Security.SecurityScopes(host.Registry).NamedScope("app:agent_security");

        Assert.Equal(MicroAgi.Security.PolicyResult.Undefined, scope.Evaluate(MicroAgi.Agents.Tools.Generated.AgentWritePolicy.AgentActor, "create", "app.generated:x"));
        Assert.Equal(MicroAgi.Security.PolicyResult.Deny, scope.Evaluate(MicroAgi.Agents.Tools.Generated.AgentWritePolicy.AgentActor, "create", "app.tools:x"));
    }

    [Fact]
    public async Task A_generated_tool_cannot_reach_the_registry_or_the_host()
    {
        await using var host = ToolTestHost.InMemory();
        const string source = """
            local function handler(input)
              local found = {}
              for _, name in ipairs({ "registry", "funcs", "io", "os", "debug", "package", "load", "dofile", "loadfile", "require" }) do
                if _G[name] ~= nil then found[#found + 1] = name end
              end
              local ok = pcall(require, "registry")
              return { globals = table.concat(found, ","), registry_module = ok }
            end
            return { handler = handler }
            """;
        Assert.True((await host.CreateToolAsync(ToolSources.CreateArguments("probe", source))).IsSuccess);

        var result = await host.CallAsync("app.generated:probe", "{}");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.False((bool)result.Value!["registry_module"]!);
        var globals = ((string?)result.Value["globals"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("registry", globals);
        Assert.DoesNotContain("funcs", globals);
        Assert.DoesNotContain("io", globals);
        Assert.DoesNotContain("debug", globals);
        Assert.DoesNotContain("load", globals);
    }
}
