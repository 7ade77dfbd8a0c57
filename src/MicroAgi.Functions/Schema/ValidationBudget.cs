using System.Diagnostics;
using System.Runtime.CompilerServices;
using Json.Schema;

namespace MicroAgi.Functions.Schema;

/// <summary>
/// The time one validation may take, and the caller's cancellation: validation runs inside the call's
/// budget. Keywords reach it through the evaluation's options (one options object per validation).
/// </summary>
internal sealed class ValidationBudget
{
    private static readonly ConditionalWeakTable<EvaluationOptions, ValidationBudget> Budgets = new();

    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellationToken;

    private ValidationBudget(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        Deadline = DeadlineIn(timeout);
        _cancellationToken = cancellationToken;
    }

    /// <summary>Options for one validation, carrying a budget of <paramref name="timeout"/>.</summary>
    public static EvaluationOptions Start(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        Budgets.Add(options, new ValidationBudget(timeout, cancellationToken));
        return options;
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the budget is spent.</summary>
    public long Deadline { get; }

    public static long DeadlineIn(TimeSpan timeout) => Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    public static ValidationBudget? Of(EvaluationOptions options) => Budgets.TryGetValue(options, out var budget) ? budget : null;

    /// <summary>Why no more checking may start (cancelled, out of time), or null while there is budget left.</summary>
    public string? Spent =>
        _cancellationToken.IsCancellationRequested ? "validation was cancelled"
        : Stopwatch.GetTimestamp() > Deadline ? $"the arguments could not be validated within the call's time limit ({_timeout.TotalMilliseconds:0} ms); send smaller arguments"
        : null;
}
