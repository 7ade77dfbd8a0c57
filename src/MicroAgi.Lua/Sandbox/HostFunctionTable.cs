using System.Collections.Frozen;

using MicroAgi.Lua.Modules;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// Every host function, numbered. A Lua C closure carries only its number, so one native entry point
/// (<see cref="HostDispatch"/>) serves them all. Built once; immutable afterwards.
/// </summary>
internal static class HostFunctionTable
{
    private static readonly HostFunction[] Functions;
    private static readonly FrozenDictionary<HostFunction, int> Ids;

    static HostFunctionTable()
    {
        var all = SandboxPrimitives.All
            .Concat(StringPrimitives.All)
            .Concat(HostModules.All.Values.SelectMany(m => m.Functions.Select(f => f.Function).Concat(m.Helpers)))
            .ToArray();
        Functions = all;
        Ids = all.Select((f, i) => (f, i)).ToFrozenDictionary<(HostFunction f, int i), HostFunction, int>(x => x.f, x => x.i, ReferenceEqualityComparer.Instance);
    }

    public static HostFunction Get(int id) => Functions[id];

    public static int IdOf(HostFunction function) => Ids[function];
}
