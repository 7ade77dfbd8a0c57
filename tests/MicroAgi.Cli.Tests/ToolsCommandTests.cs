using System.Text.Json.Nodes;

namespace MicroAgi.Cli.Tests;

public class ToolsCommandTests
{
    private const string CurrentTimeSource = """
        local time = require("time")

        local function handler(input)
          local now, err = time.now(input.zone or "UTC")
          if not now then
            return nil, err
          end
          return { iso = now:iso(), zone = now.zone }
        end

        return { handler = handler }
        """;

    private const string ZoneSchema = """{"type": "object", "properties": {"zone": {"type": "string"}}}""";

    [Fact]
    public async Task Tools_create_then_tools_call_runs_the_tool_in_a_later_process()
    {
        using var cli = new CliRunner();
        var source = cli.WriteFile("clock.lua", CurrentTimeSource);
        var schema = cli.WriteFile("schema.json", ZoneSchema);
        var tests = cli.WriteFile("tests.json", """[{"input": {}}, {"input": {"zone": "Nowhere/Land"}, "expect_error": "unknown time zone"}]""");

        var create = await cli.RunAsync("tools", "create", "--name", "current_time_utc", "--source", source, "--schema", schema,
            "--modules", "time", "--description", "The current time", "--tests", tests);
        var call = await cli.RunAsync("tools", "call", "app.generated:current_time_utc", """{"zone": "UTC"}""");
        var history = await cli.RunAsync("registry", "history");

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("created app.generated:current_time_utc (registry version 1, 2 tests passed)", create.Stdout);
        Assert.True(call.ExitCode == 0, call.ToString());
        var result = JsonNode.Parse(call.Stdout)!;
        Assert.Equal("UTC", (string?)result["zone"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)result["iso"]);
        Assert.Contains("microagi tools create: create tool app.generated:current_time_utc", history.Stdout);
    }

    [Fact]
    public async Task Tools_commands_use_the_sandbox_section_of_microagi_yaml()
    {
        await using var server = MicroAgi.Testing.FakeLlm.FakeOpenAIServer.Start();
        using var cli = new CliRunner();
        var source = cli.WriteFile("status.lua", """
            local http_client = require("http_client")

            local function handler(input)
              local resp, err = http_client.get(input.url)
              if not resp then
                return nil, err
              end
              return { status = resp.status_code }
            end

            return { handler = handler }
            """);
        var arguments = new JsonObject { ["url"] = server.BaseUrl.ToString().TrimEnd('/') + "/models" }.ToJsonString();
        var create = await cli.RunAsync("tools", "create", "--name", "local_status", "--source", source, "--modules", "http_client");

        var refused = await cli.RunAsync("tools", "call", "app.generated:local_status", arguments);
        var allowFile = cli.WriteFile("allow.yaml", "sandbox:\n  http_allow: [\"127.0.0.1\"]\n");
        var allowedByFlag = await cli.RunAsync("tools", "call", "app.generated:local_status", arguments, "--config", allowFile);
        File.Copy(allowFile, Path.Combine(cli.StateDirectory, "microagi.yaml"));
        var allowedByStateConfig = await cli.RunAsync("tools", "call", "app.generated:local_status", arguments);

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("127.0.0.1", refused.Stderr);
        Assert.True(allowedByFlag.ExitCode == 0, allowedByFlag.ToString());
        Assert.Equal(200, (int)JsonNode.Parse(allowedByFlag.Stdout)!["status"]!);
        Assert.True(allowedByStateConfig.ExitCode == 0, allowedByStateConfig.ToString());
    }

