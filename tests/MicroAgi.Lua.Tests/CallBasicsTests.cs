using System.Text.Json.Nodes;
using MicroAgi.Functions;

namespace MicroAgi.Lua.Tests;

public sealed class CallBasicsTests : IDisposable
{
    private readonly LuaTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Handler_receives_its_arguments_and_returns_json()
    {
        var result = _host.Handler("return { greeting = 'hello ' .. input.name, n = #input.items }", JsonNode.Parse("""{"name":"ada","items":[1,2,3]}"""));
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("""{"greeting":"hello ada","n":3}""", result.Value!.ToJsonString());
    }

    /// <summary>table.concat and table.unpack are partly Lua code in the sandbox: they must still behave as Lua 5.4's.</summary>
    [Theory]
    [InlineData("return table.concat({1, 'b', 2.5}, ', ')", "\"1, b, 2.5\"")]
    [InlineData("return table.concat({'a', 'b', 'c'}, '-', 2, 3)", "\"b-c\"")]
    [InlineData("return table.concat({}, 'x')", "\"\"")]
    [InlineData("local t = setmetatable({}, {__index = function(_, k) return 'v' .. k end, __len = function() return 3 end}) return table.concat(t, ',')", "\"v1,v2,v3\"")]
    [InlineData("local t = setmetatable({'a'}, {__index = function(_, k) return k end}) return table.concat(t, '', 1, 3)", "\"a23\"")]
    [InlineData("local t = setmetatable({}, {__index = function(_, k) return k * 10 end}) return { table.unpack(t, 1, 3) }", "[10,20,30]")]
    [InlineData("local t = setmetatable({1, 2, 3}, {__len = function() return 2 end}) return { table.unpack(t) }", "[1,2]")]
    [InlineData("return { table.unpack({1, 2, 3}, 2) }", "[2,3]")]
    [InlineData("return select('#', table.unpack({}, 1, 3))", "3")]
    [InlineData("return select('#', table.unpack(setmetatable({}, {}), 3, 1))", "0")]
    [InlineData("local ok, e = pcall(table.concat, setmetatable({}, {}), ',', 1, 2) return e", "\"invalid value (nil) at index 1 in table for 'concat'\"")]
    [InlineData("local ok, e = pcall(table.concat, {{}}) return e", "\"invalid value (table) at index 1 in table for 'concat'\"")]
    [InlineData("local ok, e = pcall(function() local s = table.concat(setmetatable({}, {}), ',', 1, 2) return s end) return e", "\"test:2: invalid value (nil) at index 1 in table for 'concat'\"")]
    [InlineData("local ok, e = pcall(function() local s = table.concat({{}}) return s end) return e", "\"test:2: invalid value (table) at index 1 in table for 'concat'\"")]
    [InlineData("local ok, e = pcall(function() local s = table.unpack({}, 1, 1e8) return s end) return e", "\"test:2: too many results to unpack\"")]
    [InlineData("return select(2, pcall(table.concat, 'abc'))", "\"bad argument #1 to 'concat' (table expected, got string)\"")]
    [InlineData("return select(2, pcall(table.concat, {}, {}))", "\"bad argument #2 to 'concat' (string expected, got table)\"")]
    [InlineData("return select(2, pcall(table.unpack, {}, 1.5))", "\"bad argument #2 to 'unpack' (number has no integer representation)\"")]
    [InlineData("return select(2, pcall(table.unpack, setmetatable({}, {}), 1, 1e8))", "\"too many results to unpack\"")]
    [InlineData("return select(2, pcall(table.unpack, {}, math.mininteger, math.maxinteger))", "\"too many results to unpack\"")]
    public void Table_concat_and_unpack_behave_as_in_Lua(string body, string expected)
    {
        var result = _host.Handler(body);
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(expected, result.ValueJson);
    }

