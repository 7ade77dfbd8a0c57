namespace MicroAgi.Lua.Runtime;

/// <summary>
/// The limits every Lua call runs under. A call that reaches any of them fails with that limit's
/// error, even if its code caught the error with pcall. See docs/lua-sandbox.md.
/// </summary>
public sealed record LuaLimits
{
    public static LuaLimits Default { get; } = new();

    /// <summary>The most memory a tool's Lua state may hold during a call (libraries and the compiled tool included). Default 64 MiB.</summary>
    public long MemoryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Wall-clock time a call may take, including time blocked in host functions such as http_client. Default 5 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Nested call frames a coroutine may reach (Lua and C frames). Default 200.</summary>
    public int MaxCallDepth { get; init; } = 200;

    /// <summary>The largest result, measured as JSON text. Default 1 MiB.</summary>
    public int MaxResultBytes { get; init; } = 1024 * 1024;

    /// <summary>The most text <c>print</c> may collect per call; more is cut with a marker. Default 64 KiB.</summary>
    public int MaxLogBytes { get; init; } = 64 * 1024;

    /// <summary>Throws when a limit is out of its sane range (so a typo in configuration is caught early).</summary>
    public LuaLimits Validate()
    {
        if (MemoryBytes < 1024 * 1024) throw new ArgumentException($"LuaLimits.MemoryBytes must be at least 1 MiB (got {MemoryBytes})");
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(1)) throw new ArgumentException($"LuaLimits.Timeout must be between 0 and 1 hour (got {Timeout})");
        if (MaxCallDepth is < 10 or > 100_000) throw new ArgumentException($"LuaLimits.MaxCallDepth must be between 10 and 100000 (got {MaxCallDepth})");
        if (MaxResultBytes < 16) throw new ArgumentException($"LuaLimits.MaxResultBytes must be at least 16 (got {MaxResultBytes})");
        if (MaxLogBytes < 0) throw new ArgumentException($"LuaLimits.MaxLogBytes must not be negative (got {MaxLogBytes})");
        return this;
    }
}
