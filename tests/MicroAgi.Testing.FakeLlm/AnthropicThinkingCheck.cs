using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>
/// The real Anthropic Messages API's rules for thinking blocks a client sends back: each must be one the server
/// issued, unchanged (the signature vouches for the text, so editing either breaks it), and when thinking is
/// enabled, a final assistant message that calls tools must start with its thinking — the reasoning behind those
/// calls. Violations are worded as the real API words them, so clients see what they would in production.
/// </summary>
internal sealed class AnthropicThinkingCheck
{
    private const string ThinkingDocs = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

    private readonly ConcurrentDictionary<FakeThinkingBlock, byte> _issued = new();

    /// <summary>Remembers blocks the server sent, so that they are accepted when they come back.</summary>
    public void Issue(IEnumerable<FakeThinkingBlock> blocks)
    {
        foreach (var block in blocks) _issued.TryAdd(block, 0);
    }

    /// <summary>What the real API would answer with a 400, or null when the request keeps the rules.</summary>
    public string? Violation(JsonNode? request)
    {
        if (request?["messages"] is not JsonArray messages) return null;
        var lastAssistant = -1;
        for (var i = 0; i < messages.Count; i++)
        {
            if ((string?)messages[i]?["role"] != "assistant") continue;
            lastAssistant = i;
            if (messages[i]?["content"] is not JsonArray blocks) continue;
            for (var j = 0; j < blocks.Count; j++)
                if (Tampering(blocks[j]) is { } problem) return $"messages.{i}.content.{j}: {problem}";
        }
        if (lastAssistant < 0 || !ThinkingEnabled(request)) return null;
        var content = messages[lastAssistant]?["content"];
        var types = content is JsonArray array ? array.Select(b => (string?)b?["type"]).ToList() : ["text"];
        if (!types.Contains("tool_use") || types[0] is "thinking" or "redacted_thinking") return null;
        return $"messages.{lastAssistant}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{types[0]}`. "
            + "When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of "
            + "`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this "
            + $"requirement, disable `thinking`. Please consult our documentation at {ThinkingDocs}";
    }

    private string? Tampering(JsonNode? block) => (string?)block?["type"] switch
    {
        "thinking" when !_issued.ContainsKey(new FakeThinking((string?)block!["thinking"] ?? "", (string?)block["signature"] ?? "")) =>
            "Invalid `signature` in `thinking` block",
        "redacted_thinking" when !_issued.ContainsKey(new FakeRedactedThinking((string?)block!["data"] ?? "")) =>
            "Invalid `data` in `redacted_thinking` block",
        _ => null,
    };

    private static bool ThinkingEnabled(JsonNode request) => (string?)request["thinking"]?["type"] is "enabled" or "adaptive";
}
