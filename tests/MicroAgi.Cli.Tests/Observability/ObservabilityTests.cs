using System.Text;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Cli.Tests.Observability;

/// <summary>Traces over OTLP and the debug log of a real <c>-p</c> run of the binary (docs/observability.md).</summary>
public class ObservabilityTests
{
    [Fact]
    public async Task A_prompt_exports_its_turn_model_call_and_tool_call_spans_to_the_otlp_endpoint_without_the_messages()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("registry_list", """{"type":"tool"}""", "call_otlp_1"),
            FakeReply.Say("There are some tools.").WithUsage(1000, 20));
        using var receiver = OtlpReceiver.Start();
        using var cli = CliRunner.ForOpenAI(server);
        cli.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString();
        cli.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";

        var result = await cli.RunAsync("-p", "which tools exist, secretly?");

        Assert.True(result.ExitCode == 0, result.ToString());
        var traces = Encoding.UTF8.GetString(receiver.Received("/v1/traces"));
        Assert.Contains("invoke_agent dev_assistant", traces, StringComparison.Ordinal);
        Assert.Contains("chat gpt-5.1", traces, StringComparison.Ordinal);
        Assert.Contains("execute_tool registry_list", traces, StringComparison.Ordinal);
        Assert.Contains("call_otlp_1", traces, StringComparison.Ordinal);
        Assert.Contains("gen_ai.usage.input_tokens", traces, StringComparison.Ordinal);
        Assert.Contains("microagi", traces, StringComparison.Ordinal); // service.name
        Assert.DoesNotContain("which tools exist, secretly?", traces, StringComparison.Ordinal);
        Assert.DoesNotContain(CliRunner.TestKey, traces, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_logs_each_http_exchange_to_stderr_and_never_the_key()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("logged"));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "hello", "--verbose");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("HTTP POST", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("HTTP 200", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Authorization: [redacted]", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(CliRunner.TestKey, result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP POST", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_logs_the_loop_turn_steps_and_tool_calls_without_what_was_written()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(
            FakeReply.Call("registry_list", """{"type":"tool"}""", "call_log_1").WithUsage(900, 12),
            FakeReply.Call("no_such_tool", """{}""", "call_log_2"),
            FakeReply.Say("Listed them.").WithUsage(1000, 20));
        using var cli = CliRunner.ForOpenAI(server);

        var result = await cli.RunAsync("-p", "a secret prompt", "--verbose");

        Assert.True(result.ExitCode == 0, result.ToString());
        var log = result.Stderr;
        Assert.Contains("turn started: agent app:dev_assistant", log, StringComparison.Ordinal);
        Assert.Contains("step 1: 1 tool call(s), finish tool_calls, 900 tokens in, 12 out", log, StringComparison.Ordinal);
        Assert.Contains("tool registry_list (call_log_1) ok in", log, StringComparison.Ordinal);
        Assert.Contains("tool no_such_tool (call_log_2) failed in", log, StringComparison.Ordinal);
        Assert.Contains("turn ended: Answered after 3 step(s)", log, StringComparison.Ordinal);
        Assert.DoesNotContain("a secret prompt", log, StringComparison.Ordinal);
        Assert.Equal("Listed them.", result.Stdout.Trim());
    }

    [Fact]
    public async Task Microagi_log_trace_writes_the_exchanges_with_their_bodies_to_the_state_directory_and_never_the_key()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Enqueue(FakeReply.Say("logged"));
        using var cli = CliRunner.ForOpenAI(server);
        cli.Environment["MICROAGI_LOG"] = "trace";

        var result = await cli.RunAsync("-p", "a prompt for the log");

        Assert.True(result.ExitCode == 0, result.ToString());
        var log = await File.ReadAllTextAsync(Path.Combine(cli.StateDirectory, "logs", "microagi.log"));
        Assert.Contains("HTTP POST", log, StringComparison.Ordinal);
        Assert.Contains("a prompt for the log", log, StringComparison.Ordinal);
        Assert.DoesNotContain(CliRunner.TestKey, log, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP POST", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_log_level_is_refused_with_the_levels_there_are()
    {
        await using var server = FakeOpenAIServer.Start();
        using var cli = CliRunner.ForOpenAI(server);
        cli.Environment["MICROAGI_LOG"] = "loud";

        var result = await cli.RunAsync("-p", "hello");

        Assert.Equal(2, result.ExitCode); // a configuration error (docs: exit codes)
        Assert.Contains("MICROAGI_LOG='loud' is not a log level", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.ChatRequests);
    }
}
