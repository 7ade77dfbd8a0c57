using MicroAgi.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Exports MicroAgi's spans and metrics (source and meter <see cref="MicroAgiTelemetry.SourceName"/>) over OTLP
/// when the standard variables ask for it: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or the traces/metrics-specific
/// endpoint), and with it <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>,
/// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, which the OpenTelemetry SDK reads itself.
/// Without an endpoint nothing listens, so nothing is collected. Disposing flushes what is still queued — a
/// one-shot <c>-p</c> run exports its spans before the process ends.
/// </summary>
internal sealed class SessionTelemetry : IDisposable
{
    private const string DefaultServiceName = "microagi";

    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    private SessionTelemetry(TracerProvider? traces, MeterProvider? metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    public bool IsExporting => _traces is not null || _metrics is not null;

    public static SessionTelemetry FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var endpoint = Set(environment("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var traces = endpoint || Set(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        var metrics = endpoint || Set(environment("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        if (!traces && !metrics) return new SessionTelemetry(null, null);
        var serviceName = Set(environment("OTEL_SERVICE_NAME")) ? environment("OTEL_SERVICE_NAME")! : DefaultServiceName;
        var version = typeof(SessionTelemetry).Assembly.GetName().Version?.ToString();
        return new SessionTelemetry(
            traces
                ? Sdk.CreateTracerProviderBuilder()
                    .ConfigureResource(r => r.AddService(serviceName, serviceVersion: version))
                    .AddSource(MicroAgiTelemetry.SourceName)
                    .AddOtlpExporter()
                    .Build()
                : null,
            metrics
                ? Sdk.CreateMeterProviderBuilder()
                    .ConfigureResource(r => r.AddService(serviceName, serviceVersion: version))
                    .AddMeter(MicroAgiTelemetry.SourceName)
                    .AddOtlpExporter()
                    .Build()
                : null);
    }

    public void Dispose()
    {
        _traces?.Dispose();
        _metrics?.Dispose();
    }

    private static bool Set(string? value) => !string.IsNullOrWhiteSpace(value);
}
