using System.Text.Json.Nodes;
using MicroAgi.Agents.Self;

namespace MicroAgi.Agents.Tests.Self;

public sealed class SelfCallAndToolsTests
{
    [Fact]
    public async Task Call_build_system_prompt_returns_the_prompt()
    {
        await using var fx = new SelfFixture();

        Assert.Equal("You are a test agent.", await fx.OkAsync("""{"action":"call","method":"context.build_system_prompt"}"""));
    }

    [Fact]
    public async Task Call_passes_validated_arguments()
    {
        await using var fx = new SelfFixture();
        fx.Session.Conversation.Add(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "first"));
        fx.Session.Conversation.Add(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "second"));

        var text = await fx.OkAsync("""{"action":"call","method":"context.recent_messages","args":{"count":1}}""");

        Assert.Contains("second", text);
        Assert.DoesNotContain("first", text);
    }

    [Theory]
    [InlineData("""{"count":"many"}""")]
    [InlineData("""{"count":0}""")]
    [InlineData("""{"count":51}""")]
    public async Task Arguments_that_break_the_methods_schema_are_refused(string args)
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"call","method":"context.recent_messages","args":{{args}}}""");

        Assert.Contains("do not fit recent_messages(count?: integer)", error);
    }

    [Fact]
    public async Task Call_of_a_property_or_an_unknown_method_is_refused()
    {
        await using var fx = new SelfFixture();

        Assert.Contains("is not a method; inspect it to read it, modify it to change it", await fx.ErrorAsync("""{"action":"call","method":"max_iterations"}"""));
        Assert.Contains("does not exist", await fx.ErrorAsync("""{"action":"call","method":"context.nothing"}"""));
        Assert.Contains("needs 'method'", await fx.ErrorAsync("""{"action":"call"}"""));
    }

    [Fact]
    public async Task A_component_method_runs_sync_or_async_and_its_failure_is_an_error_result()
    {
        await using var fx = new SelfFixture();
        var cancelled = new List<string>();
        var subagents = fx.Self.Surface.Root.Node("subagents", "Running subagents");
        subagents.Add(new SurfaceMethod("get_running_count", "How many subagents run", () => 0));
        subagents.Add(new SurfaceMethod("cancel_by_session", "Cancels a session's subagents",
            new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["session_key"] = new JsonObject { ["type"] = "string" } },
                ["required"] = new JsonArray("session_key"),
            },
            async (args, ct) =>
            {
                await Task.Yield();
                cancelled.Add((string)args["session_key"]!);
                return 2;
            }));
        subagents.Add(new SurfaceMethod("broken", "Always fails", () => throw new InvalidOperationException("it broke")));

        Assert.Equal("0", await fx.OkAsync("""{"action":"call","method":"subagents.get_running_count"}"""));
        Assert.Equal("2", await fx.OkAsync("""{"action":"call","method":"subagents.cancel_by_session","args":{"session_key":"weixin:user123"}}"""));
        Assert.Equal(["weixin:user123"], cancelled);
        Assert.Contains("session_key", await fx.ErrorAsync("""{"action":"call","method":"subagents.cancel_by_session","args":{}}"""));
        Assert.Equal("subagents.broken failed: it broke", await fx.ErrorAsync("""{"action":"call","method":"subagents.broken"}"""));
    }

    [Fact]
    public async Task List_tools_shows_each_tool_with_its_description()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"list_tools"}""");

        Assert.StartsWith("Tools (5):", text);
        Assert.Contains("  echo: The echo tool", text);
        Assert.Contains("  self: ", text);
    }

    [Fact]
    public async Task Unregister_takes_a_tool_out_and_register_brings_it_back()
    {
        await using var fx = new SelfFixture();

        Assert.StartsWith("Unregistered tool 'echo'", await fx.OkAsync("""{"action":"manage_tool","name":"echo","manage_action":"unregister"}"""));
        var listed = await fx.OkAsync("""{"action":"list_tools"}""");
        Assert.StartsWith("Tools (4):", listed);
        Assert.Contains("Unregistered (1): app.tools:echo", listed);
        Assert.StartsWith("Re-registered tool 'echo'", await fx.OkAsync("""{"action":"manage_tool","name":"echo","manage_action":"register"}"""));
        Assert.StartsWith("Tools (5):", await fx.OkAsync("""{"action":"list_tools"}"""));
    }

    [Fact]
    public async Task A_tool_can_be_named_by_its_entry_id()
    {
        await using var fx = new SelfFixture();

        await fx.OkAsync("""{"action":"manage_tool","name":"app.tools:echo","manage_action":"unregister"}""");

        Assert.True(fx.Tuning.IsUnregistered(MicroAgi.Registry.EntryId.Parse("app.tools:echo")));
    }

    [Fact]
    public async Task Self_can_never_be_unregistered()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"manage_tool","name":"self","manage_action":"unregister"}""");

        Assert.Contains("'self' cannot be unregistered", error);
        Assert.Contains("locked out", error);
        Assert.Empty(fx.Tuning.UnregisteredTools);
    }

    [Fact]
    public async Task Load_tool_is_critical_and_stays()
    {
        await using var fx = new SelfFixture();

        Assert.Contains("critical tool", await fx.ErrorAsync("""{"action":"manage_tool","name":"load_tool","manage_action":"unregister"}"""));
    }

    [Fact]
    public async Task Register_brings_back_only_a_tool_unregistered_before()
    {
        await using var fx = new SelfFixture();

        Assert.Contains("is registered already", await fx.ErrorAsync("""{"action":"manage_tool","name":"echo","manage_action":"register"}"""));
        // A tool the agent is not granted (not in its tools) cannot be added by registering it.
        Assert.Contains("was not unregistered in this session", await fx.ErrorAsync("""{"action":"manage_tool","name":"app.other:secret_tool","manage_action":"register"}"""));
    }

    [Fact]
    public async Task Unregistering_twice_or_an_unknown_tool_is_refused()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"manage_tool","name":"echo","manage_action":"unregister"}""");

        Assert.Contains("already unregistered", await fx.ErrorAsync("""{"action":"manage_tool","name":"echo","manage_action":"unregister"}"""));
        Assert.Contains("no tool 'web_search' is active", await fx.ErrorAsync("""{"action":"manage_tool","name":"web_search","manage_action":"unregister"}"""));
    }

    [Fact]
    public async Task Manage_tool_needs_a_name_and_a_known_action()
    {
        await using var fx = new SelfFixture();

        Assert.Contains("needs 'name'", await fx.ErrorAsync("""{"action":"manage_tool","manage_action":"unregister"}"""));
        Assert.Contains("register", await fx.ErrorAsync("""{"action":"manage_tool","name":"echo","manage_action":"delete"}"""));
        Assert.Contains("register", await fx.ErrorAsync("""{"action":"manage_tool","name":"echo"}"""));
    }
}
