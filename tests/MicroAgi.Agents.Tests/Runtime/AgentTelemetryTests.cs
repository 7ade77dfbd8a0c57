using System.Diagnostics;
using MicroAgi.Telemetry;
using MicroAgi.Testing.FakeLlm;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>A turn as OpenTelemetry sees it: the spans the OTLP exporter would send, read from an in-memory one.</summary>
public class AgentTelemetryTests
{
    [Fact]
    public async Task A_turn_is_an_invoke_agent_span_over_its_chat_and_execute_tool_spans()
    {
        var spans = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(MicroAgiTelemetry.SourceName).AddInMemoryExporter(spans).Build())
        {
            await using var fx = new LoopFixture();
            fx.Server.Enqueue(
                FakeReply.Call("echo", """{"text":"traced"}""", "call_traced_1").AndToolCall("explode", "{}", "call_traced_2"),
                FakeReply.Say("done"));

            await fx.NewSession().RunTurnAsync("echo and explode", new RecordingObserver());
        }

        // Other tests of this assembly may run at the same time; this turn's spans are those of its trace.
        var echo = Assert.Single(spans, s => Equals(s.GetTagItem("gen_ai.tool.call.id"), "call_traced_1"));
        var trace = spans.Where(s => s.TraceId == echo.TraceId).ToList();
        var turn = Assert.Single(trace, s => s.OperationName == "invoke_agent tester");
        Assert.Equal("invoke_agent", turn.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("tester", turn.GetTagItem("gen_ai.agent.name"));
        Assert.Equal("big", turn.GetTagItem("gen_ai.request.model"));
        Assert.Equal(2, trace.Count(s => s.OperationName.StartsWith("chat ", StringComparison.Ordinal) && s.ParentSpanId == turn.SpanId));

        Assert.Equal("execute_tool echo", echo.OperationName);
        Assert.Equal(turn.SpanId, echo.ParentSpanId);
        Assert.Equal("echo", echo.GetTagItem("gen_ai.tool.name"));
        Assert.Equal("execute_tool", echo.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(ActivityStatusCode.Unset, echo.Status);

        var explode = Assert.Single(trace, s => Equals(s.GetTagItem("gen_ai.tool.call.id"), "call_traced_2"));
        Assert.Equal("execute_tool explode", explode.OperationName);
        Assert.Equal(ActivityStatusCode.Error, explode.Status);
        Assert.Contains("kaboom", explode.StatusDescription, StringComparison.Ordinal);
    }
}
