using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Functions;

/// <summary>
/// One kind of callable entry (<c>function.lua</c>, <c>function.native</c>, …). A runtime registers
/// itself with the <see cref="FunctionCaller"/> as the implementation of its kind, so the call API
/// knows no runtime: the Lua sandbox depends on this project, never the other way round.
/// </summary>
public interface IFunctionKind
{
    /// <summary>The entry kind this implementation runs, e.g. <c>function.lua</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Reads what <paramref name="entry"/> needs to run. Called once per entry version (an updated entry
    /// is a new object), so the result may cache compiled code. An entry that cannot run gets
    /// <see cref="PreparedFunction.NotCallable"/> with the reason, not an exception.
    /// </summary>
    PreparedFunction Prepare(Entry entry);
}

/// <summary>An entry made ready to run by its <see cref="IFunctionKind"/>.</summary>
public abstract class PreparedFunction
{
    /// <summary>Runs the function on arguments already validated against the entry's input schema.</summary>
    public abstract Task<FunctionResult> InvokeAsync(JsonNode arguments, CancellationToken cancellationToken);

    /// <summary>
    /// How long one call may take, checking its arguments included (a schema <c>pattern</c> can be slow),
    /// or null when the function has no deadline of its own.
    /// </summary>
    public virtual TimeSpan? TimeLimit => null;

    /// <summary>
    /// Runs the function on a call whose clock started at <paramref name="startedAt"/> (a
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp taken before its arguments were checked):
    /// a function with a <see cref="TimeLimit"/> counts that time against its deadline.
    /// </summary>
    public virtual Task<FunctionResult> InvokeAsync(JsonNode arguments, long startedAt, CancellationToken cancellationToken) =>
        InvokeAsync(arguments, cancellationToken);

    /// <summary>An entry that cannot run: every call fails with <paramref name="problem"/>.</summary>
    public static PreparedFunction NotCallable(string problem) => new Refused(problem);

    private sealed class Refused(string problem) : PreparedFunction
    {
        private readonly Task<FunctionResult> _result = Task.FromResult(FunctionResult.Failure(FunctionErrorKind.NotCallable, problem));

        public override Task<FunctionResult> InvokeAsync(JsonNode arguments, CancellationToken cancellationToken) => _result;
    }
}
