using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using MicroAgi.Llm.Providers;
using OpenAI.Chat;

namespace MicroAgi.Llm.Tests.Providers;

public sealed class KnownChunkShapeTests
{
    private const string ToolCallChunk = """
        {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":null,
         "choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"noop","arguments":"{\"i\":"}}]},"finish_reason":null,"logprobs":null}]}
        """;

    private const string UsageChunk = """
        {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110}}
        """;

    // As OpenAI sends it: with the details of both counts.
    private const string DetailedUsageChunk = """
        {"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":"fp_1","choices":[],
         "usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,
                  "prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},
                  "completion_tokens_details":{"reasoning_tokens":4,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
        """;

    [Theory]
    [InlineData(ToolCallChunk)]
    [InlineData(UsageChunk)]
    [InlineData(DetailedUsageChunk)]
    [InlineData("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hel"},"finish_reason":null}]}""")]
    [InlineData("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"hm","reasoning":null},"finish_reason":null}]}""")]
    [InlineData("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""")]
    public void The_chunks_servers_commonly_send_are_recognised_and_the_sdk_reads_them(string chunk)
    {
        Assert.True(Matches(chunk));
        Assert.True(SdkReads(chunk));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"id":"c","choices":"zz"}""")]
    [InlineData("""{"id":"c","created":1,"choices":[{"index":0,"delta":{},"finish_reason":"eos"}]}""")]
    [InlineData("""{"id":"c","created":1,"choices":[{"index":0,"delta":{"role":"robot"}}]}""")]
    [InlineData("""{"id":"c","created":1.5,"choices":[]}""")]
    [InlineData("""{"id":"c","created":99999999999999,"choices":[]}""")]
    [InlineData("""{"id":"c","choices":[]} trailing""")]
    [InlineData("""{"id":"c","choices":[],"obfuscation":"abc"}""")]
    public void Anything_else_is_left_to_the_sdk(string chunk) => Assert.False(Matches(chunk));

    [Fact]
    public void An_event_longer_than_any_chunk_is_left_to_the_sdk_even_when_well_formed()
    {
        var content = new string('x', KnownChunkShape.MaxBytes);
        var chunk = $$"""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"{{content}}"},"finish_reason":null}]}""";
        Assert.True(SdkReads(chunk));
        Assert.False(Matches(chunk));
        Assert.True(Matches(chunk.Replace(content, "x", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The shortcut must never say yes where the SDK says no: every value of the chunks above is replaced, in turn,
    /// by values of other types and edge values, every member removed, and an unknown one added.
    /// </summary>
    [Fact]
    public void No_variation_of_a_chunk_is_recognised_that_the_sdk_cannot_read()
    {
        JsonNode?[] replacements =
        [
            null, "x", "", "assistant", "stop", 0, 1, -1, 1.5, long.MaxValue, 253_402_300_800L, 2_147_483_648L, true,
            new JsonObject(), new JsonArray(), new JsonArray(new JsonObject()),
        ];
        var recognised = 0;
        var checkedVariants = 0;
        foreach (var original in new[] { ToolCallChunk, UsageChunk, DetailedUsageChunk })
        {
            foreach (var variant in Variants(JsonNode.Parse(original)!, replacements))
            {
                checkedVariants++;
                if (!Matches(variant)) continue;
                recognised++;
                Assert.True(SdkReads(variant), $"recognised, but the SDK cannot read it: {variant}");
            }
        }
        Assert.True(checkedVariants > 300, $"{checkedVariants} variants");
        Assert.True(recognised > 20, $"{recognised} recognised");
    }

    private static IEnumerable<string> Variants(JsonNode root, JsonNode?[] replacements)
    {
        foreach (var (parent, key) in Slots(root))
        {
            foreach (var replacement in replacements)
            {
                var copy = root.DeepClone();
                Set(Find(copy, parent), key, replacement?.DeepClone());
                yield return copy.ToJsonString();
            }
            if (key is string name)
            {
                var removed = root.DeepClone();
                ((JsonObject)Find(removed, parent)).Remove(name);
                yield return removed.ToJsonString();
                var added = root.DeepClone();
                ((JsonObject)Find(added, parent))["unexpected"] = 1;
                yield return added.ToJsonString();
            }
        }
    }

    /// <summary>Every member and element of <paramref name="node"/>, as (path of its parent, its name or index).</summary>
    private static IEnumerable<(string Parent, object Key)> Slots(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    yield return (node.GetPath(), name);
                    if (value is not null) foreach (var slot in Slots(value)) yield return slot;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (node.GetPath(), i);
                    if (array[i] is { } item) foreach (var slot in Slots(item)) yield return slot;
                }
                break;
        }
    }

    private static JsonNode Find(JsonNode root, string path)
    {
        var node = root;
        foreach (var step in path.TrimStart('$').Split(['.', '['], StringSplitOptions.RemoveEmptyEntries))
            node = step.EndsWith(']') ? node[int.Parse(step.TrimEnd(']'), System.Globalization.CultureInfo.InvariantCulture)]! : node[step]!;
        return node;
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (key is string name) parent[name] = value;
        else parent[(int)key] = value;
    }

    private static bool Matches(string chunk) => KnownChunkShape.Matches(System.Text.Encoding.UTF8.GetBytes(chunk));

    private static bool SdkReads(string chunk)
    {
        try
        {
            return ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(chunk)) is not null;
        }
#pragma warning disable CA1031 // whatever the SDK throws, it cannot read the chunk
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
