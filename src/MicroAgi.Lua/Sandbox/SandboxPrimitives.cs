using MicroAgi.Lua.Modules;

namespace MicroAgi.Lua.Sandbox;

/// <summary>Host primitives the prelude needs besides the string ones: print's sink, require's loader, and the limit probe.</summary>
internal static class SandboxPrimitives
{
    public static IReadOnlyList<HostFunction> All { get; } =
    [
        new("log", Log),
        new("load_module", LoadModule),
        new("limit_reached", LimitReached),
    ];

    private static int Log(HostCall call)
    {
        call.Sandbox.Call?.AppendLog(call.String(1));
        return 0;
    }

    private static int LoadModule(HostCall call)
    {
        var name = call.String(1);
        if (!HostModules.All.TryGetValue(name, out var module)) return call.Fail($"module '{name}' not found");
        HostModules.Push(call.L, module);
        return 1;
    }

    private static int LimitReached(HostCall call) => call.PushBoolean(call.Sandbox.LimitReached);
}
