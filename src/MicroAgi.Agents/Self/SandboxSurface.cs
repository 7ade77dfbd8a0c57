using System.Text.Json.Nodes;
using MicroAgi.Lua.Runtime;

namespace MicroAgi.Agents.Self;

/// <summary>
/// Publishes the Lua sandbox's limits under <c>sandbox</c>: readable, and writable only downwards — an agent
/// may run its tools under stricter limits than the user configured (to fail fast while it experiments,
/// say), never looser ones. A change applies from the next Lua call.
/// </summary>
public static class SandboxSurface
{
    private const long Megabyte = 1024 * 1024;

    public static void Publish(SurfaceNode root, LuaRuntime runtime, IReadOnlyList<string> httpAllow)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(runtime);
        var configured = runtime.Options.Limits;
        var sandbox = root.Node("sandbox", "The limits every Lua tool call runs under (microagi.yaml sandbox); each may be lowered, never raised");

        sandbox.Add(new SurfaceProperty("memory_mb", "Memory a Lua call may hold", () => runtime.Limits.MemoryBytes / Megabyte, Downwards(
            new IntegerRule(1, configured.MemoryBytes / Megabyte),
            value => runtime.Tighten(runtime.Limits with { MemoryBytes = (long)value * Megabyte }),
            () => runtime.Tighten(runtime.Limits with { MemoryBytes = configured.MemoryBytes }),
            () => runtime.Limits.MemoryBytes != configured.MemoryBytes)));
        sandbox.Add(new SurfaceProperty("timeout_seconds", "Wall-clock time a Lua call may take", () => runtime.Limits.Timeout.TotalSeconds, Downwards(
            new NumberRule(0.1, configured.Timeout.TotalSeconds),
            value => runtime.Tighten(runtime.Limits with { Timeout = TimeSpan.FromSeconds((double)value) }),
            () => runtime.Tighten(runtime.Limits with { Timeout = configured.Timeout }),
            () => runtime.Limits.Timeout != configured.Timeout)));
        sandbox.Add(new SurfaceProperty("max_call_depth", "Nested call frames a Lua call may reach", () => runtime.Limits.MaxCallDepth, Downwards(
            new IntegerRule(10, configured.MaxCallDepth),
            value => runtime.Tighten(runtime.Limits with { MaxCallDepth = (int)(long)value }),
            () => runtime.Tighten(runtime.Limits with { MaxCallDepth = configured.MaxCallDepth }),
            () => runtime.Limits.MaxCallDepth != configured.MaxCallDepth)));
        sandbox.Add(new SurfaceProperty("max_result_bytes", "The largest result, as JSON text", () => runtime.Limits.MaxResultBytes, Downwards(
            new IntegerRule(1024, configured.MaxResultBytes),
            value => runtime.Tighten(runtime.Limits with { MaxResultBytes = (int)(long)value }),
            () => runtime.Tighten(runtime.Limits with { MaxResultBytes = configured.MaxResultBytes }),
            () => runtime.Limits.MaxResultBytes != configured.MaxResultBytes)));
        sandbox.Add(new SurfaceProperty("http_allow", "Private networks http_client may reach", () => new JsonArray([.. httpAllow.Select(n => (JsonNode)n)])));
    }

    private static SurfaceSetter Downwards(ValueRule rule, Action<JsonNode> apply, Action reset, Func<bool> isChanged) => new()
    {
        Rule = rule,
        Apply = apply,
        Reset = reset,
        IsChanged = isChanged,
        TakesEffect = "from the next Lua call",
    };
}
