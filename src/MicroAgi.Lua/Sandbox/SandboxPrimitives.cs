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
        if (call.Sandbox.Call is not { } running) return 0;
        // Decode no more than the log can still take: printing a 60 MB string must not copy it.
        var line = call.Bytes(1);
        var room = running.Limits.MaxLogBytes + 1;
        running.AppendLog(LuaStack.Decode(line.Length > room ? line[..room] : line));
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
