using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Functions;

/// <summary>A C# function behind a <c>function.native</c> entry. Failures should be returned, not thrown (throwing is caught and reported).</summary>
public delegate Task<FunctionResult> NativeFunctionHandler(NativeFunctionCall call, CancellationToken cancellationToken);

/// <summary>What a native function receives: its entry and the arguments, already validated against <c>meta.input_schema</c>.</summary>
public sealed record NativeFunctionCall(Entry Entry, JsonNode? Arguments);

/// <summary>
/// The C# functions that <c>function.native</c> entries name. An entry names its handler in
/// <c>data.handler</c>; without it, the handler registered under the entry's full id is used.
/// So <c>Register("app.tools:doc_search", …)</c> serves an entry with no data at all, and
/// <c>Register("doc_search", …)</c> serves any entry with <c>data: {handler: doc_search}</c>.
/// </summary>
public sealed class NativeFunctionCatalog : IFunctionKind
{
    private readonly ConcurrentDictionary<string, NativeFunctionHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="handler"/> under <paramref name="name"/>; a name can be registered once.</summary>
    public NativeFunctionCatalog Register(string name, NativeFunctionHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(name, handler))
            throw new InvalidOperationException($"a native function named '{name}' is already registered");
        return this;
    }

    public bool TryGet(string name, out NativeFunctionHandler handler) => _handlers.TryGetValue(name, out handler!);

    string IFunctionKind.Kind => FunctionKinds.Native;

    /// <summary>The handler is looked up at each call, so an entry may name one registered after it was first called.</summary>
    PreparedFunction IFunctionKind.Prepare(Entry entry) => new NativeFunction(this, entry, HandlerNameOf(entry));

    public IReadOnlyCollection<string> Names => _handlers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The handler name an entry resolves to: <c>data.handler</c>, else the entry id.</summary>
    public static string HandlerNameOf(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.DataString("handler") is { Length: > 0 } name ? name : entry.Id.ToString();
    }

    private sealed class NativeFunction(NativeFunctionCatalog catalog, Entry entry, string handlerName) : PreparedFunction
    {
        public override async Task<FunctionResult> InvokeAsync(JsonNode arguments, CancellationToken cancellationToken)
        {
            if (!catalog.TryGet(handlerName, out var handler))
                return FunctionResult.Failure(FunctionErrorKind.NotCallable, $"no native function named '{handlerName}' is registered (entry {entry.Id})");
            return await handler(new NativeFunctionCall(entry, arguments), cancellationToken).ConfigureAwait(false)
                ?? FunctionResult.Failure(FunctionErrorKind.NativeFailure, $"native function '{handlerName}' returned no result");
        }
    }
}
