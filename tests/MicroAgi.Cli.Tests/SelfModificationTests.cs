using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>
/// Seed 000's transcript end to end: the real binary, the scripted fake OpenAI server, real Lua,
/// a real SQLite registry — doc_search → create_tool → load_tool → the new tool → the answer.
/// </summary>
public partial class SelfModificationTests
{
    private const string ClockSource = """
        local time = require("time")

        local function handler(input)
          return { utc = time.now():utc():iso() }
        end

        return { handler = handler }
        """;

    private static string CreateToolArguments(string name, string source, string[] modules, JsonArray? tests = null)
    {
        var arguments = new JsonObject
        {
            ["name"] = name,
            ["description"] = "Returns the current UTC time",
            ["source"] = source,
            ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            ["modules"] = new JsonArray(modules.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
        };
        if (tests is not null) arguments["tests"] = tests;
        return arguments.ToJsonString();
    }

    [Fact]
    public async Task What_time_is_it_builds_loads_and_calls_a_new_tool_in_one_turn_and_keeps_it()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("doc_search", """{"query":"current time utc"}""", "c1"),
            FakeReply.Call("create_tool", CreateToolArguments("current_time_utc", ClockSource, ["time"]), "c2").InArgumentChunksOf(40),
            FakeReply.Call("load_tool", """{"id":"app.generated:current_time_utc"}""", "c3"),
            FakeReply.Call("current_time_utc", "{}", "c4"),
            FakeReply.Say("The current UTC time is as the tool said."));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "what time is it?", "--approval", "auto-edit");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stderr.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('[')).ToList();
        // create_tool loads what it wrote; the model's extra load_tool is harmless and announces nothing new.
        Assert.Equal(["[doc_search] ok", "[create_tool] ok", "[+] app.generated:current_time_utc", "[load_tool] ok", "[current_time_utc] ok"], lines);
        Assert.Contains("The current UTC time is as the tool said.", result.Stdout);

        // The model saw the docs, then the new tool among its tools, then the tool's real output.
        Assert.Contains("time", server.ChatRequests[1].Body);
        Assert.DoesNotContain("current_time_utc", ToolNames(server.ChatRequests[1]));
        Assert.Contains("current_time_utc", ToolNames(server.ChatRequests[2]));
        var lastToolResult = (string?)server.ChatRequests[4].Json!["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!["content"];
        Assert.Matches(IsoUtc(), lastToolResult);

        // Tomorrow: the tool is still there, listed, loadable and callable in a new session.
        var history = await cli.RunAsync("registry", "history");
        Assert.Contains("create app.generated:current_time_utc", history.Stdout);
        server.Enqueue(
            FakeReply.Call("registry_list", """{"namespace":"app.generated"}""", "d1"),
            FakeReply.Call("load_tool", """{"id":"app.generated:current_time_utc"}""", "d2"),
            FakeReply.Call("current_time_utc", "{}", "d3"),
            FakeReply.Say("Still here."));
        var second = await cli.RunAsync("-p", "what time is it now?", "--approval", "auto-edit");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("[+] app.generated:current_time_utc", second.Stderr);
        Assert.Contains("[current_time_utc] ok", second.Stderr);
        // A new session: registry_list finds yesterday's tool, load_tool adds it, the model can call it.
        Assert.DoesNotContain("what time is it?", server.ChatRequests[5].Body);
        Assert.Contains("app.generated:current_time_utc", server.ChatRequests[6].Json!["messages"]!.AsArray().Last()!.ToJsonString());
        Assert.DoesNotContain("current_time_utc", ToolNames(server.ChatRequests[6]));
        Assert.Contains("current_time_utc", ToolNames(server.ChatRequests[7]));
    }

    [Fact]
    public async Task Refused_tools_reach_the_model_as_reasons_and_the_session_goes_on()
    {
        await using var server = FakeOpenAIServer.Start();
        var looping = "local function handler() while true do end end\nreturn { handler = handler }";
        server.Enqueue(
            FakeReply.Call("create_tool", CreateToolArguments("broken", "local function handler(\nreturn {", ["time"]), "e1"),
            FakeReply.Call("create_tool", CreateToolArguments("sneaky", ClockSource, ["io"]), "e2"),
            FakeReply.Call("create_tool", CreateToolArguments("forbidden_x", ClockSource, ["time"]), "e3"),
            FakeReply.Call("create_tool", CreateToolArguments("wrong", "return { handler = function() return 1 end }", [],
                new JsonArray(new JsonObject { ["input"] = new JsonObject(), ["expect"] = 2 })), "e4"),
            FakeReply.Call("create_tool", CreateToolArguments("spin", looping, []), "e5"),
            FakeReply.Call("load_tool", """{"id":"app.generated:spin"}""", "e6"),
            FakeReply.Call("spin", "{}", "e7"),
            FakeReply.Say("I could not do it, but I am still here."));
        using var cli = CliRunner.ForOpenAI(server);
        var appDir = Path.GetDirectoryName(cli.WriteFile("app/_index.yaml", """
            namespace: app
            entries:
              - name: deny_forbidden
                kind: security.policy
                policy: { actions: "*", resources: "app.generated:forbidden_*", effect: deny }
                groups: [agent_security]
            """))!;
        File.WriteAllText(Path.Combine(cli.StateDirectory, "microagi.yaml"), "sandbox:\n  timeout_seconds: 0.5\n");

        var result = await cli.RunAsync("--app", appDir, "-p", "build me things", "--approval", "auto-edit");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("I could not do it, but I am still here.", result.Stdout);
        string ToolResult(int request) => (string?)server.ChatRequests[request].Json!["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!["content"] ?? "";
        Assert.Matches("line \\d", ToolResult(1));
        Assert.Contains("io", ToolResult(2));
        Assert.Contains("policy denied: create on app.generated:forbidden_x", ToolResult(3));
        Assert.Contains("expect", ToolResult(4));
        Assert.Contains("[spin] error:", result.Stderr);
        Assert.Matches("(?i)time|deadline|limit", ToolResult(7));

        var list = await cli.RunAsync("registry", "list", "--ns", "app.generated");
        Assert.DoesNotContain("forbidden_x", list.Stdout);
        Assert.DoesNotContain("broken", list.Stdout);
        Assert.DoesNotContain("sneaky", list.Stdout);
        Assert.DoesNotContain("wrong", list.Stdout);
        Assert.Contains("app.generated:spin", list.Stdout);
    }

    private static string ToolNames(RecordedRequest request) =>
        string.Join(",", request.Json!["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));

    [GeneratedRegex("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}")]
    private static partial Regex IsoUtc();
}
