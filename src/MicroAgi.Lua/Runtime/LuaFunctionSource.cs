namespace MicroAgi.Lua.Runtime;

/// <summary>
/// A Lua function as it is run: the source (a chunk that returns a table of functions), the method to
/// call, the modules it may require, and the name its error messages carry (<c>name:line: message</c>).
/// </summary>
public sealed record LuaFunctionSource
{
    public LuaFunctionSource(string source, string method = "handler", IReadOnlyList<string>? modules = null, string name = "tool")
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Source = source;
        Method = method;
        Modules = modules ?? [];
        Name = name;
    }

    public string Source { get; }
    public string Method { get; }
    public IReadOnlyList<string> Modules { get; }
    public string Name { get; }
}
