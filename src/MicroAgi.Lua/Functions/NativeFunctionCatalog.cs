using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Lua.Functions;

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
public sealed class NativeFunctionCatalog
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

    public IReadOnlyCollection<string> Names => _handlers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The handler name an entry resolves to: <c>data.handler</c>, else the entry id.</summary>
    public static string HandlerNameOf(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.DataString("handler") is { Length: > 0 } name ? name : entry.Id.ToString();
    }
}
