using System.Text.Json.Nodes;
using MicroAgi.Functions.Schema;

namespace MicroAgi.Functions.Tests;

public sealed class InputSchemaTests
{
    private static IReadOnlyList<string> Validate(string schema, string value) =>
        InputSchema.Compile(JsonNode.Parse(schema)).Validate(JsonNode.Parse(value));

    [Fact]
    public void A_conforming_value_has_no_errors()
    {
        const string schema = """
            {"type": "object", "required": ["items"], "properties": {
              "items": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}}},
              "mode": {"enum": ["fast", "slow"]}}}
            """;
        Assert.Empty(Validate(schema, """{"items": [{"name": "a", "qty": 2}], "mode": "fast"}"""));
    }

    [Fact]
    public void Errors_name_the_path_of_the_bad_value()
    {
        const string schema = """
            {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}}}}
            """;
        Assert.Equal(["items[2].name: expected string, got integer"], Validate(schema, """{"items": [{"name": "a"}, {}, {"name": 3}]}"""));
    }

    [Theory]
    [InlineData("""{"type": "integer"}""", "1.5", "arguments: expected integer, got number")]
    [InlineData("""{"type": "number"}""", "3", null)]
    [InlineData("""{"type": ["string", "null"]}""", "null", null)]
    [InlineData("""{"type": "string", "nullable": true}""", "null", null)]
    [InlineData("""{"type": "string"}""", "null", "arguments: expected string, got null")]
    [InlineData("""{"enum": ["a", "b"]}""", "\"c\"", "arguments: must be one of \"a\", \"b\"")]
    [InlineData("""{"const": 7}""", "8", "arguments: must be 7")]
    [InlineData("""{"minimum": 2, "maximum": 5}""", "6", "arguments: must be at most 5")]
    [InlineData("""{"minimum": 2}""", "1", "arguments: must be at least 2")]
    [InlineData("""{"exclusiveMinimum": 0}""", "0", "arguments: must be greater than 0")]
    [InlineData("""{"exclusiveMaximum": 10}""", "10", "arguments: must be less than 10")]
    [InlineData("""{"minLength": 2}""", "\"é\"", "arguments: must be at least 2 characters long")]
    [InlineData("""{"maxLength": 3}""", "\"abcd\"", "arguments: must be at most 3 characters long")]
    [InlineData("""{"pattern": "^[a-z]+$"}""", "\"abc1\"", "arguments: must match the pattern ^[a-z]+$")]
    [InlineData("""{"maxItems": 1}""", "[1, 2]", "arguments: must have at most 1 items, has 2")]
    [InlineData("""{"minItems": 1}""", "[]", "arguments: must have at least 1 items, has 0")]
    [InlineData("""{"required": ["a"]}""", "{}", "a: is required")]
    [InlineData("""{"properties": {"a": {"type": "string"}}}""", """{"a": null}""", null)]
    [InlineData("""{"properties": {"a": {"type": "string"}}, "required": ["a"]}""", """{"a": null}""", "a: expected string, got null")]
    [InlineData("""{"properties": {"a": {}}, "additionalProperties": false}""", """{"b": null}""", "b: is not allowed (allowed: a)")]
    [InlineData("""{"properties": {"a": {}}, "additionalProperties": false}""", """{"b": 1}""", "b: is not allowed (allowed: a)")]
    [InlineData("""{"additionalProperties": {"type": "number"}}""", """{"b": "x"}""", "b: expected number, got string")]
    [InlineData("""{"properties": {"a": {"properties": {"odd key": {"type": "string"}}}}}""", """{"a": {"odd key": 1}}""", "a[\"odd key\"]: expected string, got integer")]
    public void Each_keyword_is_checked(string schema, string value, string? error)
    {
        var errors = Validate(schema, value);
        if (error is null) Assert.Empty(errors);
        else Assert.Equal([error], errors);
    }

    [Fact]
    public void Unknown_keywords_such_as_descriptions_are_ignored()
    {
        Assert.Empty(Validate("""{"type": "object", "description": "x", "title": "t", "examples": [1], "$schema": "s"}""", "{}"));
    }

    [Theory]
    [InlineData("[]", "input_schema must be a JSON object (a JSON Schema)")]
    [InlineData("""{"type": "strng"}""", "input_schema.type unknown type 'strng' (use one of string, number, integer, boolean, object, array, null)")]
    [InlineData("""{"properties": []}""", "input_schema.properties must be an object mapping names to schemas")]
    [InlineData("""{"properties": {"a": {"minimum": "x"}}}""", "input_schema.properties.a.minimum must be a number")]
    [InlineData("""{"required": "a"}""", "input_schema.required must be a list of property names")]
    [InlineData("""{"pattern": "("}""", "input_schema.pattern is not a valid regular expression")]
    [InlineData("""{"enum": []}""", "input_schema.enum must be a non-empty list of values")]
    [InlineData("""{"minLength": -1}""", "input_schema.minLength must be a non-negative integer")]
    public void Malformed_schemas_are_refused_with_the_keyword_named(string schema, string error)
    {
        Assert.False(InputSchema.TryCompile(JsonNode.Parse(schema), out _, out var message));
        Assert.StartsWith(error, message);
    }

    [Fact]
    public void Numbers_built_in_code_validate_like_parsed_ones()
    {
        var schema = InputSchema.Compile(JsonNode.Parse("""{"type": "object", "properties": {"n": {"type": "integer", "maximum": 5}}}"""));
        Assert.Empty(schema.Validate(new JsonObject { ["n"] = 4L }));
        Assert.Equal(["n: must be at most 5"], schema.Validate(new JsonObject { ["n"] = 6 }));
        Assert.Equal(["n: expected integer, got number"], schema.Validate(new JsonObject { ["n"] = 2.5 }));
    }
}
