using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions.Schema;
using MicroAgi.Registry;

namespace MicroAgi.Functions;

/// <summary>
/// The call API over the registry. What an entry needs to run (its compiled schema, and whatever its
/// <see cref="IFunctionKind"/> prepares) is prepared once per entry version: an updated entry is a new
/// <see cref="Entry"/> object, so it is prepared afresh and never served stale.
/// </summary>
public sealed class FunctionCaller : IFunctionCaller
{
    private readonly IRegistry _registry;
    private readonly Dictionary<string, IFunctionKind> _kinds = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<Entry, Prepared> _prepared = new();

    /// <summary>A caller that runs entries of the given kinds (for example a LuaRuntime and a <see cref="NativeFunctionCatalog"/>).</summary>
    public FunctionCaller(IRegistry registry, params IEnumerable<IFunctionKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(kinds);
        _registry = registry;
        foreach (var kind in kinds)
        {
            ArgumentNullException.ThrowIfNull(kind);
            if (!_kinds.TryAdd(kind.Kind, kind)) throw new ArgumentException($"two implementations of the function kind '{kind.Kind}'", nameof(kinds));
        }
    }

    public Task<FunctionResult> CallAsync(EntryId id, JsonNode? arguments, CancellationToken cancellationToken = default)
    {
        var entry = _registry.Get(id);
        return entry is null
            ? Task.FromResult(FunctionResult.Failure(FunctionErrorKind.NotFound, $"not found: {id}"))
            : CallAsync(entry, arguments, cancellationToken);
    }

    /// <summary>
    /// Readies the function <paramref name="id"/> names as <see cref="CallAsync(EntryId, JsonNode?, CancellationToken)"/>
    /// would at its first call (its input schema compiled, its kind's preparation done), so that call does not wait
    /// for it. Safe beside calls on other threads; an entry that is missing or not callable is left to its call to report.
    /// </summary>
    public void Prepare(EntryId id)
    {
        if (_registry.Get(id) is { } entry) _prepared.GetValue(entry, Prepare);
    }

    /// <summary>The bounds every call's arguments are checked within.</summary>
    public CallLimits Limits { get; init; } = CallLimits.Default;

    /// <summary>Calls a given entry (for example one read from a snapshot) without looking it up.</summary>
    public Task<FunctionResult> CallAsync(Entry entry, JsonNode? arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var prepared = _prepared.GetValue(entry, Prepare);
        if (prepared.Problem is not null) return Task.FromResult(FunctionResult.Failure(FunctionErrorKind.NotCallable, prepared.Problem));
        arguments ??= new JsonObject();
        // The call's clock starts here: checking the arguments (a schema pattern may be slow) is part of it.
        var startedAt = Stopwatch.GetTimestamp();
        var size = JsonSerializer.SerializeToUtf8Bytes(arguments).Length;
        if (size > Limits.MaxArgumentBytes)
            return Task.FromResult(FunctionResult.Failure(FunctionErrorKind.InvalidArguments,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"invalid arguments: {size} bytes of JSON, at most {Limits.MaxArgumentBytes} are allowed; send less")));
        if (prepared.Schema is not null)
        {
            var timeout = prepared.Function!.TimeLimit is { } limit && limit < Limits.ValidationTimeout ? limit : Limits.ValidationTimeout;
            var errors = prepared.Schema.Validate(arguments, timeout: timeout, cancellationToken: cancellationToken);
            if (errors.Count > 0)
                return Task.FromResult(FunctionResult.Failure(FunctionErrorKind.InvalidArguments, "invalid arguments: " + string.Join("; ", errors)));
        }
        return InvokeAsync(entry, prepared.Function!, arguments, startedAt, cancellationToken);
    }

    private static async Task<FunctionResult> InvokeAsync(Entry entry, PreparedFunction function, JsonNode arguments, long startedAt, CancellationToken cancellationToken)
    {
        try
        {
            return await function.InvokeAsync(arguments, startedAt, cancellationToken).ConfigureAwait(false)
                ?? FunctionResult.Failure(FunctionErrorKind.NativeFailure, $"{entry.Id.Name} returned no result");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return FunctionResult.Failure(FunctionErrorKind.Cancelled, "cancelled");
        }
#pragma warning disable CA1031 // A tool failure is a result for the caller (the LLM), whatever the exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return FunctionResult.Failure(FunctionErrorKind.NativeFailure, $"{entry.Id.Name} failed: {e.Message}");
        }
    }

    private Prepared Prepare(Entry entry)
    {
        try
        {
            var schema = entry.Meta.TryGetProperty("input_schema", out var s) && s.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                ? InputSchema.Compile(s, $"{entry.Id}: meta.input_schema")
                : null;
            if (!_kinds.TryGetValue(entry.Kind, out var kind))
                return new Prepared(null, null, $"{entry.Id} is a {entry.Kind} entry, not a function ({string.Join(" or ", _kinds.Keys.Order(StringComparer.Ordinal))})");
            return new Prepared(schema, kind.Prepare(entry), null);
        }
        catch (InputSchemaException e)
        {
            return new Prepared(null, null, e.Message);
        }
    }

    private sealed record Prepared(InputSchema? Schema, PreparedFunction? Function, string? Problem);
}