    /// <summary>1 and "1" are different Lua keys but the same JSON key: the result used to hold it twice.</summary>
    [Theory]
    [InlineData("return {[1] = 'a', ['1'] = 'b'}", "the result cannot be converted to JSON: result: the keys 1 and \"1\" both become the JSON key \"1\"")]
    [InlineData("return { list = {[2] = 'a', ['2'] = 'b'} }", "the result cannot be converted to JSON: result.list: the keys 2 and \"2\" both become the JSON key \"2\"")]
    [InlineData("return {[1.5] = 'a', ['1.5'] = 'b'}", "the result cannot be converted to JSON: result: the keys 1.5 and \"1.5\" both become the JSON key \"1.5\"")]
    public void Keys_that_collide_in_JSON_are_refused(string body, string error)
    {
        var result = _host.Handler(body);
        Assert.Equal(FunctionErrorKind.InvalidResult, result.ErrorKind);
        Assert.Equal(error, result.Error);
        Assert.Equal("\"json.encode: value: the keys 1 and \\\"1\\\" both become the JSON key \\\"1\\\"\"",
            _host.Json("return select(2, require('json').encode({[1] = 'a', ['1'] = 'b'}))"));
        Assert.Equal("(error object is a table value)", _host.Handler("error({[1] = 'a', ['1'] = 'b'})").Error);
    }

    [Fact]
    public void Nil_and_message_is_a_handler_error()
    {
        var result = _host.Handler("return nil, 'city not found'");
        Assert.Equal(FunctionErrorKind.HandlerError, result.ErrorKind);
        Assert.Equal("city not found", result.Error);
    }

    [Fact]
    public void Value_with_error_is_still_an_error()
    {
        var result = _host.Handler("return { partial = true }, 'upstream failed'");
        Assert.Equal(FunctionErrorKind.HandlerError, result.ErrorKind);
        Assert.Equal("upstream failed", result.Error);
    }

    [Theory]
    [InlineData("return { a = 1 }, { b = 2 }", "table {\"b\":2}")]
    [InlineData("return 'ok', true", "boolean true")]
    public void A_second_value_that_is_not_a_message_fails_and_explains_the_convention(string body, string described)
    {
        var result = _host.Handler(body);
        Assert.Equal(FunctionErrorKind.HandlerError, result.ErrorKind);
        Assert.Contains($"the handler returned a second value ({described}), which means failure", result.Error);
        Assert.Contains("return one value to succeed", result.Error);
    }

    [Fact]
    public void Runtime_error_names_the_line()
    {
        var result = _host.Tool("local function handler(input)\n  local x = nil\n  return x.field\nend\nreturn { handler = handler }");
        Assert.Equal(FunctionErrorKind.RuntimeError, result.ErrorKind);
        Assert.Equal("test:3: attempt to index a nil value (local 'x')", result.Error);
    }

    [Fact]
    public void Error_with_a_table_value_is_reported_as_json()
    {
        var result = _host.Handler("error({ code = 42, reason = 'bad' })");
        Assert.Equal(FunctionErrorKind.RuntimeError, result.ErrorKind);
        Assert.Equal("""{"code":42,"reason":"bad"}""", result.Error);
    }

    [Fact]
    public void Arguments_nested_too_deeply_are_refused()
    {
        JsonNode deep = 1;
        for (var i = 0; i < 150; i++) deep = new JsonObject { ["a"] = deep };
        var result = _host.Handler("return 1", deep);
        Assert.Equal(FunctionErrorKind.InvalidArguments, result.ErrorKind);
        Assert.StartsWith("invalid arguments:", result.Error);
    }

    [Fact]
    public void Returning_nothing_is_a_null_result()
    {
        var result = _host.Handler("local _ = 1");
        Assert.True(result.IsSuccess);
        Assert.Null(result.Value);
    }

    [Fact]
    public void Print_output_is_collected_in_the_logs()
    {
        var result = _host.Handler("print('a', 1, true, nil) print('second') return 1");
        Assert.Equal("a\t1\ttrue\tnil\nsecond\n", result.Logs);
    }

    [Fact]
    public void Globals_do_not_leak_from_one_call_to_the_next()
    {
        const string source = """
            counter = (counter or 0) + 1
            local function handler() return counter end
            return { handler = handler }
            """;
        Assert.Equal("1", _host.Tool(source).Value!.ToJsonString());
        Assert.Equal("1", _host.Tool(source).Value!.ToJsonString());
    }

    [Fact]
    public void Source_that_does_not_return_a_table_is_a_load_error()
    {
        var result = _host.Tool("local function handler() return 1 end");
        Assert.Equal(FunctionErrorKind.LoadError, result.ErrorKind);
        Assert.Contains("return { handler = handler }", result.Error);
    }

    [Fact]
    public void Syntax_error_is_a_load_error_with_the_line()
    {
        var result = _host.Tool("local function handler()\n  return 1 +\nend\nreturn { handler = handler }");
        Assert.Equal(FunctionErrorKind.LoadError, result.ErrorKind);
        Assert.StartsWith("test:3:", result.Error);
    }
}
