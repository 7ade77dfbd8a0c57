using System.Text.Json.Nodes;
using MicroAgi.Agents.Self;

namespace MicroAgi.Agents.Tests.Self;

public sealed class SelfInspectTests
{
    [Fact]
    public async Task Inspect_without_a_key_summarises_the_restricted_parameters()
    {
        await using var fx = new SelfFixture(maxIterations: 40);

        var text = await fx.OkAsync("""{"action":"inspect"}""");

        Assert.Contains("max_iterations: 40", text);
        Assert.Contains("context_window_tokens: 100000", text);
        Assert.Contains("model: 'big'", text);
        Assert.Contains("_runtime_vars (0): none", text);
        Assert.Contains("tools", text);
    }

    [Fact]
    public async Task The_summary_lists_runtime_variables()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"my_flag","value":true}""");

        var text = await fx.OkAsync("""{"action":"inspect"}""");

        Assert.Contains("_runtime_vars (1): my_flag", text);
    }

    [Fact]
    public async Task A_writable_property_shows_its_type_range_and_when_it_takes_effect()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"inspect","key":"max_iterations"}""");

        Assert.Equal("max_iterations: 20  (int 1–100, writable, takes effect from the next step)", text);
    }

    [Fact]
    public async Task A_read_only_property_says_so()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"inspect","key":"compression.threshold"}""");

        Assert.Equal("compression.threshold: 0.75  (read-only)", text);
    }

    [Fact]
    public async Task A_dot_path_reaches_into_a_value_object()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"inspect","key":"usage.session.requests"}""");

        Assert.StartsWith("usage.session.requests: 0", text);
    }

    [Fact]
    public async Task A_dot_path_reaches_into_a_list_by_index()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"inspect","key":"tools.active.0.name"}""");

        Assert.StartsWith("tools.active.0.name: 'echo'", text);
    }

    [Fact]
    public async Task An_index_past_the_end_of_a_list_is_an_error_naming_the_range()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"inspect","key":"tools.active.99"}""");

        Assert.Contains("is not an index from 0 to", error);
    }

    [Fact]
    public async Task A_method_shows_its_signature_and_says_to_call_it()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"inspect","key":"context.build_system_prompt"}""");

        Assert.StartsWith("method build_system_prompt() — ", text);
        Assert.EndsWith("use 'call' to invoke", text);
    }

    [Fact]
    public async Task A_method_with_parameters_shows_them_in_its_signature()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"inspect","key":"context.recent_messages"}""");

        Assert.Contains("recent_messages(count?: integer)", text);
    }

    [Fact]
    public async Task A_node_lists_its_members()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"inspect","key":"tools"}""");

        Assert.Contains("active:", text);
        Assert.Contains("unregistered: []", text);
        Assert.Contains("timeout_seconds: 5", text);
    }

    [Fact]
    public async Task An_unknown_key_is_an_error_listing_what_exists()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"inspect","key":"nonexistent"}""");

        Assert.Contains("'nonexistent' does not exist at the top level", error);
        Assert.Contains("max_iterations", error);
    }

    [Fact]
    public async Task An_unknown_member_of_a_node_names_the_node()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"inspect","key":"usage.nothing"}""");

        Assert.Contains("'nothing' does not exist in 'usage'", error);
    }

    [Theory]
    [InlineData("provider")]
    [InlineData("bus")]
    [InlineData("_running")]
    [InlineData("__class__")]
    [InlineData("api_key")]
    [InlineData("transport")]
    public async Task Provider_credentials_transport_and_the_running_flag_are_not_on_the_surface(string key)
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"inspect","key":"{{key}}"}""");

        Assert.Contains("is not on the runtime surface", error);
    }

    [Fact]
    public async Task A_runtime_variable_is_found_by_its_name_or_its_full_path()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"mode","value":"fast"}""");

        Assert.Equal("_runtime_vars.mode: 'fast'", await fx.OkAsync("""{"action":"inspect","key":"mode"}"""));
        Assert.Equal("_runtime_vars.mode: 'fast'", await fx.OkAsync("""{"action":"inspect","key":"_runtime_vars.mode"}"""));
        Assert.Contains("no runtime variable 'other'", await fx.ErrorAsync("""{"action":"inspect","key":"_runtime_vars.other"}"""));
    }

    [Fact]
    public async Task Inspecting_runtime_vars_shows_them_all()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"a","value":1}""");
        await fx.OkAsync("""{"action":"modify","key":"b","value":[1,2]}""");

        var text = await fx.OkAsync("""{"action":"inspect","key":"_runtime_vars"}""");

        Assert.Equal("""_runtime_vars (2): {"a":1,"b":[1,2]}""", text);
    }

    [Fact]
    public async Task A_path_with_an_empty_segment_is_refused()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"inspect","key":"usage..session"}""");

        Assert.Contains("is not a path", error);
    }

    [Fact]
    public async Task An_unknown_action_is_refused_by_the_schema_with_the_choices()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"explode"}""");

        Assert.Contains("inspect", error);
    }

    [Fact]
    public async Task A_component_publishes_its_own_nodes_and_they_can_be_inspected()
    {
        await using var fx = new SelfFixture();
        var tasks = new JsonArray("a1b2c3", "d4e5f6");
        fx.Self.Surface.Publish("subagents", new SurfaceProperty("running_tasks", "Running subagent tasks", () => tasks.DeepClone()));

        var text = await fx.OkAsync("""{"action":"inspect","key":"subagents.running_tasks"}""");

        Assert.StartsWith("""subagents.running_tasks: ["a1b2c3","d4e5f6"]""", text);
        Assert.True(fx.Self.Surface.Unpublish("subagents.running_tasks"));
        Assert.Contains("does not exist", await fx.ErrorAsync("""{"action":"inspect","key":"subagents.running_tasks"}"""));
    }
}
