namespace MicroAgi.Lua.Sandbox;

/// <summary>Which limit stopped a call. A call that reaches any of them fails, even if its code caught the error.</summary>
internal enum LimitKind
{
    None = 0,
    Timeout = 1,
    Memory = 2,
    CallDepth = 3,
    Cancelled = 4,
}
