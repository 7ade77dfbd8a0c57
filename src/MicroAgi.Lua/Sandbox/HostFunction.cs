namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// The body of a C# function callable from Lua. It reads its arguments and pushes its results through
/// <paramref name="call"/> and returns how many results it pushed. It must not call back into Lua.
/// Exceptions are caught by the dispatcher and become <c>nil, message</c>.
/// </summary>
internal delegate int HostFunctionBody(HostCall call);

/// <summary>A named host function; <see cref="Name"/> (e.g. <c>json.encode</c>) appears in error messages.</summary>
internal sealed record HostFunction(string Name, HostFunctionBody Body)
{
    /// <summary>
    /// Report failures as <c>false, message</c> instead of <c>nil, message</c>: for primitives whose Lua
    /// wrapper raises the error, where nil is an ordinary result ("not found").
    /// </summary>
    public bool FailWithFalse { get; init; }
}
