using MicroAgi.Cli.Hosting;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>microagi.yaml's retry and timeouts sections: what they accept and how they say what is wrong.</summary>
public class MicroAgiConfigTests
{
    [Fact]
    public void Retry_and_timeouts_are_read_at_the_top_level_and_per_provider()
    {
        var config = ConfigFile.Load("""
            retry: {max_retries: 5, base_delay_seconds: 0.5, max_delay_seconds: 10, max_retry_after_seconds: 0}
            timeouts: {request_seconds: 30, idle_seconds: 15}
            providers:
              - id: local
                kind: openai
                base_url: http://localhost:11434/v1
                retry: {max_retries: 0}
                timeouts: {request_seconds: 600}
            """);

        Assert.Equal(5, config.Retry!.MaxRetries);
        Assert.Equal(0.5, config.Retry.BaseDelaySeconds);
        Assert.Equal(10, config.Retry.MaxDelaySeconds);
        Assert.Equal(0, config.Retry.MaxRetryAfterSeconds);
        Assert.Equal(30, config.Timeouts!.RequestSeconds);
        Assert.Equal(15, config.Timeouts.IdleSeconds);
        Assert.Equal(0, config.Providers.Single().Retry!.MaxRetries);
        Assert.Equal(600, config.Providers.Single().Timeouts!.RequestSeconds);
    }

