using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MicroAgi.Agents.Self;

/// <summary>
/// The free-form variables the agent keeps for itself (<c>_runtime_vars</c>): what <c>modify</c> stores under a
/// key that is not a property. At most <see cref="MaxKeys"/> keys, each value within <see cref="JsonValueLimits"/>.
/// </summary>
public sealed partial class RuntimeVars
{
    public const int MaxKeys = 64;
    public const string Prefix = "_runtime_vars";

    private readonly SortedDictionary<string, JsonNode?> _vars = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate) return _vars.Count;
        }
    }

    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_gate) return [.. _vars.Keys];
        }
    }

    /// <returns>What is wrong with the name, or null when it can be a variable's.</returns>
    public static string? NameProblem(string key) =>
        ValidName().IsMatch(key) && !key.StartsWith("__", StringComparison.Ordinal)
            ? null
            : $"'{Shorten(key)}' cannot name a runtime variable: use letters, digits and _ (at most 64, not starting with a digit or __), e.g. my_flag";

    public bool Contains(string key)
    {
        lock (_gate) return _vars.ContainsKey(key);
    }

    public bool TryGet(string key, out JsonNode? value)
    {
        lock (_gate)
        {
            var found = _vars.TryGetValue(key, out var stored);
            value = stored?.DeepClone();
            return found;
        }
    }

    /// <summary>Stores a copy of <paramref name="value"/>; false with the reason when the name, the count or the size is wrong.</summary>
    public bool TrySet(string key, JsonNode? value, out string? error)
    {
        error = NameProblem(key) ?? JsonValueLimits.Problem(value);
        if (error is not null) return false;
        lock (_gate)
        {
            if (!_vars.ContainsKey(key) && _vars.Count >= MaxKeys)
            {
                error = $"there are already {MaxKeys} runtime variables, the most there may be; reset one you no longer need first";
                return false;
            }
            _vars[key] = value?.DeepClone();
        }
        return true;
    }

    public bool Remove(string key)
    {
        lock (_gate) return _vars.Remove(key);
    }

    public void Clear()
    {
        lock (_gate) _vars.Clear();
    }

    /// <summary>All variables as one object (a copy).</summary>
    public JsonObject ToJson()
    {
        lock (_gate) return new JsonObject(_vars.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
    }

    /// <summary>Replaces every variable with those of <paramref name="vars"/> (a restored snapshot), each checked.</summary>
    /// <returns>The variables that were refused, with the reason.</returns>
    public IReadOnlyList<string> ReplaceAll(JsonObject vars)
    {
        ArgumentNullException.ThrowIfNull(vars);
        Clear();
        var refused = new List<string>();
        foreach (var (key, value) in vars)
        {
            if (!TrySet(key, value, out var error)) refused.Add($"{Prefix}.{Shorten(key)}: {error}");
        }
        return refused;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ValidName();
}