    [Fact]
    public async Task Tools_create_of_an_existing_tool_writes_a_new_version()
    {
        using var cli = new CliRunner();
        var v1 = cli.WriteFile("v1.lua", "return { handler = function() return 1 end }");
        var v2 = cli.WriteFile("v2.lua", "return { handler = function() return 2 end }");

        var first = await cli.RunAsync("tools", "create", "--name", "numbers", "--source", v1);
        var second = await cli.RunAsync("tools", "create", "--name", "numbers", "--source", v2);
        var call = await cli.RunAsync("tools", "call", "app.generated:numbers");

        Assert.Contains("created app.generated:numbers (registry version 1)", first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("updated app.generated:numbers (registry version 2)", second.Stdout);
        Assert.Equal("2", call.Stdout.Trim());
    }

    [Fact]
    public async Task A_generated_tool_that_loops_forever_times_out_with_a_clear_error()
    {
        using var cli = new CliRunner();
        var source = cli.WriteFile("spin.lua", "local function handler(input)\n  while true do end\nend\nreturn { handler = handler }");
        var create = await cli.RunAsync("tools", "create", "--name", "spin", "--source", source);
        Assert.True(create.ExitCode == 0, create.ToString());

        var call = await cli.RunAsync("tools", "call", "app.generated:spin", "{}");
        var shorter = await cli.RunAsync("tools", "call", "app.generated:spin", "{}", "--timeout", "0.5");

        Assert.Equal(1, call.ExitCode);
        Assert.Equal("error: timeout: the call ran longer than 5000 ms", call.Stderr.Trim());
        Assert.Equal("", call.Stdout);
        Assert.Equal(1, shorter.ExitCode);
        Assert.Equal("error: timeout: the call ran longer than 500 ms", shorter.Stderr.Trim());
    }

    [Fact]
    public async Task Doc_search_also_asks_the_docs_site_of_microagi_yaml_and_a_bad_template_is_named()
    {
        // The fake server's model list stands in for a docs site: any page that answers will do.
        await using var site = MicroAgi.Testing.FakeLlm.FakeOpenAIServer.Start();
        using var cli = new CliRunner();
        var siteConfig = cli.WriteFile("site.yaml", $"docs:\n  search_url: \"{site.BaseUrl}/models?q={{query}}\"\n");
        var badConfig = cli.WriteFile("bad.yaml", "docs:\n  search_url: https://docs.example.com/search\n");

        var search = await cli.RunAsync("tools", "call", "app.tools:doc_search", """{"query": "current time utc"}""", "--config", siteConfig);
        var bad = await cli.RunAsync("tools", "call", "app.tools:doc_search", """{"query": "x"}""", "--config", badConfig);

        Assert.True(search.ExitCode == 0, search.ToString());
        var result = JsonNode.Parse(search.Stdout)!;
        Assert.Equal("docs/lua/modules/time.md", (string?)result["pages"]![0]);
        Assert.Contains("\"object\"", (string?)result["remote_results"], StringComparison.Ordinal);
        Assert.Contains(site.Requests, r => r.Path == "/v1/models");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("docs.search_url must contain {query}", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_call_serves_the_embedded_docs_through_doc_search()
    {
        using var cli = new CliRunner();

        var search = await cli.RunAsync("tools", "call", "app.tools:doc_search", """{"query": "current time utc"}""");
        var page = await cli.RunAsync("tools", "call", "app.tools:doc_search", """{"path": "guide/self-modification.md"}""");
        var empty = await cli.RunAsync("tools", "call", "app.tools:doc_search", "{}");

        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Equal("docs/lua/modules/time.md", (string?)JsonNode.Parse(search.Stdout)!["pages"]![0]);
        Assert.True(page.ExitCode == 0, page.ToString());
        Assert.StartsWith("# Self-modification", (string?)JsonNode.Parse(page.Stdout)!["content"], StringComparison.Ordinal);
        Assert.Equal(1, empty.ExitCode);
        Assert.Equal("error: provide either 'path' or 'query'", empty.Stderr.Trim());
    }

    [Fact]
    public async Task Tools_call_runs_the_built_in_registry_tools()
    {
        using var cli = new CliRunner();

        var list = await cli.RunAsync("tools", "call", "app.tools:registry_list", """{"namespace": "app.tools"}""");
        var load = await cli.RunAsync("tools", "call", "app.tools:load_tool", """{"id": "app:dev_assistant"}""");

        Assert.True(list.ExitCode == 0, list.ToString());
        // The built-in handlers, self (an entry even while tools.self_evolution is off) and add_mcp_server (its handler comes with a session).
        Assert.Equal(MicroAgi.Agents.Tools.BuiltInTools.HandlerNames.Count + 2, (int)JsonNode.Parse(list.Stdout)!["count"]!);
        Assert.Equal(1, load.ExitCode);
        Assert.Equal("error: not a tool (meta.type != 'tool'): app:dev_assistant", load.Stderr.Trim());
    }

    [Theory]
    [InlineData("app.generated:nope", "{}", "error: not found: app.generated:nope", 1)]
    [InlineData("nope", "{}", "error: entry id 'nope' has no ':'; write it as 'namespace:name'", 2)]
    [InlineData("app.tools:registry_read", "{id:", "error: arguments are not valid JSON", 2)]
    [InlineData("app.tools:registry_read", "{}", "error: invalid arguments: ", 1)]
    [InlineData("app:gpt-5.1", "{}", "error: app:gpt-5.1 is a registry.entry entry, not a function", 1)]
    public async Task Tools_call_failures_go_to_stderr_with_exit_code_1_or_2_for_an_unusable_command_line(string id, string arguments, string expected, int exitCode)
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("tools", "call", id, arguments);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith(expected, result.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_create_refuses_what_create_tool_refuses()
    {
        using var cli = new CliRunner();
        var good = cli.WriteFile("good.lua", "return { handler = function() return 1 end }");
        var broken = cli.WriteFile("broken.lua", "local function handler(input)\n  return input..\nend\nreturn { handler = handler }");
        var failing = cli.WriteFile("failing.json", """[{"input": {}, "expect": 2}]""");

        var syntax = await cli.RunAsync("tools", "create", "--name", "broken", "--source", broken);
        var name = await cli.RunAsync("tools", "create", "--name", "app:evil", "--source", good);
        var module = await cli.RunAsync("tools", "create", "--name", "shell", "--source", good, "--modules", "time,io");
        var tests = await cli.RunAsync("tools", "create", "--name", "one", "--source", good, "--tests", failing);
        var list = await cli.RunAsync("registry", "list", "--ns", "app.generated");

        Assert.Equal(1, syntax.ExitCode);
        Assert.StartsWith("error: source does not compile (line 3): broken:3: ", syntax.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, name.ExitCode);
        Assert.StartsWith("error: name 'app:evil' contains ':' (a name cannot choose its namespace) at position 4", name.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, module.ExitCode);
        Assert.StartsWith("error: module 'io' is not allowed", module.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, tests.ExitCode);
        Assert.Equal("error: 1 of 1 tests failed, nothing was written:\ntest 1 (input {}): expected 2, got 1", tests.Stderr.Trim());
        Assert.Contains("0 entries", list.Stdout);
    }

    [Fact]
    public async Task Tools_create_obeys_a_deny_policy_of_the_app()
    {
        using var cli = new CliRunner();
        var app = Path.GetDirectoryName(cli.WriteFile("app/_index.yaml", """
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
            """))!;
        var source = cli.WriteFile("x.lua", "return { handler = function() return 1 end }");

        var denied = await cli.RunAsync("--app", app, "tools", "create", "--name", "forbidden_x", "--source", source);
        var allowed = await cli.RunAsync("--app", app, "tools", "create", "--name", "allowed_x", "--source", source);

        Assert.Equal(1, denied.ExitCode);
        Assert.Equal("error: policy denied: create on app.generated:forbidden_x", denied.Stderr.Trim());
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
    }

    [Fact]
    public async Task Tools_create_explains_missing_files_and_bad_json()
    {
        using var cli = new CliRunner();
        var source = cli.WriteFile("x.lua", "return { handler = function() return 1 end }");
        var badSchema = cli.WriteFile("schema.json", "{type: object}");

        var missing = await cli.RunAsync("tools", "create", "--name", "x", "--source", Path.Combine(cli.StateDirectory, "nope.lua"));
        var bad = await cli.RunAsync("tools", "create", "--name", "x", "--source", source, "--schema", badSchema);

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope.lua", missing.Stderr);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("error: schema.json is not valid JSON: ", bad.Stderr, StringComparison.Ordinal);
    }
}
