using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tests.Tools;

public sealed class CreateToolTests : InMemoryToolTests
{
    [Fact]
    public async Task Create_tool_writes_the_entry_exactly_as_seed_000_does()
    {
        var arguments = ToolSources.CreateArguments("echo_text", ToolSources.Echo, modules: "json");
        var result = await Host.CreateToolAsync(arguments);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("app.generated:echo_text", (string?)result.Value!["id"]);
        Assert.Equal("created", (string?)result.Value["action"]);
        Assert.Equal(Host.Registry.Version, (long)result.Value["version"]!);

        var entry = Host.Registry.Get(EntryId.Parse("app.generated:echo_text"))!;
        Assert.Equal("function.lua", entry.Kind);
        var expectedMeta = new JsonObject
        {
            ["type"] = "tool",
            ["title"] = "echo_text",
            ["comment"] = "test tool echo_text",
            ["input_schema"] = ToolSources.EchoSchema(),
            ["llm_alias"] = "echo_text",
            ["llm_description"] = "test tool echo_text",
        };
        var expectedData = new JsonObject
        {
            ["source"] = ToolSources.Echo,
            ["modules"] = new JsonArray("json"),
            ["method"] = "handler",
        };
        Assert.True(JsonNode.DeepEquals(expectedMeta, JsonSerializer.SerializeToNode(entry.Meta)), entry.Meta.GetRawText());
        Assert.True(JsonNode.DeepEquals(expectedData, JsonSerializer.SerializeToNode(entry.Data)), entry.Data.GetRawText());

        var history = await Host.Registry.HistoryAsync();
        Assert.Equal("create_tool: create tool app.generated:echo_text", history[^1].Description);
    }

