namespace MicroAgi.Functions;

/// <summary>
/// What the call API checks before any function runs, so that checking the arguments stays inside the
/// call's budget: their size, and the time their validation against the input schema may take.
/// </summary>
public sealed record CallLimits
{
    public static CallLimits Default { get; } = new();

    /// <summary>The largest arguments, measured as JSON text. Default 4 MiB (far above what a model writes in one call).</summary>
    public int MaxArgumentBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The longest validation against the input schema may run (regex matches included). Default 1 s.</summary>
    public TimeSpan ValidationTimeout { get; init; } = Schema.InputSchema.DefaultTimeout;
}
