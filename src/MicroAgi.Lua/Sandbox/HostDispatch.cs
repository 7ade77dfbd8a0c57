using System.Runtime.InteropServices;
using MicroAgi.Functions;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// The single C entry point for every host function. Lua C closures carry the function's index as
/// upvalue 1; this looks it up and runs it with the memory cap off (so pushing results can never make
/// Lua raise inside managed code) and turns every exception into the <c>nil, message</c> convention.
/// No exception and no Lua error ever leaves this method.
/// </summary>
internal static unsafe class HostDispatch
{
    public static nint Pointer => (nint)(delegate* unmanaged<nint, int>)&Dispatch;

    /// <summary>Pushes <paramref name="function"/> as a Lua C closure onto thread <paramref name="L"/>.</summary>
    public static void Push(nint L, HostFunction function)
    {
        LuaNative.lua_pushinteger(L, HostFunctionTable.IdOf(function));
        LuaNative.lua_pushcclosure(L, Pointer, 1);
    }

    [UnmanagedCallersOnly]
    private static int Dispatch(nint L)
    {
        var control = SandboxControl.Of(L);
        control->HostDepth++;
        var argumentCount = LuaNative.lua_gettop(L);
        HostFunction? function = null;
        try
        {
            function = HostFunctionTable.Get((int)LuaNative.lua_tointegerx(L, LuaNative.UpvalueIndex(1), null));
            return function.Body(new HostCall(L, LuaSandbox.FromControl(control), function.Name));
        }
#pragma warning disable CA1031 // Nothing may cross the native boundary: every failure becomes a Lua result.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LuaNative.lua_settop(L, argumentCount);
            if (exception is LuaLimitException limit) control->Trip(limit.Kind);
            // The runtime could not allocate what a host function was building: whatever the size the
            // input asked for, that is this call's memory limit, not an error its code may catch.
            if (exception is OutOfMemoryException) control->Trip(LimitKind.Memory);
            if (function?.FailWithFalse == true) LuaNative.lua_pushboolean(L, 0);
            else LuaNative.lua_pushnil(L);
            LuaStack.PushString(L, FunctionResult.Capped(Describe(function?.Name ?? "host function", exception)));
            return 2;
        }
        finally
        {
            control->HostDepth--;
        }
    }

    private static string Describe(string name, Exception exception) => exception switch
    {
        LuaArgumentException argument => $"bad argument #{argument.Argument} to '{name}' ({argument.Message})",
        LuaLimitException limit => limit.Message,
        // Lua's pattern errors name no function ("malformed pattern (ends with '%')").
        PatternException pattern => pattern.Message,
        OutOfMemoryException => "not enough memory",
        _ => $"{name}: {PlainMessage(exception)}",
    };

    /// <summary>
    /// A .NET exception's message without what only a C# reader understands: an argument exception
    /// ends with " (Parameter 'milliseconds')" and, out of range, "Actual value was …" — names from
    /// our source, not the tool's (the fence's messages must say what was wrong in the tool's terms).
    /// </summary>
    private static string PlainMessage(Exception exception)
    {
        var message = exception.Message;
        if (exception is not ArgumentException { ParamName: { } parameter }) return message;
        var cut = message.IndexOf($" (Parameter '{parameter}')", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