    [Fact]
    public async Task A_created_tool_is_callable_through_the_call_api()
    {
        var created = await Host.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo));
        Assert.True(created.IsSuccess, created.ToString());

        var call = await Host.CallAsync("app.generated:echo_text", """{"text":"héllo"}""");
        Assert.True(call.IsSuccess, call.ToString());
        Assert.Equal("""{"echo":"héllo","length":6}""", call.Value!.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task Creating_an_existing_tool_again_updates_it_as_a_new_version()
    {
        var first = await Host.CreateToolAsync(ToolSources.CreateArguments("echo_text", ToolSources.Echo));
        Assert.True(first.IsSuccess, first.ToString());
        var firstVersion = (long)first.Value!["version"]!;

        var changed = ToolSources.Echo.Replace("echo = input.text", "echo = string.upper(input.text)", StringComparison.Ordinal);
        var second = await Host.CreateToolAsync(ToolSources.CreateArguments("echo_text", changed));

        Assert.True(second.IsSuccess, second.ToString());
        Assert.Equal("updated", (string?)second.Value!["action"]);
        Assert.Equal(firstVersion + 1, (long)second.Value["version"]!);
        var history = await Host.Registry.HistoryAsync();
        Assert.Equal(ChangeKind.Update, history[^1].Changes.Single().Kind);
        Assert.Equal("create_tool: update tool app.generated:echo_text", history[^1].Description);

        var call = await Host.CallAsync("app.generated:echo_text", """{"text":"abc"}""");
        Assert.Equal("ABC", (string?)call.Value!["echo"]);
    }

    [Fact]
    public async Task A_schema_given_as_a_json_string_is_stored_as_an_object()
    {
        var arguments = ToolSources.CreateArguments("echo_text", ToolSources.Echo);
        arguments["schema"] = ToolSources.EchoSchema().ToJsonString();

        var result = await Host.CreateToolAsync(arguments);

        Assert.True(result.IsSuccess, result.ToString());
        var schema = Host.Registry.Get(EntryId.Parse("app.generated:echo_text"))!.Meta.GetProperty("input_schema");
        Assert.Equal(JsonValueKind.Object, schema.ValueKind);
        Assert.True(JsonNode.DeepEquals(ToolSources.EchoSchema(), JsonSerializer.SerializeToNode(schema)));
    }

    [Fact]
    public async Task A_tool_without_a_schema_takes_no_arguments()
    {
        var arguments = ToolSources.CreateArguments("no_args", "return { handler = function() return 42 end }");
        arguments.Remove("schema");

        Assert.True((await Host.CreateToolAsync(arguments)).IsSuccess);

        var schema = Host.Registry.Get(EntryId.Parse("app.generated:no_args"))!.Meta.GetProperty("input_schema");
        Assert.Equal("""{"type":"object","properties":{}}""", schema.GetRawText());
        Assert.Equal("42", (await Host.CallAsync("app.generated:no_args", "{}")).Value!.ToJsonString());
    }

    [Fact]
    public async Task A_syntax_error_is_refused_with_its_line_number()
    {
        const string source = "local function handler(input)\n  local x = \n  return x\nend\nreturn { handler = handler }";
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("broken", source));

        AssertRefused(result, "source does not compile (line 3): broken:3:");
        Assert.Null(Host.Registry.Get(EntryId.Parse("app.generated:broken")));
    }

    [Fact]
    public async Task A_source_without_handler_is_refused_with_how_to_fix_it()
    {
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("no_handler", "local function run() return 1 end\nreturn { run = run }"));

        AssertRefused(result, "source does not load: ");
        Assert.Contains("return { handler = handler }", result.Error);
    }

    [Fact]
    public async Task An_error_at_load_time_is_refused_with_its_line()
    {
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("bad_top", "local x = nil\nlocal y = x.field\nreturn { handler = function() end }"));

        AssertRefused(result, "source fails while loading (line 2): bad_top:2: attempt to index a nil value (local 'x')");
    }

    [Theory]
    [InlineData("io")]
    [InlineData("os")]
    [InlineData("debug")]
    [InlineData("registry")]
    [InlineData("funcs")]
    [InlineData("Time")]
    [InlineData("")]
    public async Task A_module_outside_the_allowlist_is_refused(string module)
    {
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("uses_module", "return { handler = function() return 1 end }", modules: ["time", module]));

        AssertRefused(result, $"module '{module}' is not allowed; a generated tool may use only: time, json, http_client, expr, text, base64, yaml, crypto, hash, uuid, url");
    }

    [Fact]
    public async Task Requiring_an_unlisted_module_fails_at_check_time()
    {
        const string source = "local json = require('json')\nreturn { handler = function() return json.encode({}) end }";
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("sneaky", source, modules: "time"));

        AssertRefused(result, "module 'json' not found");
    }

    [Fact]
    public async Task A_source_over_16000_characters_is_refused_before_it_is_compiled()
    {
        var source = "return { handler = function() return 1 end }\n" + new string('-', 16_000);
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("too_big", source));

        AssertRefused(result, $"source is {source.Length} characters long, at most 16000 are allowed");
    }

    [Theory]
    [InlineData("""{"type": "string"}""", "schema.type must be \"object\"")]
    [InlineData("""{"type": "object", "properties": {"x": {"type": "strnig"}}}""", "schema does not follow the JSON Schema (draft 2020-12) meta-schema: /properties/x/type")]
    [InlineData("[1, 2]", "schema must be a JSON Schema object")]
    public async Task A_schema_that_is_not_an_object_schema_is_refused(string schemaJson, string expected)
    {
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("bad_schema", ToolSources.Echo, JsonNode.Parse(schemaJson)));

        AssertRefused(result, expected);
    }

    [Fact]
    public async Task A_schema_string_that_is_not_json_is_refused()
    {
        var arguments = ToolSources.CreateArguments("bad_schema", ToolSources.Echo);
        arguments["schema"] = "{type: object";

        AssertRefused(await Host.CreateToolAsync(arguments), "schema is a string that is not valid JSON");
    }

    [Fact]
    public async Task The_name_of_a_built_in_tool_cannot_be_taken()
    {
        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("load_tool", ToolSources.Echo));

        AssertRefused(result, "name 'load_tool' is already the name of the tool app.tools:load_tool; choose another name");
    }

    [Fact]
    public async Task Missing_or_mistyped_arguments_are_named()
    {
        AssertRefused(await Host.CallAsync("app.tools:create_tool", """{"name": "x"}"""), "(arguments): Required properties [\"source\"] are not present");
        AssertRefused(await Host.CallAsync("app.tools:create_tool", """{"name": "x", "source": 5}"""), "/source: Value is \"integer\" but should be \"string\"");
        AssertRefused(await Host.CallAsync("app.tools:create_tool", """{"name": "x", "source": "return {}", "modules": [1]}"""), "/modules/0: Value is \"integer\" but should be \"string\"");
    }

    [Theory]
    [InlineData("\"time, json\"")]
    [InlineData("\"[\\\"time\\\", \\\"json\\\"]\"")]
    public async Task Modules_sent_as_text_are_read_as_the_list_they_name(string modulesJson)
    {
        var arguments = ToolSources.CreateArguments("echo_text", ToolSources.Echo);
        arguments["modules"] = JsonNode.Parse(modulesJson);

        var result = await Host.CreateToolAsync(arguments);

        Assert.True(result.IsSuccess, result.ToString());
        var entry = Host.Registry.Get(EntryId.Parse("app.generated:echo_text"))!;
        Assert.Equal(["time", "json"], entry.Data.GetProperty("modules").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Optional_arguments_sent_as_null_count_as_left_out()
    {
        var arguments = ToolSources.CreateArguments("echo_text", ToolSources.Echo);
        arguments["description"] = null;
        arguments["modules"] = null;
        arguments["tests"] = null;

        var result = await Host.CreateToolAsync(arguments);

        Assert.True(result.IsSuccess, result.ToString());
    }

    [Fact]
    public async Task Passing_test_cases_are_counted_and_the_tool_is_written()
    {
        var arguments = ToolSources.CreateArguments("echo_text", ToolSources.Echo);
        arguments["tests"] = JsonNode.Parse("""
            [
              {"input": {"text": "ab"}, "expect": {"echo": "ab", "length": 2}},
              {"input": {}, "expect": {"length": 0}},
              {"input": {"text": "x"}}
            ]
            """);

        var result = await Host.CreateToolAsync(arguments);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(3, (int)result.Value!["tests_passed"]!);
    }

    [Fact]
    public async Task Failing_test_cases_are_all_reported_and_nothing_is_written()
    {
        var version = Host.Registry.Version;
        var arguments = ToolSources.CreateArguments("echo_text", ToolSources.Echo);
        arguments["tests"] = JsonNode.Parse("""
            [
              {"input": {"text": "ab"}, "expect": {"echo": "ab", "length": 2}},
              {"input": {"text": "ab"}, "expect": {"echo": "AB", "length": 2}},
              {"input": {"text": 7}},
              {"input": {"text": "ok"}, "expect_error": "boom"}
            ]
            """);

        var result = await Host.CreateToolAsync(arguments);

        AssertRefused(result, "3 of 4 tests failed, nothing was written:\n");
        var lines = result.Error!.Split('\n');
        Assert.Equal("test 2 (input {\"text\":\"ab\"}): expected {\"echo\":\"AB\",\"length\":2}, got {\"echo\":\"ab\",\"length\":2}", lines[1]);
        Assert.StartsWith("test 3 (input {\"text\":7}): the input does not match the schema: /text: Value is \"integer\" but should be \"string\"", lines[2], StringComparison.Ordinal);
        Assert.Equal("test 4 (input {\"text\":\"ok\"}): expected an error containing 'boom', got {\"echo\":\"ok\",\"length\":2}", lines[3]);
        Assert.Equal(version, Host.Registry.Version);
        Assert.Null(Host.Registry.Get(EntryId.Parse("app.generated:echo_text")));
    }

    [Fact]
    public async Task Test_cases_compare_numbers_by_value_and_objects_by_content()
    {
        var arguments = ToolSources.CreateArguments("numbers", "return { handler = function() return { a = 1, b = 6 / 2, c = 0.5, list = { 1, 2 } } end }");
        arguments["tests"] = JsonNode.Parse("""[{"input": {}, "expect": {"list": [1, 2], "c": 5e-1, "b": 3, "a": 1.0}}]""");

        var result = await Host.CreateToolAsync(arguments);

        Assert.True(result.IsSuccess, result.ToString());
    }

    [Fact]
    public async Task A_test_case_that_loops_forever_fails_with_a_timeout()
    {
        var arguments = ToolSources.CreateArguments("spin", "return { handler = function() while true do end end }");
        arguments["tests"] = JsonNode.Parse("""[{"input": {}}]""");

        var result = await Host.CreateToolAsync(arguments);

        AssertRefused(result, "1 of 1 tests failed, nothing was written:\ntest 1 (input {}): the call failed (Timeout): ");
    }

    [Fact]
    public async Task A_runtime_error_in_a_test_case_carries_the_line()
    {
        var arguments = ToolSources.CreateArguments("crash", "local function handler(input)\n  return input.missing.field\nend\nreturn { handler = handler }");
        arguments["tests"] = JsonNode.Parse("""[{"input": {}}]""");

        AssertRefused(await Host.CreateToolAsync(arguments), "the call failed (RuntimeError): crash:2: attempt to index a nil value");
    }

    [Theory]
    [InlineData("""[{"input": [1]}]""", "tests[0].input must be an object of arguments, not a list")]
    [InlineData("""[{"input": {}, "expect": 1, "expect_error": "x"}]""", "tests[0] has both 'expect' and 'expect_error'")]
    [InlineData("""[{"inputs": {}}]""", "tests[0] has an unknown field 'inputs'")]
    [InlineData("""[{"input": {}, "expect_error": 3}]""", "tests[0].expect_error must be a string")]
    public async Task Malformed_test_cases_are_refused_with_the_reason(string tests, string expected)
    {
        var arguments = ToolSources.CreateArguments("echo_text", ToolSources.Echo);
        arguments["tests"] = JsonNode.Parse(tests);

        AssertRefused(await Host.CreateToolAsync(arguments), expected);
    }

    [Fact]
    public async Task An_entry_of_another_kind_at_the_target_id_is_not_overwritten()
    {
        await Host.Registry.ApplyAsync(new ChangeSet().Create(Entry.Create(EntryId.Parse("app.generated:notes"), "registry.entry", new JsonObject { ["type"] = "note" })));

        var result = await Host.CreateToolAsync(ToolSources.CreateArguments("notes", ToolSources.Echo));

        AssertRefused(result, "app.generated:notes exists and is a registry.entry entry, not a generated tool; choose another name");
    }

    internal static void AssertRefused(FunctionResult result, string expectedPart)
    {
        Assert.False(result.IsSuccess, $"expected a refusal containing '{expectedPart}', got {result}");
        Assert.Contains(expectedPart, result.Error, StringComparison.Ordinal);
    }

    internal static void AssertRefusedWithAny(FunctionResult result, IReadOnlyList<string> expectedParts)
    {
        Assert.False(result.IsSuccess, $"expected a refusal containing one of '{string.Join("', '", expectedParts)}', got {result}");
        Assert.True(expectedParts.Any(part => result.Error!.Contains(part, StringComparison.Ordinal)),
            $"expected a refusal containing one of '{string.Join("', '", expectedParts)}', got {result.Error}");
    }
}
