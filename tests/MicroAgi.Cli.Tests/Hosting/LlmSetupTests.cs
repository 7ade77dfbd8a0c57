using MicroAgi.Cli.Hosting;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>Which providers come out of microagi.yaml, the environment and --base-url, and in what precedence.</summary>
public class LlmSetupTests
{
    private static IReadOnlyList<ProviderSettings> Providers(string yaml, Dictionary<string, string> environment, string? baseUrlFlag = null) =>
        LlmSetup.Providers(ConfigFile.Load(yaml), baseUrlFlag, name => environment.GetValueOrDefault(name));

    private const string BothOfficial = """
        providers:
          - {id: openai, kind: openai}
          - {id: anthropic, kind: anthropic}
        """;

    [Fact]
    public void Listed_providers_without_keys_on_their_official_endpoints_count_as_unconfigured_and_are_named()
    {
        var error = Assert.Throws<ConfigException>(() => Providers(BothOfficial, []));

        Assert.Equal(
            "provider 'openai' has no key: OPENAI_API_KEY is not set\nprovider 'anthropic' has no key: ANTHROPIC_API_KEY is not set\n" + LlmSetup.NoProviderMessage,
            error.Message);
    }

    [Fact]
    public void A_base_url_that_is_not_a_url_is_named_without_the_credentials_it_carries()
    {
        var error = Assert.Throws<ConfigException>(() => Providers("", new() { ["OPENAI_BASE_URL"] = "htps//user:s3cret@host/v1" }));

        Assert.Contains("'…@host/v1' is not an http(s) URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_listed_providers_that_have_a_key_are_used()
    {
        var provider = Assert.Single(Providers(BothOfficial, new() { ["ANTHROPIC_API_KEY"] = "sk-ant-test" }));

        Assert.Equal(ProviderKind.Anthropic, provider.Kind);
        Assert.Equal("sk-ant-test", provider.ApiKey);
    }

    [Fact]
    public void A_listed_provider_with_its_own_base_url_runs_without_a_key()
    {
        var provider = Assert.Single(Providers("providers: [{id: local, kind: openai, base_url: 'http://localhost:11434/v1'}]", []));

        Assert.Equal(new Uri("http://localhost:11434/v1"), provider.BaseUrl);
        Assert.Null(provider.ApiKey);
    }

    [Fact]
    public void A_base_url_on_the_official_host_still_needs_a_key()
    {
        Assert.Throws<ConfigException>(() => Providers("providers: [{kind: openai, base_url: 'https://api.openai.com/v1'}]", []));
    }

    [Fact]
    public void The_key_comes_from_the_variable_the_provider_names()
    {
        var provider = Assert.Single(Providers(
            "providers: [{id: router, kind: openai, base_url: 'https://openrouter.ai/api/v1', api_key_env: ROUTER_KEY}]",
            new() { ["ROUTER_KEY"] = "sk-or-test", ["OPENAI_API_KEY"] = "sk-other" }));

        Assert.Equal("sk-or-test", provider.ApiKey);
        Assert.Equal("set ROUTER_KEY", provider.KeyHint);
    }

    [Fact]
    public void The_environment_base_url_overrides_the_listed_one_and_the_flag_overrides_both()
    {
        const string yaml = """
            providers:
              - {id: local, kind: openai, base_url: 'http://localhost:1111/v1'}
              - {id: claude, kind: anthropic, base_url: 'http://localhost:2222'}
            """;
        var environment = new Dictionary<string, string> { ["OPENAI_BASE_URL"] = "http://localhost:3333/v1", ["ANTHROPIC_BASE_URL"] = "http://localhost:4444" };

        var fromEnvironment = Providers(yaml, environment);
        Assert.Equal(["local", "claude"], fromEnvironment.Select(p => p.Id));
        Assert.Equal(new Uri("http://localhost:3333/v1"), fromEnvironment[0].BaseUrl);
        Assert.Equal(new Uri("http://localhost:4444"), fromEnvironment[1].BaseUrl);

        var fromFlag = Providers(yaml, environment, baseUrlFlag: "http://localhost:5555/v1");
        Assert.Equal(new Uri("http://localhost:5555/v1"), fromFlag[0].BaseUrl);
        Assert.Equal(new Uri("http://localhost:4444"), fromFlag[1].BaseUrl);
    }

    [Fact]
    public void A_kind_the_file_does_not_list_is_added_from_the_environment_after_the_listed_ones()
    {
        var providers = Providers("providers: [{id: claude, kind: anthropic, base_url: 'http://localhost:2222'}]", new() { ["OPENAI_API_KEY"] = "sk-test" });

        Assert.Equal([ProviderKind.Anthropic, ProviderKind.OpenAI], providers.Select(p => p.Kind));
        Assert.Equal("sk-test", providers[1].ApiKey);
        Assert.Null(providers[1].BaseUrl);
    }

    [Fact]
    public void Without_a_list_the_environment_alone_configures_openai_first_then_anthropic()
    {
        var providers = Providers("model: fast", new() { ["ANTHROPIC_API_KEY"] = "sk-ant-test", ["OPENAI_BASE_URL"] = "http://localhost:11434/v1" });

        Assert.Equal([ProviderKind.OpenAI, ProviderKind.Anthropic], providers.Select(p => p.Kind));
        Assert.Equal(["openai", "anthropic"], providers.Select(p => p.Id));
    }

    [Fact]
    public void The_base_url_flag_alone_configures_an_openai_compatible_provider()
    {
        var provider = Assert.Single(Providers("model: fast", [], baseUrlFlag: "http://localhost:11434/v1"));

        Assert.Equal(ProviderKind.OpenAI, provider.Kind);
        Assert.Equal(new Uri("http://localhost:11434/v1"), provider.BaseUrl);
    }

    [Fact]
    public void A_malformed_url_names_where_it_came_from()
    {
        var error = Assert.Throws<ConfigException>(() => Providers("model: fast", new() { ["OPENAI_BASE_URL"] = "localhost:11434" }));

        Assert.Contains("OPENAI_BASE_URL 'localhost:11434' is not an http(s) URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_and_timeouts_apply_to_every_provider_and_a_provider_overrides_them_key_by_key()
    {
        var providers = Providers("""
            retry: {max_retries: 5, base_delay_seconds: 0.5}
            timeouts: {request_seconds: 30, idle_seconds: 15}
            providers:
              - id: local
                base_url: http://localhost:11434/v1
                retry: {max_retries: 0}
                timeouts: {request_seconds: 600}
            """, new() { ["ANTHROPIC_API_KEY"] = "sk-ant-test" });

        var local = providers.Single(p => p.Id == "local");
        Assert.Equal(0, local.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(0.5), local.Retry.BaseDelay);
        Assert.Equal(RetrySettings.Default.MaxDelay, local.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(600), local.RequestTimeout);
        // No deadline set: the one long attempt still fits it.
        Assert.Equal(TimeSpan.FromSeconds(600), local.RequestDeadline);
        Assert.Equal(TimeSpan.FromSeconds(15), local.IdleTimeout);

        var anthropic = providers.Single(p => p.Kind == ProviderKind.Anthropic);
        Assert.Equal(5, anthropic.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(30), anthropic.RequestTimeout);
        Assert.Equal(new ProviderSettings { Kind = ProviderKind.Anthropic }.RequestDeadline, anthropic.RequestDeadline);
    }

    [Fact]
    public void The_deadline_and_the_wait_notices_are_configured_under_timeouts()
    {
        var provider = Assert.Single(Providers(
            "timeouts: {request_seconds: 40, deadline_seconds: 90, notice_seconds: 5}", new() { ["OPENAI_API_KEY"] = "sk-test" }));

        Assert.Equal(TimeSpan.FromSeconds(90), provider.RequestDeadline);
        Assert.Equal(TimeSpan.FromSeconds(5), provider.WaitNoticeInterval);
    }

    [Fact]
    public void Without_retry_or_timeouts_the_provider_defaults_stay()
    {
        var provider = Assert.Single(Providers("model: fast", new() { ["OPENAI_API_KEY"] = "sk-test" }));
        var defaults = new ProviderSettings { Kind = ProviderKind.OpenAI };

        Assert.Equal(RetrySettings.Default, provider.Retry);
        Assert.Equal(defaults.RequestTimeout, provider.RequestTimeout);
        Assert.Equal(defaults.IdleTimeout, provider.IdleTimeout);
        Assert.Equal(defaults.RequestDeadline, provider.RequestDeadline);
    }
}
