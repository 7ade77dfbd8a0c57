using System.Diagnostics;
using System.Runtime.CompilerServices;
using Json.Schema;

namespace MicroAgi.Functions.Schema;

/// <summary>
/// The time one validation may take, and the caller's cancellation: validation runs inside the call's
/// budget. Keywords reach it through the evaluation's options; a validation that evaluates twice (a quick
/// yes-or-no, then the details of a failure) gives both evaluations options that share one budget.
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

    /// <summary>A budget of <paramref name="timeout"/> for one validation, starting now.</summary>
    public static ValidationBudget Start(TimeSpan timeout, CancellationToken cancellationToken) => new(timeout, cancellationToken);

    /// <summary>Options for an evaluation within this budget, with the results in <paramref name="format"/>.</summary>
    public EvaluationOptions Options(OutputFormat format)
    {
        var options = new EvaluationOptions { OutputFormat = format, RequireFormatValidation = true };
        Budgets.Add(options, this);
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
