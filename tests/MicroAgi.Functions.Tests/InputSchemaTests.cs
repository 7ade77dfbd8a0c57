using System.Text.Json.Nodes;
using MicroAgi.Functions.Schema;

namespace MicroAgi.Functions.Tests;

/// <summary>Tool input schemas: one case per JSON Schema (2020-12) keyword, each error naming the JSON pointer of the bad value.</summary>
public sealed class InputSchemaTests
{
    private static IReadOnlyList<string> Validate(string schema, string value) =>
        InputSchema.Compile(JsonNode.Parse(schema)).Validate(JsonNode.Parse(value));

    private static string CompileError(string schema) =>
        Assert.Throws<InputSchemaException>(() => InputSchema.Compile(JsonNode.Parse(schema))).Message;

    [Theory]
    [InlineData("type", """{"type": "integer"}""", "1.5", """(arguments): Value is "number" but should be "integer" (type)""")]
    [InlineData("type list", """{"type": ["string", "null"]}""", "null", null)]
    [InlineData("properties", """{"properties": {"n": {"type": "string"}}}""", """{"n": 3}""", """/n: Value is "integer" but should be "string" (type)""")]
    [InlineData("required", """{"required": ["n"]}""", "{}", """(arguments): Required properties ["n"] are not present (required)""")]
    [InlineData("additionalProperties false", """{"properties": {"a": {}}, "additionalProperties": false}""", """{"b": 1}""", "/b: is not allowed (the schema has no such property)")]
    [InlineData("additionalProperties schema", """{"additionalProperties": {"type": "string"}}""", """{"b": 1}""", """/b: Value is "integer" but should be "string" (type)""")]
    [InlineData("items", """{"items": {"type": "string"}}""", """["a", 2]""", """/1: Value is "integer" but should be "string" (type)""")]
    [InlineData("prefixItems", """{"prefixItems": [{"type": "string"}]}""", "[2]", """/0: Value is "integer" but should be "string" (type)""")]
    [InlineData("minItems", """{"minItems": 2}""", "[1]", "(arguments): Value should have at least 2 items (minItems)")]
    [InlineData("maxItems", """{"maxItems": 1}""", "[1, 2]", "(arguments): Value should have at most 1 items (maxItems)")]
    [InlineData("uniqueItems", """{"uniqueItems": true}""", "[1, 1]", "(uniqueItems)")]
    [InlineData("contains", """{"contains": {"const": 3}}""", "[1]", "(contains)")]
    [InlineData("enum", """{"enum": ["a", "b"]}""", "\"c\"", "(arguments): must be one of \"a\", \"b\" (enum)")]
    [InlineData("const", """{"const": 7}""", "8", "(arguments): Expected \"7\" (const)")]
    [InlineData("minimum", """{"minimum": 2}""", "1", "(arguments): 1 should be at least 2 (minimum)")]
    [InlineData("maximum", """{"maximum": 5}""", "6", "(arguments): 6 should be at most 5 (maximum)")]
    [InlineData("exclusiveMinimum", """{"exclusiveMinimum": 2}""", "2", "(exclusiveMinimum)")]
    [InlineData("exclusiveMaximum", """{"exclusiveMaximum": 2}""", "2", "(exclusiveMaximum)")]
    [InlineData("multipleOf", """{"multipleOf": 3}""", "4", "(multipleOf)")]
    [InlineData("minLength", """{"minLength": 3}""", "\"ab\"", "(minLength)")]
    [InlineData("maxLength", """{"maxLength": 1}""", "\"ab\"", "(maxLength)")]
    [InlineData("pattern", """{"pattern": "^[a-z]+$"}""", "\"A1\"", "(arguments): must match the pattern ^[a-z]+$ (pattern)")]
    [InlineData("format email", """{"format": "email"}""", "\"nope\"", """(arguments): Value does not match format "email" (format)""")]
    [InlineData("format date-time", """{"format": "date-time"}""", "\"yesterday\"", """(arguments): Value does not match format "date-time" (format)""")]
    [InlineData("format uuid", """{"format": "uuid"}""", "\"x\"", """(arguments): Value does not match format "uuid" (format)""")]
    [InlineData("format ipv4", """{"format": "ipv4"}""", "\"1.2.3\"", """(arguments): Value does not match format "ipv4" (format)""")]
    [InlineData("$ref", """{"$defs": {"n": {"type": "integer", "minimum": 3}}, "properties": {"x": {"$ref": "#/$defs/n"}}}""", """{"x": 1}""", "/x: 1 should be at least 3 (minimum)")]
    [InlineData("anyOf", """{"anyOf": [{"type": "string"}, {"type": "integer"}]}""", "true", """(arguments): Value is "boolean" but should be "string" (type)""")]
    [InlineData("oneOf", """{"properties": {"x": {"oneOf": [{"type": "number"}, {"type": "integer"}]}}}""", """{"x": 1}""", "/x: does not satisfy the schema at /properties/x (a oneOf matching more than one choice, or a not that matches)")]
    [InlineData("allOf", """{"allOf": [{"type": "string"}, {"minLength": 2}]}""", "\"a\"", "(minLength)")]
    [InlineData("not", """{"not": {"type": "string"}}""", "\"a\"", "(arguments): does not satisfy the schema at its root")]
    [InlineData("if/then", """{"if": {"properties": {"k": {"const": "n"}}}, "then": {"required": ["v"]}}""", """{"k": "n"}""", """Required properties ["v"] are not present""")]
    [InlineData("dependentRequired", """{"dependentRequired": {"a": ["b"]}}""", """{"a": 1}""", "(dependentRequired)")]
    [InlineData("propertyNames", """{"propertyNames": {"pattern": "^[a-z]+$"}}""", """{"B": 1}""", "must match the pattern ^[a-z]+$ (pattern)")]
    [InlineData("nullable (OpenAPI)", """{"type": "string", "nullable": true}""", "null", null)]
    [InlineData("an optional member sent as null is absent", """{"properties": {"o": {"type": "string"}}}""", """{"o": null}""", null)]
    [InlineData("a required member sent as null is not", """{"properties": {"o": {"type": "string"}}, "required": ["o"]}""", """{"o": null}""", """/o: Value is "null" but should be "string" (type)""")]
    public void Each_keyword_is_checked_and_named_with_the_pointer_of_the_bad_value(string keyword, string schema, string value, string? expected)
    {
        var errors = Validate(schema, value);
        if (expected is null) Assert.True(errors.Count == 0, $"{keyword}: expected no errors, got {string.Join("; ", errors)}");
        else Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_point_into_nested_values()
    {
        const string schema = """
            {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}}}}
            """;
        Assert.Equal(["""/items/2/name: Value is "integer" but should be "string" (type)"""], Validate(schema, """{"items": [{"name": "a"}, {}, {"name": 3}]}"""));
    }

    [Fact]
    public void A_catastrophic_pattern_runs_in_linear_time()
    {
        var errors = Validate("""{"properties": {"x": {"pattern": "^(a+)+$"}}}""", """{"x": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}""");
        Assert.Equal(["/x: must match the pattern ^(a+)+$ (pattern)"], errors);
    }

    [Fact]
    public void Validation_stops_when_its_budget_is_spent()
    {
        var schema = InputSchema.Compile(JsonNode.Parse("""{"items": {"pattern": "^(a+)+$"}}"""));
        var values = new JsonArray([.. Enumerable.Repeat(0, 50).Select(_ => (JsonNode)"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")]);
        Assert.Equal(["the arguments could not be validated within the call's time limit (0 ms); send smaller arguments"], schema.Validate(values, limit: 100, timeout: TimeSpan.Zero));
    }

    [Fact]
    public void A_cancelled_call_stops_validating()
    {
        var schema = InputSchema.Compile(JsonNode.Parse("""{"pattern": "^a$"}"""));
        Assert.Equal(["validation was cancelled"], schema.Validate("b", cancellationToken: new CancellationToken(true)));
    }

    [Theory]
    [InlineData("""{"type": "strnig"}""", "input_schema does not follow the JSON Schema (draft 2020-12) meta-schema: /type: ")]
    [InlineData("""{"properties": {"a": {"minLength": -1}}}""", "meta-schema: /properties/a/minLength: -1 should be at least 0")]
    [InlineData("""{"pattern": "(("}""", "input_schema is not a usable JSON Schema (draft 2020-12): 'pattern' is not a valid regular expression")]
    [InlineData("""{"patternProperties": {"^a": {}}}""", "'patternProperties' is not supported (its regular expressions cannot be bounded in time)")]
    [InlineData("""{"$ref": "https://example.com/schema.json"}""", "input_schema has a $ref that cannot be resolved: https://example.com/schema.json (only references inside the schema")]
    [InlineData("""{"$ref": "#/$defs/missing"}""", "input_schema has a $ref that cannot be resolved: #/$defs/missing")]
    [InlineData("[1]", "input_schema must be a JSON object (a JSON Schema)")]
    public void A_schema_that_cannot_be_used_is_refused_with_the_reason(string schema, string expected) =>
        Assert.Contains(expected, CompileError(schema), StringComparison.Ordinal);

    [Fact]
    public void Other_drafts_are_read_as_2020_12_and_unknown_keywords_are_allowed()
    {
        var schema = """{"$schema": "http://json-schema.org/draft-07/schema#", "x-note": 1, "properties": {"x": {"pattern": "^(a+)+$"}}}""";
        Assert.Equal(["/x: must match the pattern ^(a+)+$ (pattern)"], Validate(schema, """{"x": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}"""));
    }

    [Fact]
    public void The_true_schema_accepts_anything() => Assert.Empty(Validate("true", """{"a": [1]}"""));

    [Fact]
    public void A_schema_stored_as_a_json_string_is_read()
    {
        var element = System.Text.Json.JsonSerializer.SerializeToElement("""{"required": ["a"]}""");
        Assert.Single(InputSchema.Compile(element).Validate(new JsonObject()));
    }
}
