using MicroAgi.Registry;

namespace MicroAgi.Agents.Tests.Self;

public sealed class SelfSnapshotAndResetTests
{
    [Fact]
    public async Task Snapshots_save_and_restore_the_seeds_configuration_templates()
    {
        await using var fx = new SelfFixture(maxIterations: 40);

        Assert.Equal("Snapshot 'coding_mode' saved", await fx.OkAsync("""{"action":"snapshot","name":"coding_mode"}"""));
        await fx.OkAsync("""{"action":"modify","key":"max_iterations","value":100}""");
        await fx.OkAsync("""{"action":"modify","key":"context_window_tokens","value":131072}""");
        Assert.Equal("Snapshot 'high_capacity' saved", await fx.OkAsync("""{"action":"snapshot","name":"high_capacity"}"""));

        Assert.Equal("Restored snapshot 'coding_mode'", await fx.OkAsync("""{"action":"restore","name":"coding_mode"}"""));
        Assert.Equal(40, fx.Tuning.MaxIterations);
        Assert.Null(fx.Tuning.ContextWindowTokens);
        Assert.Equal("Snapshots (2): ['coding_mode', 'high_capacity']", await fx.OkAsync("""{"action":"list_snapshots"}"""));

        await fx.OkAsync("""{"action":"restore","name":"high_capacity"}""");
        Assert.Equal(100, fx.Tuning.MaxIterations);
        Assert.Equal(131072, fx.Tuning.ContextWindowTokens);
    }

