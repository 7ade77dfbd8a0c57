using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Lua.Modules;

namespace MicroAgi.Lua.Tests;

/// <summary>Every example in docs/lua runs and does what the page says; every documented function exists and every module function is documented.</summary>
public sealed class DocExampleTests : IAsyncLifetime
{
    private readonly LocalHttpServer _httpbin = new();
    private LuaRuntime _runtime = null!;

    public Task InitializeAsync()
    {
        _runtime = new LuaRuntime(new LuaRuntimeOptions { Http = new HttpClientOptions { AllowedNetworks = ["127.0.0.1"] } });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _runtime.Dispose();
        await _httpbin.DisposeAsync();
    }

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var page in DocExamples.Pages)
        {
            var examples = DocExamples.Read(page);
            for (var i = 0; i < examples.Count; i++) data.Add(page, i);
        }
        return data;
    }

    public static TheoryData<string> ModulePages()
    {
        var data = new TheoryData<string>();
        foreach (var module in LuaRuntime.AvailableModules) data.Add(module);
        return data;
    }

    [Fact]
    public void The_corpus_has_a_guide_and_a_page_per_module()
    {
        var pages = DocExamples.Pages.ToArray();
        Assert.Contains("guide/writing-a-tool.md", pages);
        foreach (var module in LuaRuntime.AvailableModules) Assert.Contains($"modules/{module}.md", pages);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_runs_as_documented(string page, int index)
    {
        var example = DocExamples.Read(page)[index];
        var code = example.Code.Replace("https://httpbin.org", _httpbin.BaseUrl, StringComparison.Ordinal);
        if (example.IsTool) await RunToolAsync(example, code);
        else await RunScriptAsync(example, code);
    }

    private async Task RunScriptAsync(DocExample example, string code)
    {
        var source = "do " + code + "\nend\nreturn { handler = function() end }";
        var result = await _runtime.RunAsync(new LuaFunctionSource(source, "handler", LuaRuntime.AvailableModules, "example"), null);
        Assert.True(result.IsSuccess, $"{example}: {result}\nprinted:\n{result.Logs}");
        var printed = result.Logs.Split('\n')[..^1];
        var expected = code.Split('\n').Select(l => l.TrimStart()).Where(l => l.StartsWith("-->", StringComparison.Ordinal) || l.StartsWith("--~", StringComparison.Ordinal)).ToArray();
        Assert.True(expected.Length == printed.Length, $"{example}: expected {expected.Length} printed lines, got {printed.Length}:\n{result.Logs}");
        for (var i = 0; i < expected.Length; i++)
        {
            // One space separates the marker from the text; anything after it (indentation too) is the text.
            var wanted = expected[i].Length > 3 && expected[i][3] == ' ' ? expected[i][4..] : expected[i][3..];
            if (expected[i].StartsWith("-->", StringComparison.Ordinal))
                Assert.True(wanted == printed[i], $"{example}: line {i + 1} printed\n  {printed[i]}\nbut the page says\n  {wanted}");
            else
                Assert.True(Regex.IsMatch(printed[i], "^(?:" + wanted + ")$"), $"{example}: line {i + 1} printed\n  {printed[i]}\nwhich does not match\n  {wanted}");
        }
    }

    private async Task RunToolAsync(DocExample example, string code)
    {
        var function = new LuaFunctionSource(code, "handler", DocExamples.RequiredModules(code), "example");
        var check = _runtime.Check(function);
        Assert.True(check.IsValid, $"{example}: {check.Error}");
        var lines = code.Split('\n').Select(l => l.Trim()).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("-- call:", StringComparison.Ordinal)) continue;
            var input = JsonNode.Parse(lines[i]["-- call:".Length..]);
            var outcome = i + 1 < lines.Length ? lines[i + 1] : "";
            var result = await _runtime.RunAsync(function, input);
            if (outcome.StartsWith("-- result:", StringComparison.Ordinal))
            {
                Assert.True(result.IsSuccess, $"{example}: {lines[i]} failed: {result}");
                var wanted = JsonNode.Parse(outcome["-- result:".Length..]);
                Assert.True(JsonNode.DeepEquals(wanted, result.Value), $"{example}: {lines[i]} returned\n  {result.ValueJson}\nbut the page says\n  {wanted?.ToJsonString()}");
            }
            else if (outcome.StartsWith("-- result~", StringComparison.Ordinal))
            {
                Assert.True(result.IsSuccess, $"{example}: {lines[i]} failed: {result}");
                var pattern = outcome["-- result~".Length..].Trim();
                var json = result.ValueJson;
                Assert.True(Regex.IsMatch(json, "^(?:" + pattern + ")$"), $"{example}: {lines[i]} returned\n  {json}\nwhich does not match\n  {pattern}");
            }
            else if (outcome.StartsWith("-- error:", StringComparison.Ordinal))
            {
                Assert.False(result.IsSuccess, $"{example}: {lines[i]} should fail but returned {result}");
                Assert.Equal(outcome["-- error:".Length..].Trim(), result.Error);
            }
            else
            {
                Assert.Fail($"{example}: '{lines[i]}' must be followed by '-- result:', '-- result~' or '-- error:'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ModulePages))]
    public async Task Module_page_documents_exactly_the_functions_the_module_has(string module)
    {
        var page = File.ReadAllText(Path.Combine(DocExamples.Root, "modules", module + ".md"));
        var documented = Regex.Matches(page, @"^### " + Regex.Escape(module) + @"\.([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var source = $$"""
            local m = require('{{module}}')
            local names = {}
            for name in pairs(m) do names[#names + 1] = name end
            table.sort(names)
            return names
            """;
        var result = await _runtime.RunAsync(new LuaFunctionSource($"local function handler() {source} end return {{ handler = handler }}", "handler", [module], "probe"), null);
        Assert.True(result.IsSuccess, result.ToString());
        var actual = result.Value!.AsArray().Select(n => (string)n!).ToHashSet(StringComparer.Ordinal);
        Assert.True(documented.SetEquals(actual),
            $"modules/{module}.md documents [{string.Join(", ", documented.Order())}] but the module has [{string.Join(", ", actual.Order())}]");
        var examples = string.Join('\n', DocExamples.Read($"modules/{module}.md").Select(e => e.Code));
        foreach (var name in actual)
            Assert.True(Regex.IsMatch(examples, $@"\.{Regex.Escape(name)}\b"), $"modules/{module}.md has no example using {module}.{name}");
    }
}
