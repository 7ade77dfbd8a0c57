using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using MicroAgi.Functions.Schema;

namespace MicroAgi.Benchmarks;

/// <summary>
/// Every tool call's arguments are checked against the tool's input schema before the tool runs (issue 9, item 3),
/// so this is paid once per tool step of the agent loop. Arguments that conform, as nearly all do, and arguments that
/// break the schema in two places (their errors spelled out for the model).
/// </summary>
[MemoryDiagnoser]
public class InputSchemaBenchmarks
{
    private readonly InputSchema _schema = InputSchema.Compile(JsonNode.Parse("""
        {"type": "object", "properties": {"path": {"type": "string", "minLength": 1}, "line": {"type": "integer", "minimum": 1},
         "mode": {"enum": ["read", "write"]}, "note": {"type": ["string", "null"]}}, "required": ["path", "line"], "additionalProperties": false}
        """));

    private readonly JsonNode _conforming = JsonNode.Parse("""{"path": "src/app.cs", "line": 42, "mode": "read", "note": null}""")!;
    private readonly JsonNode _breaking = JsonNode.Parse("""{"path": "", "line": 0, "mode": "read"}""")!;

    [Benchmark(Description = "arguments that conform")]
    public int Conforming() => _schema.Validate(_conforming).Count;

    [Benchmark(Description = "arguments with two errors")]
    public int Breaking() => _schema.Validate(_breaking).Count;
}
