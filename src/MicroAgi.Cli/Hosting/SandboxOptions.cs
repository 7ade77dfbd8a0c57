using MicroAgi.Lua.Runtime;
using MicroAgi.Lua.Modules;

namespace MicroAgi.Cli.Hosting;

/// <summary>The Lua sandbox as microagi.yaml's <c>sandbox</c> section sets it, for the REPL and the tools commands alike.</summary>
internal static class SandboxOptions
{
    public static LuaRuntimeOptions From(SandboxConfig sandbox, TimeSpan? timeoutOverride = null)
    {
        var limits = LuaLimits.Default;
        if (sandbox.MemoryMb is { } memory) limits = limits with { MemoryBytes = memory * 1024L * 1024 };
        if (sandbox.TimeoutSeconds is { } timeout) limits = limits with { Timeout = TimeSpan.FromSeconds(timeout) };
        if (timeoutOverride is { } overridden) limits = limits with { Timeout = overridden };
        return new LuaRuntimeOptions
        {
            Limits = limits,
            Http = HttpClientOptions.Default with { AllowedNetworks = sandbox.HttpAllow },
        };
    }
}
