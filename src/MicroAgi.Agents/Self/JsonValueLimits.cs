using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Self;

/// <summary>
/// The size a value the agent stores (a runtime variable) may have: at most <see cref="MaxElements"/> values
/// counted over the whole value — every value counts, lists and objects too, across all branches — nested at
/// most <see cref="MaxDepth"/> deep, and at most <see cref="MaxCharacters"/> as JSON text.
/// </summary>
public static class JsonValueLimits
{
    public const int MaxElements = 1_024;
    public const int MaxDepth = 10;
    public const int MaxCharacters = 64 * 1024;

    /// <returns>What is too big about <paramref name="value"/>, or null when it fits.</returns>
    public static string? Problem(JsonNode? value)
    {
        var elements = 0;
        var deepest = 0;
        // Depth first with an explicit stack: a value nested thousands deep must not overflow ours.
        var pending = new Stack<(JsonNode? Node, int Depth)>();
        pending.Push((value, 0));
        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            if (++elements > MaxElements) return $"the value has more than {MaxElements:N0} elements (every value counts, lists and objects too, across all branches); store less";
            IEnumerable<JsonNode?> children = node switch
            {
                JsonObject obj => obj.Select(p => p.Value),
                JsonArray array => array,
                _ => [],
            };
            if (node is JsonObject or JsonArray)
            {
                deepest = Math.Max(deepest, depth + 1);
                if (deepest > MaxDepth) return $"the value is nested more than {MaxDepth} levels deep; flatten it";
            }
            foreach (var child in children) pending.Push((child, depth + 1));
        }
        var length = value?.ToJsonString().Length ?? 4;
        return length > MaxCharacters ? $"the value is {length:N0} characters as JSON, more than {MaxCharacters:N0}; store less" : null;
    }
}
