namespace MicroAgi.Functions;

/// <summary>The entry kinds that are callable functions.</summary>
public static class FunctionKinds
{
    /// <summary>Lua source in <c>data.source</c>, exported method in <c>data.method</c>, modules in <c>data.modules</c>.</summary>
    public const string Lua = "function.lua";

    /// <summary>A C# function registered in a <see cref="NativeFunctionCatalog"/> under <c>data.handler</c> (or the entry id).</summary>
    public const string Native = "function.native";
}