    [Theory]
    [InlineData("retry: {max_retries: 50}", "retry.max_retries must be a whole number from 0 to 20, not 50")]
    [InlineData("retry: {max_retries: -1}", "retry.max_retries must be a whole number from 0 to 20, not -1")]
    [InlineData("retry: {base_delay_seconds: 0}", "retry.base_delay_seconds must be a number of seconds from 0.01 to 86400, not 0")]
    [InlineData("retry: {max_delay_seconds: 100000}", "retry.max_delay_seconds must be a number of seconds from 0.01 to 86400, not 100000")]
    [InlineData("retry: {max_retry_after_seconds: -5}", "retry.max_retry_after_seconds must be a number of seconds from 0 to 86400, not -5")]
    [InlineData("retry: {max_delay_seconds: 0.5}", "retry.max_delay_seconds (0.5) must not be less than retry.base_delay_seconds (1, the default)")]
    [InlineData("timeouts: {request_seconds: -1}", "timeouts.request_seconds must be a number of seconds from 0.01 to 86400, not -1")]
    [InlineData("timeouts: {idle_seconds: .nan}", "timeouts.idle_seconds must be a number of seconds from 0.01 to 86400, not NaN")]
    [InlineData("docs: {search_url: 'https://docs.example.com/search', timeout_seconds: 5}", "docs.search_url must contain {query} where the request goes, e.g. https://docs.example.com/llm/search?q={query}")]
    [InlineData("docs: {page_url: 'ftp://docs.example.com/{path}'}", "docs.page_url must be an http(s) URL, not ftp:")]
    [InlineData("docs: {timeout_seconds: 301}", "docs.timeout_seconds must be a number of seconds from 0.01 to 300, not 301")]
    [InlineData("loop: {max_iterations: -4}", "loop.max_iterations must be a whole number from 1 to 1000, not -4")]
    [InlineData("loop: {max_iterations: 0}", "loop.max_iterations must be a whole number from 1 to 1000, not 0")]
    [InlineData("loop: {compression_threshold: 5}", "loop.compression_threshold must be a number from 0 to 1, not 5")]
    [InlineData("loop: {compression_threshold: .nan}", "loop.compression_threshold must be a number from 0 to 1, not NaN")]
    [InlineData("loop: {compression_target_chars: 0}", "loop.compression_target_chars must be a whole number from 100 to 1000000, not 0")]
    [InlineData("tools: {timeout_seconds: -1}", "tools.timeout_seconds must be a number of seconds from 0.01 to 86400, not -1")]
    [InlineData("sandbox: {memory_mb: 0}", "sandbox.memory_mb must be a whole number from 1 to 16384, not 0")]
    [InlineData("sandbox: {timeout_seconds: -3}", "sandbox.timeout_seconds must be a number of seconds from 0.01 to 3600, not -3")]
    [InlineData("sandbox: {timeout_seconds: 7200}", "sandbox.timeout_seconds must be a number of seconds from 0.01 to 3600, not 7200")]
    public void A_value_out_of_range_is_an_error_that_names_the_key_and_what_is_allowed(string yaml, string expected)
    {
        var error = ConfigFile.LoadFails(yaml);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(MicroAgiConfig.FileName, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A value YAML reading cannot put into its setting was YamlDotNet's message, naming our types ("No node
    /// deserializer was able to deserialize the node into type MicroAgi.Cli.Hosting.SandboxConfig, microagi,
    /// Version=0.1.0.0 …", "Invalid cast from 'System.String' to 'System.Collections.Generic.List`1[[…]]'").
    /// </summary>
    [Theory]
    [InlineData("sandbox: [1, 2]", "1: the value of 'sandbox' must be a mapping of settings (key: value lines), not a single value or a list")]
    [InlineData("sandbox: {memory_mb: 1e20}", "1: the value of 'memory_mb' ('1e20') is not a number this setting takes")]
    [InlineData("sandbox:\n  timeout_seconds: abc", "2: the value of 'timeout_seconds' ('abc') is not a number this setting takes")]
    [InlineData("sandbox: {memory_mb: 99999999999999999999}", "1: the value of 'memory_mb' ('99999999999999999999') is out of range for the setting")]
    [InlineData("sandbox: {memory_mb: [1]}", "1: the value of 'memory_mb' must be a number, not a list or a mapping")]
    [InlineData("model: {name: x}", "1: the value of 'model' must be a single value (text), not a list or a mapping")]
    [InlineData("mcp: {allowed_commands: npx}", "1: the value of 'allowed_commands' must be a list (- item lines, or [a, b])")]
    [InlineData("mcp:\n  allowed_commands:\n    npx: 1", "3: the value of 'allowed_commands' must be a list (- item lines, or [a, b])")]
    [InlineData("terminal: {markdown: maybe}", "1: the value of 'markdown' ('maybe') must be true or false")]
    [InlineData("sandbox: 'unclosed", "1: While scanning a quoted scalar, found unexpected end of stream.")]
    public void A_value_of_the_wrong_shape_is_an_error_in_the_files_terms(string yaml, string expected)
    {
        var error = ConfigFile.LoadFails(yaml);

        Assert.Contains($"{MicroAgiConfig.FileName}:{expected}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MicroAgi.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("UInt64", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(at Line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_section_is_checked_together_with_the_top_level()
    {
        var error = ConfigFile.LoadFails("""
            retry: {base_delay_seconds: 5}
            providers:
              - id: local
                base_url: http://localhost:11434/v1
                retry: {max_delay_seconds: 2}
            """);

        Assert.Contains("provider 'local' retry.max_delay_seconds (2) must not be less than provider 'local' retry.base_delay_seconds (5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_key_names_its_line()
    {
        var error = ConfigFile.LoadFails("retry:\n  max_retry: 2\n");

        Assert.Contains($"{MicroAgiConfig.FileName}:2", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_retry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_is_not_a_number_names_its_line()
    {
        var error = ConfigFile.LoadFails("timeouts:\n  request_seconds: soon\n");

        Assert.Contains($"{MicroAgiConfig.FileName}:2", error.Message, StringComparison.Ordinal);
        Assert.Contains("soon", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model: ")]
    [InlineData("sandbox:\n  http_allow: ")]
    [InlineData("providers:\n  - headers: ")]
    public void Nesting_deep_enough_to_overflow_a_recursive_reader_is_an_error_with_its_line(string prefix)
    {
        var error = ConfigFile.LoadFails(prefix + new string('[', 200_000) + new string(']', 200_000) + "\n");

        Assert.Contains($"{MicroAgiConfig.FileName}:", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>A misspelt key is named by its path and line, with the setting that was meant, and no .NET type names.</summary>
public class ConfigKeySuggestionTests
{
    [Theory]
    [InlineData("sandbox:\n  memroy_mb: 5\n", ":2: unknown setting 'sandbox.memroy_mb'; did you mean 'memory_mb'?")]
    [InlineData("modle: gpt-5.1\n", ":1: unknown setting 'modle'; did you mean 'model'?")]
    [InlineData("retry:\n  max_retry: 2\n", ":2: unknown setting 'retry.max_retry'; did you mean 'max_retries'?")]
    [InlineData("providers:\n  - id: local\n    base_ulr: http://localhost:11434/v1\n", ":3: unknown setting 'providers[0].base_ulr'; did you mean 'base_url'?")]
    [InlineData("loop:\n  max_iterations: 3\n  compresion_threshold: 0.5\n", ":3: unknown setting 'loop.compresion_threshold'; did you mean 'compression_threshold'?")]
    public void An_unknown_key_suggests_the_closest_setting(string yaml, string expected)
    {
        var error = ConfigFile.LoadFails(yaml);

        Assert.Contains(MicroAgiConfig.FileName + expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MicroAgi.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_like_no_setting_lists_the_settings_of_its_section_instead()
    {
        var error = ConfigFile.LoadFails("sandbox:\n  colour: blue\n");

        Assert.Contains("unknown setting 'sandbox.colour' (the settings in sandbox: http_allow, memory_mb, timeout_seconds)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memroy_mb", "memory_mb", 1)]
    [InlineData("memory_mb", "memory_mb", 0)]
    [InlineData("ab", "ba", 1)]
    [InlineData("", "abc", 3)]
    public void Distance_counts_edits_with_a_swap_as_one(string a, string b, int edits) => Assert.Equal(edits, DidYouMean.Distance(a, b));
}
