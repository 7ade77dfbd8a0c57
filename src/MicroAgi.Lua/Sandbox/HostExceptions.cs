namespace MicroAgi.Lua.Sandbox;

/// <summary>A bad argument to a host function; becomes <c>nil, "bad argument #n to 'f' (...)"</c>.</summary>
internal sealed class LuaArgumentException(int argument, string problem) : Exception(problem)
{
    public int Argument { get; } = argument;
}

/// <summary>A host function reached a sandbox limit (memory, deadline); the call is failing.</summary>
internal sealed class LuaLimitException(LimitKind kind, string message) : Exception(message)
{
    public LimitKind Kind { get; } = kind;
}
