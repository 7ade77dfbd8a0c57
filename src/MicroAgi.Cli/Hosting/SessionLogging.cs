using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Where a session's log goes: nowhere by default; with <c>--verbose</c> to standard error at debug level; with
/// <c>MICROAGI_LOG=trace|debug|information|warning|error</c> at that level, to standard error when
/// <c>--verbose</c> is given too, else appended to <c>logs/microagi.log</c> in the state directory. Debug shows
/// each model call and HTTP exchange (keys masked); trace adds request bodies and messages.
/// </summary>
internal static class SessionLogging
{
    public const string LevelVariable = "MICROAGI_LOG";

    /// <summary>The log file, relative to the state directory.</summary>
    public static readonly string FileInStateDirectory = Path.Combine("logs", "microagi.log");

    /// <exception cref="ConfigException">MICROAGI_LOG names no level.</exception>
    public static ILoggerFactory Create(bool verbose, string? level, string stateDirectory, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var minimum = ParseLevel(level) ?? (verbose ? LogLevel.Debug : LogLevel.None);
        if (minimum == LogLevel.None) return NullLoggerFactory.Instance;
        ILoggerProvider provider;
        if (verbose)
        {
            provider = new TextWriterLoggerProvider(stderr, ownsWriter: false);
        }
        else
        {
            var path = Path.Combine(stateDirectory, FileInStateDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            provider = new TextWriterLoggerProvider(new StreamWriter(path, append: true), ownsWriter: true);
        }
        return new LoggerFactory([provider], new LoggerFilterOptions { MinLevel = minimum });
    }

    private static LogLevel? ParseLevel(string? level)
    {
        if (string.IsNullOrWhiteSpace(level)) return null;
        return level.Trim().ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "none" or "off" => LogLevel.None,
            _ => throw new ConfigException($"{LevelVariable}='{level}' is not a log level; use trace, debug, information, warning, error or none"),
        };
    }
}
