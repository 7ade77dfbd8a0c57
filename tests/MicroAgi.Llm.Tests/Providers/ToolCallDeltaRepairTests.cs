using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Llm.Tests.Providers;

/// <summary>
/// The repair of streamed tool-call deltas, line by line. Well-formed deltas are read without a JSON tree and
/// passed on as the same bytes; these cases check that doing so still records each call, so that a later delta
/// without an index continues, or begins, the right call.
/// </summary>
public sealed class ToolCallDeltaRepairTests
{
    [Fact]
    public void Well_formed_deltas_pass_as_the_same_bytes()
    {
        var repair = new ToolCallDeltaRepair();
        var lines = Lines(Delta("""{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}}"""),
            Delta("""{"index":0,"function":{"arguments":"{\"x\":"}}"""), Delta("""{"index":0,"function":{"arguments":"1}"}}"""));

        Assert.Same(lines, repair.Repaired(lines));
    }

    [Fact]
    public void A_delta_without_an_index_continues_the_call_a_well_formed_delta_began()
    {
        var repair = new ToolCallDeltaRepair();
        repair.Repaired(Lines(Delta("""{"index":1,"id":"b","type":"function","function":{"name":"f","arguments":""}}""")));

        var next = Calls(repair.Repaired(Lines(Delta("""{"function":{"arguments":"{}"}}"""))));

        Assert.Equal(1, (int)next[0]!["index"]!);
    }

    [Fact]
    public void A_delta_without_an_index_but_with_an_id_begins_the_next_call()
    {
        var repair = new ToolCallDeltaRepair();
        repair.Repaired(Lines(Delta("""{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}""")));

        var next = Calls(repair.Repaired(Lines(Delta("""{"id":"b","type":"function","function":{"name":"g","arguments":"{}"}}"""))));

        Assert.Equal(1, (int)next[0]!["index"]!);
    }

    [Fact]
    public void Only_the_first_delta_of_a_call_must_carry_its_name()
    {
        var repair = new ToolCallDeltaRepair();
        repair.Repaired(Lines(Delta("""{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}}""")));
        var later = Lines(Delta("""{"index":0,"function":{"arguments":"{}"}}"""));
        Assert.Same(later, repair.Repaired(later));

        var nameless = Calls(repair.Repaired(Lines(Delta("""{"index":1,"id":"b","type":"function","function":{"name":" ","arguments":""}}"""))));

        Assert.Equal(OpenAICompatibilityChatClient.NamelessCallMarker, (string)nameless[0]!["function"]!["name"]!);
    }

    [Fact]
    public void Two_calls_begun_in_one_chunk_are_both_recorded()
    {
        var repair = new ToolCallDeltaRepair();
        repair.Repaired(Lines(Delta("""{"index":0,"id":"a","function":{"name":"f"}},{"index":1,"id":"b","function":{"name":"g"}}""")));

        var next = Calls(repair.Repaired(Lines(Delta("""{"function":{"arguments":"{}"}}"""))));

        Assert.Equal(1, (int)next[0]!["index"]!);
    }

    [Fact]
    public void Choices_are_told_apart_by_their_index_or_else_their_position()
    {
        var repair = new ToolCallDeltaRepair();
        repair.Repaired(Lines("""data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f"}}]}},{"index":7,"delta":{"tool_calls":[{"index":2,"id":"b","function":{"name":"g"}}]}}]}"""));

        var next = JsonNode.Parse(Data(repair.Repaired(Lines("""data: {"choices":[{"index":7,"delta":{"tool_calls":[{"function":{"arguments":"{}"}}]}},{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"{}"}}]}}]}"""))))!;

        Assert.Equal(2, (int)next["choices"]![0]!["delta"]!["tool_calls"]![0]!["index"]!);
        Assert.Equal(0, (int)next["choices"]![1]!["delta"]!["tool_calls"]![0]!["index"]!);
    }

    [Fact]
    public void In_a_block_of_lines_only_the_line_to_repair_changes()
    {
        var repair = new ToolCallDeltaRepair();
        var first = Delta("""{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}}""");
        var last = """data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""";
        var block = Encoding.UTF8.GetString(repair.Repaired(Encoding.UTF8.GetBytes(first + "\r\n\r\n" + Delta("""{"function":{"arguments":"{}"}}""") + "\r\n\r\n" + last + "\r\n\r\n")));

        var lines = block.Split("\r\n");
        Assert.Equal(first, lines[0]);
        Assert.Equal(0, (int)JsonNode.Parse(lines[2]["data: ".Length..])!["choices"]![0]!["delta"]!["tool_calls"]![0]!["index"]!);
        Assert.Equal(last, lines[4]);
        Assert.Equal(["", "", "", ""], [lines[1], lines[3], lines[5], lines[6]]);
    }

    [Theory]
    [InlineData("""data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":"0","function":{"name":"f"}}]}}]}""")]
    [InlineData("""data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0.5,"function":{"name":"f"}}]}}]}""")]
    [InlineData("""data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":null}]}}]}""")]
    [InlineData("""data: {"choices":[{"index":0,"delta":{"tool_calls":["x",{"index":0,"function":{"name":"f"}}]}}]}""")]
    [InlineData("""data: {"choices":{"index":0},"tool_calls":[]}""")]
    [InlineData("""data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f"}}]}}]""")]
    public void Unusual_deltas_are_read_in_full_and_never_fail_the_stream(string line)
    {
        var repair = new ToolCallDeltaRepair();

        var repaired = Encoding.UTF8.GetString(repair.Repaired(Lines(line)));

        Assert.StartsWith("data:", repaired, StringComparison.Ordinal);
    }

    private static string Delta(string calls) => $$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{{calls}}]},"finish_reason":null}]}""";

    private static byte[] Lines(params string[] lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n\n")));

    private static string Data(byte[] lines) => Encoding.UTF8.GetString(lines).Split('\n')[0]["data:".Length..];

    private static JsonArray Calls(byte[] lines) => JsonNode.Parse(Data(lines))!["choices"]![0]!["delta"]!["tool_calls"]!.AsArray();
}
