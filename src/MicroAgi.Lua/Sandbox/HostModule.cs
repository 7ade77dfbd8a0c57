namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// A module a tool can <c>require</c>: its functions (by member name) and constants. Building the Lua
/// table is cheap and happens once per state, on first require.
/// </summary>
internal sealed class HostModule
{
    public HostModule(string name, IEnumerable<(string Member, HostFunctionBody Body)> functions,
        IEnumerable<(string Name, object Value)>? constants = null, IEnumerable<HostFunction>? helpers = null)
    {
        Name = name;
        Functions = functions.Select(f => (f.Member, new HostFunction($"{name}.{f.Member}", f.Body))).ToArray();
        Constants = constants?.ToArray() ?? [];
        Helpers = helpers?.ToArray() ?? [];
    }

    public string Name { get; }

    public IReadOnlyList<(string Member, HostFunction Function)> Functions { get; }

    /// <summary>Constant members: strings, longs, doubles or booleans.</summary>
    public IReadOnlyList<(string Name, object Value)> Constants { get; }

    /// <summary>Functions that are not members but are reachable from Lua another way (methods of objects the module returns).</summary>
    public IReadOnlyList<HostFunction> Helpers { get; }
}
