using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroAgi.Cli.Hosting;
using MicroAgi.Functions;
using MicroAgi.Registry;
using MicroAgi.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MicroAgi.Cli.Tests.Hosting;

public sealed class ToolHostTests
{
    private static Entry LuaTool(int i) =>
        Entry.Create(new EntryId("app.generated", $"tool_{i}"), FunctionKinds.Lua,
            new JsonObject { ["type"] = "tool", ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["n"] = new JsonObject { ["type"] = "integer" } } } },
            new JsonObject { ["source"] = $"return {{ handler = function(input) return {{ n = input.n + {i} }} end }}", ["method"] = "handler" });

    [Fact]
    public async Task Tools_prepared_in_the_background_are_called_as_before_and_disposing_does_not_wait_for_the_rest()
    {
        var entries = Enumerable.Range(0, 200).Select(LuaTool).ToList();
        var host = ToolHost.Create(EntryRegistry.CreateInMemory(entries));
        host.StartWarmUp();
        host.PrepareInBackground([.. entries.Select(e => e.Id), new EntryId("app.generated", "missing")]);

        var result = await host.Functions.CallAsync(entries[7].Id, JsonNode.Parse("""{"n":1}"""));
        Assert.Equal("""{"n":8}""", result.ValueJson);
        var refused = await host.Functions.CallAsync(entries[7].Id, JsonNode.Parse("""{"n":"one"}"""));
        Assert.Equal(FunctionErrorKind.InvalidArguments, refused.ErrorKind);

        // Disposing stops the preparation between tools and must end even if it has 200 tools to go; twice is harmless.
        host.Dispose();
        host.Dispose();
    }

    [Fact]
    public async Task The_warm_up_runs_its_sandbox_call_where_no_exporter_sees_it()
    {
        // A listener of the test's own sees the warm-up's call; the OpenTelemetry SDK, which exports the user's traces
        // when OTEL_EXPORTER_OTLP_ENDPOINT is set, must not (a session's trace shows its turns only).
        var seen = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MicroAgiTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (seen) seen.Add(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(MicroAgiTelemetry.SourceName).AddInMemoryExporter(exported).Build())
        {
            using var host = ToolHost.Create(EntryRegistry.CreateInMemory([]));
            host.StartWarmUp();
            var waited = Stopwatch.StartNew();
            while (!WarmUpCallIn(seen))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "the warm-up made no sandbox call within 60 s");
                await Task.Delay(20);
            }
        }

        // Other tests of this assembly may warm up at the same time: none of their warm-ups may be exported either.
        Assert.False(WarmUpCallIn(exported));
    }

    private static bool WarmUpCallIn(List<Activity> spans)
    {
        lock (spans) return spans.Any(s => s.DisplayName == "sandbox_call warm_up");
    }
}
