using System.Text.Json.Nodes;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Lua.Tests;

public sealed class FunctionCallerTests : IDisposable
{
    private static readonly EntryId Greet = EntryId.Parse("app.generated:greet");
    private readonly LuaRuntime _runtime = new(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits });
    private readonly NativeFunctionCatalog _natives = new();

    public void Dispose() => _runtime.Dispose();

    private static Entry LuaTool(EntryId id, string source, JsonObject? schema = null, params string[] modules) =>
        Entry.Create(id, FunctionKinds.Lua,
            new JsonObject { ["type"] = "tool", ["input_schema"] = schema?.DeepClone() },
            new JsonObject { ["source"] = source, ["method"] = "handler", ["modules"] = new JsonArray([.. modules.Select(m => (JsonNode)m)]) });

    private static readonly JsonObject GreetSchema = JsonNode.Parse("""
        {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}}, "required": ["name"], "additionalProperties": false}
        """)!.AsObject();

    private const string GreetSource = """
        local function handler(input) return { greeting = "hello " .. input.name } end
        return { handler = handler }
        """;

    private FunctionCaller Caller(params Entry[] entries) => new(EntryRegistry.CreateInMemory(entries), _runtime, _natives);

    [Fact]
    public async Task Calls_a_lua_entry_by_id()
    {
        var result = await Caller(LuaTool(Greet, GreetSource, GreetSchema)).CallAsync(Greet, JsonNode.Parse("""{"name":"ada"}"""));
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("""{"greeting":"hello ada"}""", result.ValueJson);
    }

    [Fact]
    public async Task Preparing_ahead_changes_no_call_and_leaves_problems_to_the_call()
    {
        var broken = EntryId.Parse("app.generated:broken");
        var caller = Caller(LuaTool(Greet, GreetSource, GreetSchema), LuaTool(broken, GreetSource, new JsonObject { ["type"] = 5 }));
        // Prepared from other threads while calls run, as the CLI prepares an agent's tools in the background.
        var preparing = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            caller.Prepare(Greet);
            caller.Prepare(broken);
            caller.Prepare(EntryId.Parse("app.generated:missing"));
        })).ToList();
        var calls = Enumerable.Range(0, 8).Select(i => caller.CallAsync(Greet, JsonNode.Parse($$"""{"name":"ada{{i}}"}"""))).ToList();
        await Task.WhenAll(preparing);

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $$"""{"greeting":"hello ada{{i}}"}"""), (await Task.WhenAll(calls)).Select(r => r.ValueJson));
        var refused = await caller.CallAsync(broken, JsonNode.Parse("""{"name":"ada"}"""));
        Assert.Equal(FunctionErrorKind.NotCallable, refused.ErrorKind);
        Assert.Contains("meta.input_schema", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_id_is_not_found()
    {
        var result = await Caller().CallAsync(EntryId.Parse("app.generated:missing"), null);
        Assert.Equal(FunctionErrorKind.NotFound, result.ErrorKind);
        Assert.Equal("not found: app.generated:missing", result.Error);
    }

    [Fact]
    public async Task Arguments_are_validated_against_the_input_schema_with_paths()
    {
        var caller = Caller(LuaTool(Greet, GreetSource, GreetSchema));
        var missing = await caller.CallAsync(Greet, new JsonObject());
        Assert.Equal(FunctionErrorKind.InvalidArguments, missing.ErrorKind);
        Assert.Equal("invalid arguments: (arguments): Required properties [\"name\"] are not present (required)", missing.Error);
        var wrong = await caller.CallAsync(Greet, JsonNode.Parse("""{"name": 5, "extra": true}"""));
        Assert.Equal("invalid arguments: /name: Value is \"integer\" but should be \"string\" (type); /extra: is not allowed (the schema has no such property)", wrong.Error);
    }

    [Fact]
    public async Task An_updated_entry_is_never_served_stale()
    {
        var registry = EntryRegistry.CreateInMemory([LuaTool(Greet, GreetSource, GreetSchema)]);
        var caller = new FunctionCaller(registry, _runtime);
        var args = JsonNode.Parse("""{"name":"ada"}""");
        Assert.Equal("""{"greeting":"hello ada"}""", (await caller.CallAsync(Greet, args)).ValueJson);

        await registry.ApplyAsync(new ChangeSet().Update(LuaTool(Greet, GreetSource.Replace("hello ", "bonjour ", StringComparison.Ordinal), GreetSchema)));
        Assert.Equal("""{"greeting":"bonjour ada"}""", (await caller.CallAsync(Greet, args)).ValueJson);

        await registry.ApplyAsync(new ChangeSet().Update(LuaTool(Greet, GreetSource, new JsonObject { ["type"] = "object", ["required"] = new JsonArray("nickname") })));
        Assert.Equal("invalid arguments: (arguments): Required properties [\"nickname\"] are not present (required)", (await caller.CallAsync(Greet, args)).Error);
    }

    [Fact]
    public async Task Changing_only_the_method_is_never_served_stale()
    {
        const string source = "return { handler = function() return 'handler' end, other = function() return 'other' end }";
        var entry = LuaTool(Greet, source);
        var registry = EntryRegistry.CreateInMemory([entry]);
        var caller = new FunctionCaller(registry, _runtime);
        Assert.Equal("\"handler\"", (await caller.CallAsync(Greet, null)).ValueJson);

        var data = entry.DataObject();
        data["method"] = "other";
        await registry.ApplyAsync(new ChangeSet().Update(Entry.Create(Greet, FunctionKinds.Lua, new JsonObject { ["type"] = "tool" }, data)));
        Assert.Equal("\"other\"", (await caller.CallAsync(Greet, null)).ValueJson);
    }

    [Fact]
    public async Task Null_arguments_are_an_empty_table()
    {
        var id = EntryId.Parse("app.generated:count");
        var result = await Caller(LuaTool(id, "return { handler = function(input) local n = 0 for _ in pairs(input) do n = n + 1 end return n end }")).CallAsync(id, null);
        Assert.Equal("0", result.ValueJson);
    }

    [Fact]
    public async Task A_schema_given_as_a_json_string_is_used()
    {
        var entry = Entry.Create(Greet, FunctionKinds.Lua,
            new JsonObject { ["input_schema"] = GreetSchema.ToJsonString() },
            new JsonObject { ["source"] = GreetSource });
        var result = await Caller(entry).CallAsync(Greet, new JsonObject());
        Assert.Equal("invalid arguments: (arguments): Required properties [\"name\"] are not present (required)", result.Error);
    }

    [Theory]
    [InlineData("registry.entry", "{}", "app.generated:greet is a registry.entry entry, not a function (function.lua or function.native)")]
    [InlineData("function.lua", "{}", "app.generated:greet has no data.source (the Lua code of the function)")]
    [InlineData("function.lua", """{"source": "return {}", "modules": "json"}""", "app.generated:greet: data.modules must be a list of module names")]
    [InlineData("function.lua", """{"source": "return {}", "modules": ["json", "io"]}""", "app.generated:greet: unknown module 'io' (available: base64, crypto, expr, hash, http_client, json, text, time, url, uuid, yaml)")]
    [InlineData("function.lua", """{"source": "return {}", "method": ""}""", "app.generated:greet: data.method must be the name of the exported function, e.g. handler")]
    [InlineData("function.native", "{}", "no native function named 'app.generated:greet' is registered (entry app.generated:greet)")]
    public async Task Entries_that_cannot_run_say_why(string kind, string data, string error)
    {
        var entry = Entry.Create(Greet, kind, new JsonObject(), JsonNode.Parse(data)!.AsObject());
        var result = await Caller(entry).CallAsync(Greet, new JsonObject());
        Assert.Equal(FunctionErrorKind.NotCallable, result.ErrorKind);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public async Task A_malformed_input_schema_makes_the_entry_not_callable()
    {
        var result = await Caller(LuaTool(Greet, GreetSource, new JsonObject { ["type"] = "strng" })).CallAsync(Greet, new JsonObject());
        Assert.Equal(FunctionErrorKind.NotCallable, result.ErrorKind);
        Assert.StartsWith("app.generated:greet: meta.input_schema does not follow the JSON Schema (draft 2020-12) meta-schema: ", result.Error);
    }

    [Fact]
    public async Task Native_functions_resolve_by_handler_name_or_by_entry_id()
    {
        _natives.Register("echo", (call, _) => Task.FromResult(FunctionResult.Success(new JsonObject { ["entry"] = call.Entry.Id.ToString(), ["args"] = call.Arguments?.DeepClone() })));
        _natives.Register("app.tools:clock", (_, _) => Task.FromResult(FunctionResult.Success(42)));
        var byName = Entry.Create(EntryId.Parse("app.tools:echo"), FunctionKinds.Native, new JsonObject(), new JsonObject { ["handler"] = "echo" });
        var byId = Entry.Create(EntryId.Parse("app.tools:clock"), FunctionKinds.Native, new JsonObject(), new JsonObject());
        var caller = Caller(byName, byId);

        var echoed = await caller.CallAsync(byName.Id, JsonNode.Parse("""{"x":1}"""));
        Assert.Equal("""{"entry":"app.tools:echo","args":{"x":1}}""", echoed.ValueJson);
        Assert.Equal("42", (await caller.CallAsync(byId.Id, null)).ValueJson);
    }

    [Fact]
    public async Task A_native_function_that_throws_is_an_error_result()
    {
        _natives.Register("broken", (_, _) => throw new InvalidOperationException("disk on fire"));
        var entry = Entry.Create(EntryId.Parse("app.tools:broken"), FunctionKinds.Native, new JsonObject(), new JsonObject { ["handler"] = "broken" });
        var result = await Caller(entry).CallAsync(entry.Id, null);
        Assert.Equal(FunctionErrorKind.NativeFailure, result.ErrorKind);
        Assert.Equal("broken failed: disk on fire", result.Error);
    }

    [Fact]
    public void A_native_name_can_be_registered_only_once()
    {
        _natives.Register("once", (_, _) => Task.FromResult(FunctionResult.Success(null)));
        var error = Assert.Throws<InvalidOperationException>(() => _natives.Register("once", (_, _) => Task.FromResult(FunctionResult.Success(null))));
        Assert.Equal("a native function named 'once' is already registered", error.Message);
    }

    [Fact]
    public async Task Native_functions_are_validated_against_their_schema_too()
    {
        _natives.Register("needs_name", (call, _) => Task.FromResult(FunctionResult.Success(call.Arguments?["name"]?.DeepClone())));
        var entry = Entry.Create(EntryId.Parse("app.tools:needs_name"), FunctionKinds.Native, new JsonObject { ["input_schema"] = GreetSchema.DeepClone() }, new JsonObject { ["handler"] = "needs_name" });
        var result = await Caller(entry).CallAsync(entry.Id, new JsonObject { ["name"] = 3 });
        Assert.Equal("invalid arguments: /name: Value is \"integer\" but should be \"string\" (type)", result.Error);
    }

    [Fact]
    public async Task A_cancelled_call_stops_with_a_cancelled_result()
    {
        var id = EntryId.Parse("app.generated:spin");
        using var runtime = new LuaRuntime(new LuaRuntimeOptions { Limits = LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(30) } });
        var caller = new FunctionCaller(EntryRegistry.CreateInMemory([LuaTool(id, "return { handler = function() while true do end end }")]), runtime);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await caller.CallAsync(id, null, cancel.Token);
        Assert.Equal(FunctionErrorKind.Cancelled, result.ErrorKind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }
}
