using System.Diagnostics;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests;

/// <summary>What a new user reaches for first: --help with the environment and examples, config init|show|path, completion, the banner.</summary>
public class FirstRunCommandTests
{
    [Fact]
    public async Task Help_lists_the_environment_variables_and_examples()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Environment:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  OPENAI_BASE_URL ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  MICROAGI_HOME ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("microagi -p \"what time is it?\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("completion", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_init_writes_a_file_that_show_reads_and_path_names_and_init_refuses_to_overwrite_it()
    {
        using var cli = new CliRunner();
        cli.Environment["OPENAI_API_KEY"] = CliRunner.TestKey;
        cli.Environment["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1";
        var file = Path.Combine(cli.StateDirectory, "microagi.yaml");

        var before = await cli.RunAsync("config", "show");
        var path = await cli.RunAsync("config", "path");
        var init = await cli.RunAsync("config", "init");
        var again = await cli.RunAsync("config", "init");
        var show = await cli.RunAsync("config", "show");

        Assert.Contains("does not exist", before.Stdout, StringComparison.Ordinal);
        Assert.Equal(file, path.Stdout.Trim());
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.True(File.Exists(file));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("# terminal:", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("OPENAI_BASE_URL=http://127.0.0.1:9/v1", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY=(set)", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(CliRunner.TestKey, show.Stdout, StringComparison.Ordinal);

        // A broken file: show says what is wrong, as a run would.
        File.WriteAllText(file, "terminal:\n  tool_output: everything\n");
        var broken = await cli.RunAsync("config", "show");
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("terminal.tool_output must be preview or full, not 'everything'", broken.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reg", "registry")]
    [InlineData("registry di", "diff")]
    [InlineData("config ", "init path show")]
    [InlineData("--out", "--output-format")]
    public async Task The_bash_completion_script_completes_commands_subcommands_and_options(string typed, string expected)
    {
        using var cli = new CliRunner();
        var script = await cli.RunAsync("completion", "bash");
        Assert.True(script.ExitCode == 0, script.ToString());
        var file = cli.WriteFile("complete.bash", script.Stdout);

        var words = ("microagi " + typed).Split(' ');
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"source '{file}'; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}; _microagi; echo \"${{COMPREPLY[*]}}\"");
        using var bash = Process.Start(info)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.True(bash.ExitCode == 0, await bash.StandardError.ReadToEndAsync());
        Assert.Equal(expected, string.Join(' ', output.Trim().Split(' ').Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task The_fish_script_names_every_command_and_an_unknown_shell_is_a_usage_error()
    {
        using var cli = new CliRunner();

        var fish = await cli.RunAsync("completion", "fish");
        var unknown = await cli.RunAsync("completion", "powershell");

        Assert.Contains("complete -c microagi -f -n '__fish_use_subcommand' -a registry", fish.Stdout, StringComparison.Ordinal);
        Assert.Contains("complete -c microagi -f -n '__fish_seen_subcommand_from registry' -a diff", fish.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("powershell", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_banner_names_the_model_and_the_endpoint()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunInTerminalAsync("/exit\n", whileRunning: null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"model gpt-5.1 at {server.BaseUrl.ToString().TrimEnd('/')}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_only_a_base_url_the_model_the_server_serves_is_taken()
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { Models = ["llama3.1"] });
        server.Enqueue(FakeReply.Say("hello from llama"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("hello from llama", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("llama3.1", server.ChatRequests.Single().Model);
    }

    [Fact]
    public async Task A_server_with_several_models_and_none_chosen_is_a_clear_error_listing_them()
    {
        await using var server = FakeOpenAIServer.Start(new FakeServerOptions { Models = ["llama3.1", "qwen2.5"] });
        using var cli = CliRunner.ForOpenAI(server);

        var refused = await cli.RunAsync("-p", "hi");
        server.Enqueue(FakeReply.Say("from qwen"));
        var chosen = await cli.RunAsync("-p", "hi", "--model", "qwen2.5");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("does not serve gpt-5.1; it serves llama3.1, qwen2.5: choose one with --model NAME", refused.Stderr, StringComparison.Ordinal);
        Assert.True(chosen.ExitCode == 0, chosen.ToString());
        Assert.Equal("qwen2.5", server.ChatRequests.Single().Model);
    }
}
