using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Tools.Generated;

/// <summary>
/// One case a generated tool must pass before it is written: the handler is called with
/// <see cref="Input"/>; with <see cref="Expect"/> set the result must equal it (JSON equality), with
/// <see cref="ExpectError"/> set the call must fail with an error containing that text, and with
/// neither the call must simply succeed.
/// </summary>
public sealed record ToolTestCase(JsonObject Input)
{
    public const int MaxCount = 20;

    public bool HasExpect { get; init; }

    /// <summary>The expected result (JSON null is <c>null</c>); meaningful when <see cref="HasExpect"/>.</summary>
    public JsonNode? Expect { get; init; }

    public string? ExpectError { get; init; }

    /// <summary>Reads <c>[{input, expect} | {input, expect_error} | {input}]</c>; null or absent is no tests.</summary>
    public static bool TryParseList(JsonNode? node, out IReadOnlyList<ToolTestCase> tests, out string? error)
    {
        tests = [];
        error = null;
        if (node is null) return true;
        if (node is not JsonArray list)
        {
            error = "'tests' must be a list of {\"input\": {...}, \"expect\": <result>} objects";
            return false;
        }
        if (list.Count > MaxCount)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"'tests' has {list.Count} cases, at most {MaxCount} are allowed");
            return false;
        }
        var parsed = new List<ToolTestCase>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"tests[{i}]");
            if (list[i] is not JsonObject test)
            {
                error = $"{at} must be an object {{\"input\": {{...}}, \"expect\": <result>}}, not {GeneratedToolRequest.Kind(list[i])}";
                return false;
            }
            var unknown = test.Select(p => p.Key).FirstOrDefault(k => k is not ("input" or "expect" or "expect_error"));
            if (unknown is not null)
            {
                error = $"{at} has an unknown field '{unknown}' (a case has 'input' and either 'expect' or 'expect_error')";
                return false;
            }
            var input = test["input"] switch
            {
                null => new JsonObject(),
                JsonObject obj => obj.DeepClone().AsObject(),
                _ => null,
            };
            if (input is null)
            {
                error = $"{at}.input must be an object of arguments, not {GeneratedToolRequest.Kind(test["input"])}";
                return false;
            }
            string? expectError = null;
            if (test["expect_error"] is { } expectErrorNode)
            {
                if (expectErrorNode.GetValueKind() != JsonValueKind.String)
                {
                    error = $"{at}.expect_error must be a string (text the error message contains)";
                    return false;
                }
                expectError = expectErrorNode.GetValue<string>();
            }
            var hasExpect = test.ContainsKey("expect");
            if (hasExpect && expectError is not null)
            {
                error = $"{at} has both 'expect' and 'expect_error'; a case expects a result or an error, not both";
                return false;
            }
            parsed.Add(new ToolTestCase(input) { HasExpect = hasExpect, Expect = test["expect"]?.DeepClone(), ExpectError = expectError });
        }
        tests = parsed;
        return true;
    }
}
