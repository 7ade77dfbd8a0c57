using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Functions;

/// <summary><c>funcs.call(id, args)</c>: call any function entry, Lua or native, the same way.</summary>
public interface IFunctionCaller
{
    /// <summary>
    /// Resolves <paramref name="id"/> in the registry, validates <paramref name="arguments"/> against the
    /// entry's <c>meta.input_schema</c>, runs it and returns its JSON result or an error. Tool failures
    /// are results (<see cref="FunctionResult.IsSuccess"/> false), never exceptions.
    /// </summary>
    Task<FunctionResult> CallAsync(EntryId id, JsonNode? arguments, CancellationToken cancellationToken = default);
}