    [Fact]
    public async Task A_snapshot_holds_the_runtime_variables_and_the_tool_set()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"mode","value":"review"}""");
        await fx.OkAsync("""{"action":"manage_tool","name":"echo","manage_action":"unregister"}""");
        await fx.OkAsync("""{"action":"snapshot","name":"quiet"}""");

        await fx.OkAsync("""{"action":"reset","key":"mode"}""");
        await fx.OkAsync("""{"action":"modify","key":"later","value":1}""");
        await fx.OkAsync("""{"action":"manage_tool","name":"echo","manage_action":"register"}""");
        await fx.OkAsync("""{"action":"manage_tool","name":"explode","manage_action":"unregister"}""");
        await fx.OkAsync("""{"action":"restore","name":"quiet"}""");

        Assert.Equal(["mode"], fx.Self.Vars.Keys);
        Assert.Equal([EntryId.Parse("app.tools:echo")], fx.Tuning.UnregisteredTools);
    }

    [Fact]
    public async Task No_snapshots_yet_and_unknown_names_are_said_plainly()
    {
        await using var fx = new SelfFixture();

        Assert.StartsWith("No snapshots saved", await fx.OkAsync("""{"action":"list_snapshots"}"""));
        Assert.Contains("no snapshot 'missing'", await fx.ErrorAsync("""{"action":"restore","name":"missing"}"""));
        Assert.Contains("needs 'name'", await fx.ErrorAsync("""{"action":"snapshot"}"""));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    public async Task A_snapshot_name_must_be_safe_as_a_file_name(string name)
    {
        await using var fx = new SelfFixture();

        Assert.Contains("cannot name a snapshot", await fx.ErrorAsync($$"""{"action":"snapshot","name":"{{name}}","persist":true}"""));
        Assert.False(Directory.Exists(fx.SnapshotDirectory));
    }

    [Fact]
    public async Task A_persisted_snapshot_survives_a_restart()
    {
        using var state = new MicroAgi.Agents.Tests.Tools.TempDirectory();
        var directory = Path.Combine(state.Path, "snapshots");
        await using (var first = new SelfFixture(snapshotDirectory: directory))
        {
            await first.OkAsync("""{"action":"modify","key":"max_iterations","value":77}""");
            await first.OkAsync("""{"action":"modify","key":"style","value":"terse"}""");
            Assert.StartsWith("Snapshot 'research' saved and persisted", await first.OkAsync("""{"action":"snapshot","name":"research","persist":true}"""));
            await first.OkAsync("""{"action":"snapshot","name":"only_here"}""");
        }
        Assert.True(File.Exists(Path.Combine(directory, "research.json")));

        await using var second = new SelfFixture(snapshotDirectory: directory);
        var listed = await second.OkAsync("""{"action":"list_snapshots"}""");
        Assert.StartsWith("Snapshots (1): ['research']", listed);
        Assert.Contains("persisted (they survive a restart): ['research']", listed);
        await second.OkAsync("""{"action":"restore","name":"research"}""");
        Assert.Equal(77, second.Tuning.MaxIterations);
        Assert.Equal(["style"], second.Self.Vars.Keys);
    }

    [Fact]
    public async Task A_persisted_snapshot_edited_out_of_range_restores_what_is_valid_and_says_what_is_not()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"max_iterations","value":50}""");
        await fx.OkAsync("""{"action":"modify","key":"model","value":"small"}""");
        await fx.OkAsync("""{"action":"snapshot","name":"edited","persist":true}""");
        var path = Path.Combine(fx.SnapshotDirectory, "edited.json");
        var saved = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        saved["settings"]!["max_iterations"] = 5000;
        File.WriteAllText(path, saved.ToJsonString());
        await using var restarted = new SelfFixture(snapshotDirectory: fx.SnapshotDirectory);

        var text = await restarted.OkAsync("""{"action":"restore","name":"edited"}""");

        Assert.Contains("not restored: max_iterations must be a whole number from 1 to 100, not 5,000", text);
        Assert.Equal(20, restarted.Tuning.MaxIterations);
        Assert.Equal("small", restarted.Tuning.Model);
    }

    [Fact]
    public async Task A_damaged_persisted_snapshot_is_reported_not_applied()
    {
        await using var fx = new SelfFixture();
        Directory.CreateDirectory(fx.SnapshotDirectory);
        File.WriteAllText(Path.Combine(fx.SnapshotDirectory, "broken.json"), "{ not json");

        Assert.Contains("snapshot 'broken' cannot be read", await fx.ErrorAsync("""{"action":"restore","name":"broken"}"""));
    }

    [Fact]
    public async Task Reset_puts_a_setting_back_to_its_configured_value()
    {
        await using var fx = new SelfFixture(maxIterations: 40);
        await fx.OkAsync("""{"action":"modify","key":"max_iterations","value":80}""");

        Assert.Equal("Reset max_iterations = 40 (was 80)", await fx.OkAsync("""{"action":"reset","key":"max_iterations"}"""));
        await fx.OkAsync("""{"action":"modify","key":"model","value":"small"}""");
        Assert.Equal("Reset model = 'big' (was 'small')", await fx.OkAsync("""{"action":"reset","key":"model"}"""));
        Assert.Null(fx.Tuning.Model);
    }

    [Fact]
    public async Task Reset_of_a_runtime_variable_deletes_it()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"my_custom_flag","value":true}""");

        Assert.Equal("Deleted _runtime_vars.my_custom_flag", await fx.OkAsync("""{"action":"reset","key":"my_custom_flag"}"""));
        Assert.Equal(0, fx.Self.Vars.Count);
    }

    [Fact]
    public async Task Reset_of_something_that_is_not_a_setting_is_refused()
    {
        await using var fx = new SelfFixture();

        Assert.Contains("neither a setting nor a runtime variable", await fx.ErrorAsync("""{"action":"reset","key":"nothing_here"}"""));
        Assert.Contains("is not a setting", await fx.ErrorAsync("""{"action":"reset","key":"usage.session"}"""));
    }

    [Fact]
    public async Task Reset_without_a_key_puts_everything_back()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"max_iterations","value":80}""");
        await fx.OkAsync("""{"action":"modify","key":"context_window_tokens","value":8192}""");
        await fx.OkAsync("""{"action":"modify","key":"a","value":1}""");
        await fx.OkAsync("""{"action":"manage_tool","name":"echo","manage_action":"unregister"}""");

        var text = await fx.OkAsync("""{"action":"reset"}""");

        Assert.Contains("max_iterations = 20", text);
        Assert.Contains("deleted 1 runtime variable(s); re-registered 1 tool(s)", text);
        Assert.Equal(20, fx.Tuning.MaxIterations);
        Assert.Null(fx.Tuning.ContextWindowTokens);
        Assert.Equal(0, fx.Self.Vars.Count);
        Assert.Empty(fx.Tuning.UnregisteredTools);
    }
}
