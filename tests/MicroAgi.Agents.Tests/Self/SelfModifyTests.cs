namespace MicroAgi.Agents.Tests.Self;

public sealed class SelfModifyTests
{
    [Fact]
    public async Task Max_iterations_is_set_and_the_message_gives_the_old_value()
    {
        await using var fx = new SelfFixture(maxIterations: 40);

        var text = await fx.OkAsync("""{"action":"modify","key":"max_iterations","value":80}""");

        Assert.StartsWith("Set max_iterations = 80 (was 40)", text);
        Assert.Contains("takes effect from the next step", text);
        Assert.Equal(80, fx.Tuning.MaxIterations);
    }

    [Theory]
    [InlineData("\"80\"")]
    [InlineData("80.0")]
    [InlineData("\" 80 \"")]
    public async Task A_whole_number_given_as_text_or_with_a_zero_fraction_is_accepted(string value)
    {
        await using var fx = new SelfFixture();

        await fx.OkAsync($$"""{"action":"modify","key":"max_iterations","value":{{value}}}""");

        Assert.Equal(80, fx.Tuning.MaxIterations);
    }

    [Theory]
    [InlineData("3.9", "making it whole would change it")]
    [InlineData("true", "not true (a boolean)")]
    [InlineData("0", "not 0")]
    [InlineData("101", "not 101")]
    [InlineData("\"eighty\"", "not 'eighty'")]
    [InlineData("null", "not null")]
    [InlineData("{\"n\":5}", "not an object")]
    [InlineData("[5]", "not a list")]
    [InlineData("\"3.5\"", "making it whole would change it")]
    public async Task Max_iterations_refuses_what_is_not_a_whole_number_from_1_to_100(string value, string reason)
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"modify","key":"max_iterations","value":{{value}}}""");

        Assert.StartsWith("max_iterations must be a whole number from 1 to 100", error);
        Assert.Contains(reason, error);
        Assert.Equal(20, fx.Tuning.MaxIterations);
    }

    [Fact]
    public async Task Context_window_tokens_takes_the_seeds_range()
    {
        await using var fx = new SelfFixture();

        Assert.StartsWith("Set context_window_tokens = 131072 (was 100000)", await fx.OkAsync("""{"action":"modify","key":"context_window_tokens","value":131072}"""));
        Assert.Contains("from 4,096 to 1,000,000, not 4,095", await fx.ErrorAsync("""{"action":"modify","key":"context_window_tokens","value":4095}"""));
        Assert.Contains("not 1,000,001", await fx.ErrorAsync("""{"action":"modify","key":"context_window_tokens","value":1000001}"""));
        Assert.StartsWith("Set context_window_tokens = 4096", await fx.OkAsync("""{"action":"modify","key":"context_window_tokens","value":4096}"""));
        Assert.Equal(4096, fx.Session.ContextWindow);
    }

    [Fact]
    public async Task Model_is_set_to_a_known_model_by_name()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"modify","key":"model","value":"small"}""");

        Assert.StartsWith("Set model = 'small' (was 'big')", text);
        Assert.Equal("small", fx.Tuning.Model);
    }

    [Fact]
    public async Task Model_may_be_a_class_and_shows_the_model_it_resolves_to()
    {
        await using var fx = new SelfFixture();

        Assert.StartsWith("Set model = 'small' (was 'big')", await fx.OkAsync("""{"action":"modify","key":"model","value":"fast"}"""));
    }

    [Fact]
    public async Task A_model_name_that_resolves_to_nothing_is_refused_with_the_known_ones()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"modify","key":"model","value":"gpt-9-imaginary"}""");

        Assert.Contains("model 'gpt-9-imaginary' is not a known model", error);
        Assert.Contains("small", error);
        Assert.Null(fx.Tuning.Model);
    }

    [Fact]
    public async Task A_known_model_no_configured_provider_runs_is_refused()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"modify","key":"model","value":"{{SelfFixture.UnrunnableModel}}"}""");

        Assert.Contains("cannot run here", error);
    }

    [Theory]
    [InlineData("\"\"", "not empty text")]
    [InlineData("\"   \"", "not empty text")]
    [InlineData("5", "not 5")]
    [InlineData("null", "not null")]
    public async Task Model_must_be_non_empty_text(string value, string reason)
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"modify","key":"model","value":{{value}}}""");

        Assert.Contains(reason, error);
    }

    [Fact]
    public async Task Temperature_is_taken_by_a_model_that_samples_and_refused_by_a_reasoning_model()
    {
        await using var fx = new SelfFixture();

        Assert.StartsWith("Set temperature = 0.2 (was null)", await fx.OkAsync("""{"action":"modify","key":"temperature","value":0.2}"""));
        Assert.Contains("from 0 to 2", await fx.ErrorAsync("""{"action":"modify","key":"temperature","value":3}"""));
        Assert.Equal("Reset temperature = null (was 0.2)", await fx.OkAsync("""{"action":"reset","key":"temperature"}"""));
        await fx.OkAsync("""{"action":"modify","key":"model","value":"thinker"}""");
        Assert.Contains("thinker is a reasoning model and takes no temperature", await fx.ErrorAsync("""{"action":"modify","key":"temperature","value":0.2}"""));
    }

    [Fact]
    public async Task Thinking_effort_is_taken_only_by_a_reasoning_model()
    {
        await using var fx = new SelfFixture();

        Assert.Contains("big does not think", await fx.ErrorAsync("""{"action":"modify","key":"thinking_effort","value":50}"""));
        await fx.OkAsync("""{"action":"modify","key":"model","value":"thinker"}""");
        Assert.StartsWith("Set thinking_effort = 50", await fx.OkAsync("""{"action":"modify","key":"thinking_effort","value":50}"""));
        Assert.Contains("from 0 to 100", await fx.ErrorAsync("""{"action":"modify","key":"thinking_effort","value":101}"""));
    }

    [Fact]
    public async Task An_unknown_key_becomes_a_runtime_variable()
    {
        await using var fx = new SelfFixture();

        Assert.Equal("Set _runtime_vars.my_custom_flag = true", await fx.OkAsync("""{"action":"modify","key":"my_custom_flag","value":true}"""));
        Assert.Equal("Set _runtime_vars.provider_retry_mode = 'persistent'", await fx.OkAsync("""{"action":"modify","key":"provider_retry_mode","value":"persistent"}"""));
        Assert.Equal("""Set _runtime_vars.plan = {"steps":["a","b"]}""", await fx.OkAsync("""{"action":"modify","key":"plan","value":{"steps":["a","b"]}}"""));
        Assert.Equal(3, fx.Self.Vars.Count);
    }

    [Fact]
    public async Task A_runtime_variable_can_be_named_by_its_full_path_and_overwritten()
    {
        await using var fx = new SelfFixture();

        await fx.OkAsync("""{"action":"modify","key":"_runtime_vars.level","value":1}""");
        await fx.OkAsync("""{"action":"modify","key":"level","value":2}""");

        Assert.True(fx.Self.Vars.TryGet("level", out var value));
        Assert.Equal(2, (int)value!);
        Assert.Equal("modify _runtime_vars.level 1 → 2", fx.Audit.Entries[^1].Summary);
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    public async Task A_runtime_variable_needs_an_identifier_name(string key)
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"modify","key":"{{key}}","value":1}""");

        Assert.Contains("cannot name a runtime variable", error);
    }

    [Fact]
    public async Task Modify_tools_is_refused_and_points_to_manage_tool()
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync("""{"action":"modify","key":"tools","value":"nothing"}""");

        Assert.Contains("use manage_tool", error);
        Assert.Contains("echo", await fx.OkAsync("""{"action":"list_tools"}"""));
    }

    [Theory]
    [InlineData("tools.active", "read-only")]
    [InlineData("usage.session", "read-only")]
    [InlineData("compression.threshold", "read-only")]
    [InlineData("context.build_system_prompt", "is a method; use 'call'")]
    [InlineData("context", "is a group of values")]
    [InlineData("usage.session.requests", "it is read-only")]
    [InlineData("tools.nothing", "'nothing' does not exist in 'tools'")]
    [InlineData("_runtime_vars", "holds the runtime variables")]
    public async Task What_cannot_be_set_is_refused_with_the_reason(string key, string reason)
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"modify","key":"{{key}}","value":1}""");

        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("provider")]
    [InlineData("bus")]
    [InlineData("_running")]
    [InlineData("__class__")]
    [InlineData("api_key")]
    [InlineData("openai_token")]
    public async Task Blocked_names_cannot_be_set_not_even_as_runtime_variables(string key)
    {
        await using var fx = new SelfFixture();

        var error = await fx.ErrorAsync($$"""{"action":"modify","key":"{{key}}","value":"x"}""");

        Assert.Contains("is not on the runtime surface", error);
        Assert.Equal(0, fx.Self.Vars.Count);
    }

    [Fact]
    public async Task Modify_without_a_key_or_a_value_says_what_it_needs()
    {
        await using var fx = new SelfFixture();

        Assert.Contains("needs 'key'", await fx.ErrorAsync("""{"action":"modify","value":1}"""));
        Assert.Contains("needs 'value'", await fx.ErrorAsync("""{"action":"modify","key":"max_iterations"}"""));
    }
}
