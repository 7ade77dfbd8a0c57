namespace MicroAgi.Lua.Runtime;

/// <summary>The outcome of <see cref="LuaRuntime.Check"/>: valid, or why not (with the Lua line when there is one).</summary>
public sealed record LuaCheckResult
{
    private LuaCheckResult(string? error, int? line)
    {
        Error = error;
        Line = line;
    }

    public static LuaCheckResult Valid { get; } = new(null, null);

    public bool IsValid => Error is null;

    /// <summary>What is wrong, e.g. <c>my_tool:3: '=' expected near 'x'</c>.</summary>
    public string? Error { get; }

    /// <summary>The source line the error points at, when Lua named one.</summary>
    public int? Line { get; }

    public static LuaCheckResult Invalid(string error, string chunkName) => new(error, LineOf(error, chunkName));

    private static int? LineOf(string error, string chunkName)
    {
        var prefix = chunkName + ":";
        var at = error.IndexOf(prefix, StringComparison.Ordinal);
        if (at < 0) return null;
        var digits = error.AsSpan(at + prefix.Length);
        var length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length])) length++;
        return length > 0 && length < digits.Length && digits[length] == ':' && int.TryParse(digits[..length], out var line) ? line : null;
    }
}
