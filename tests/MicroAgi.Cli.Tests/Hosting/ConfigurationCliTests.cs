using MicroAgi.Cli.Hosting;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>The real microagi binary reading microagi.yaml, the environment and flags, against fake LLM servers.</summary>
public class ConfigurationCliTests
{
    private static void WriteStateConfig(CliRunner cli, string yaml) =>
        File.WriteAllText(Path.Combine(cli.StateDirectory, MicroAgiConfig.FileName), yaml);

    [Fact]
    public async Task The_config_flag_replaces_the_state_directory_file()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("configured elsewhere"));
        using var cli = new CliRunner();
        WriteStateConfig(cli, "model: model-from-state-dir\n");
        var elsewhere = cli.WriteFile("elsewhere.yaml", $"""
            model: model-from-config-flag
            providers:
              - id: local
                kind: openai
                base_url: {server.BaseUrl}
            """);

        var result = await cli.RunAsync("--config", elsewhere, "-p", "hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("configured elsewhere", result.Stdout);
        Assert.Equal("model-from-config-flag", server.ChatRequests.Single().Model);
    }

    [Fact]
    public async Task MICROAGI_MODEL_beats_the_model_in_the_file()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("env model answering"));
        using var cli = new CliRunner();
        cli.Environment["OPENAI_BASE_URL"] = server.BaseUrl.ToString();
        cli.Environment["MICROAGI_MODEL"] = "model-from-env";
        WriteStateConfig(cli, "model: model-from-yaml\n");

        var result = await cli.RunAsync("-p", "hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("model-from-env", server.ChatRequests.Single().Model);
    }

    [Fact]
    public async Task Listed_providers_with_empty_keys_say_what_to_set_and_exit_non_zero()
    {
        using var cli = new CliRunner();
        cli.Environment["OPENAI_API_KEY"] = "";
        cli.Environment["ANTHROPIC_API_KEY"] = "";
        WriteStateConfig(cli, """
            providers:
              - {id: openai, kind: openai}
              - {id: anthropic, kind: anthropic}
            """);

        var result = await cli.RunAsync("-p", "hello");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no LLM is configured", result.Stderr);
        Assert.Contains("OPENAI_API_KEY", result.Stderr);
        Assert.DoesNotContain("401", result.Stderr);
    }

    [Fact]
    public async Task OPENAI_BASE_URL_overrides_the_base_url_in_the_file()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("reached through the environment"));
        using var cli = new CliRunner();
        cli.Environment["OPENAI_BASE_URL"] = server.BaseUrl.ToString();
        WriteStateConfig(cli, $"""
            model: llama3.1
            providers:
              - id: local
                kind: openai
                base_url: {LoopbackPorts.UnusedUrl("/v1")}
            """);

        var result = await cli.RunAsync("-p", "hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("reached through the environment", result.Stdout);
        Assert.Single(server.ChatRequests);
    }

    [Fact]
    public async Task An_invalid_retry_setting_is_an_error_that_names_the_key()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = new CliRunner();
        cli.Environment["OPENAI_BASE_URL"] = server.BaseUrl.ToString();
        WriteStateConfig(cli, "retry:\n  max_retries: 99\n");

        var result = await cli.RunAsync("-p", "hi");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("retry.max_retries must be a whole number from 0 to 20, not 99", result.Stderr);
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task A_rate_limited_request_is_retried_and_the_turn_succeeds()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromMilliseconds(200)), FakeReply.Say("answered after the rate limit"));
        using var cli = new CliRunner();
        cli.Environment["OPENAI_BASE_URL"] = server.BaseUrl.ToString();
        cli.Environment["OPENAI_API_KEY"] = "sk-test";

        var result = await cli.RunAsync("-p", "hi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("answered after the rate limit", result.Stdout);
        Assert.Equal(2, server.ChatRequests.Count);
    }
}
