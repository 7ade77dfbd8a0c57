using System.Globalization;

namespace MicroAgi.Cli.Hosting;

/// <summary>Checks a duration given in microagi.yaml as a number of seconds, and turns it into a <see cref="TimeSpan"/>.</summary>
internal static class ConfigSeconds
{
    /// <summary>The shortest timeout or delay accepted: 10 ms (what the HTTP layer can honour).</summary>
    public const double Shortest = 0.01;

    /// <summary>The longest accepted: a day. Longer is surely a typo, and would overflow the HTTP layer's limits.</summary>
    public const double Longest = 86_400;

    /// <returns>What is wrong with <paramref name="value"/>, or null when it is absent or fine.</returns>
    public static string? Problem(string key, double? value, double least = Shortest, double most = Longest) =>
        value is { } seconds && !(seconds >= least && seconds <= most)
            ? $"{key} must be a number of seconds from {Text(least)} to {Text(most)}, not {Text(seconds)}"
            : null;

    public static TimeSpan? ToTimeSpan(double? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : null;

    public static string Text(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
