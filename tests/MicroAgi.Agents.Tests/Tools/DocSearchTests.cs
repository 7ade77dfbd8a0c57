using System.Text;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Docs;

namespace MicroAgi.Agents.Tests.Tools;

public sealed class DocSearchTests
{
    private const string Search = "app.tools:doc_search";

    private static DocsCorpus SmallCorpus(params (string Path, string Markdown)[] extra) => new(
    [
        new DocPage("docs/lua/modules/time.md", """
            # time

            Read the clock, convert between time zones, format and parse dates.

            ## time.now(zone?)

            Returns the current time as a time table. Without a zone it is in UTC.

            ```lua
            local now = time.now()
            ```

            ## time.parse(text, layout?, zone?)

            Reads a date from text.
            """),
        new DocPage("docs/lua/modules/http_client.md", """
            # http_client

            ## http_client.get(url, options?)

            Sends a GET request. The response has status_code, headers and body. Responses carry a Date
            header with the server's time; timeouts are given in seconds.
            """),
        new DocPage("docs/lua/guide/writing-a-tool.md", """
            # Writing a tool

            A tool returns a table: `return { handler = handler }`. Errors follow `nil, err`.
            Example: a tool that returns the current time calls the time module.
            """),
        .. extra.Select(p => new DocPage(p.Path, p.Markdown)),
    ]);

    [Fact]
    public async Task The_time_module_page_ranks_first_for_current_time_utc_in_the_shipped_docs()
    {
        await using var host = ToolTestHost.InMemory();

        var result = await host.CallAsync(Search, """{"query": "current time utc"}""");

        Assert.True(result.IsSuccess, result.ToString());
        var first = (string?)result.Value!["pages"]![0];
        Assert.Equal("time.md", Path.GetFileName(first));
        Assert.StartsWith($"## {first} — ", (string?)result.Value["results"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_sent_as_null_next_to_a_query_is_ignored()
    {
        await using var host = ToolTestHost.InMemory();

        var result = await host.CallAsync(Search, """{"query": "current time utc", "path": null}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("current time utc", (string?)result.Value!["query"]);
    }

    [Fact]
    public async Task A_module_page_outranks_the_guide_whose_example_uses_it()
    {
        // A module page as long as a real one: many sections, each mentioning time.
        var timePage = new StringBuilder("# time\n\nRead the clock, convert between time zones, format and parse dates.\n\n");
        timePage.Append("## time.now(zone?)\n\nReturns the current time as a time table, in UTC unless a zone is given.\n\n```lua\nlocal now = time.now()\nreturn now:iso()\n```\n\n");
        foreach (var function in new[] { "unix(seconds, zone?)", "parse(text, layout?, zone?)", "format(t, layout?)", "since(t)", "sleep(seconds)", "clock()", "t:in_zone(zone)", "t:add(seconds)", "t:diff(other)", "t:format(layout)" })
            timePage.Append($"## time.{function}\n\nWorks with a time table: the fields unix, ms, year, month, day, hour, min, sec and zone. Returns a time or a number; errors follow nil, err.\n\n```lua\nlocal t = time.{function.Split('(')[0]}()\n```\n\n");
        var guide = await File.ReadAllTextAsync(Path.Combine(RepoPaths.LuaDocs, "guide", "self-modification.md"));
        await using var host = ToolTestHost.InMemory(docs: new DocsCorpus(
        [
            new DocPage("docs/lua/modules/time.md", timePage.ToString()),
            new DocPage("docs/lua/guide/self-modification.md", guide),
            new DocPage("docs/lua/guide/writing-a-tool.md", "# Writing a tool\n\n## Example: the current time\n\n```lua\nlocal time = require(\"time\")\nlocal function handler(input)\n  return { utc = time.now():iso() }\nend\nreturn { handler = handler }\n```\n\nThe tool current_time_utc returns the current UTC time.\n"),
        ]));

        var result = await host.CallAsync(Search, """{"query": "current time utc"}""");

        Assert.Equal("docs/lua/modules/time.md", (string?)result.Value!["pages"]![0]);
        Assert.StartsWith("## docs/lua/modules/time.md — time › time.now(zone?)", (string?)result.Value["results"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_returns_passages_under_their_page_path_and_headings()
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        var result = await host.CallAsync(Search, """{"query": "what is the current time in UTC?"}""");

        Assert.True(result.IsSuccess, result.ToString());
        var text = (string?)result.Value!["results"];
        Assert.StartsWith("## docs/lua/modules/time.md — time › time.now(zone?)\n## time.now(zone?)\n\nReturns the current time", text, StringComparison.Ordinal);
        Assert.Equal("docs/lua/modules/time.md", (string?)result.Value["pages"]![0]);
    }

    [Fact]
    public async Task Identifiers_match_by_their_parts()
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        var result = await host.CallAsync(Search, """{"query": "http get status code"}""");

        Assert.Equal("docs/lua/modules/http_client.md", (string?)result.Value!["pages"]![0]);
    }

    [Fact]
    public async Task Empty_arguments_ask_for_path_or_query()
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        var result = await host.CallAsync(Search, "{}");

        Assert.False(result.IsSuccess);
        Assert.Equal("provide either 'path' or 'query'", result.Error);
    }

    [Fact]
    public async Task A_query_without_searchable_words_is_explained()
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        CreateToolTests.AssertRefused(await host.CallAsync(Search, """{"query": "what is it?"}"""), "has no words to search for");
    }

    [Fact]
    public async Task A_query_that_matches_nothing_lists_the_pages()
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        var result = await host.CallAsync(Search, """{"query": "quantum entanglement"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.StartsWith("no passage matches 'quantum entanglement'", (string?)result.Value!["results"], StringComparison.Ordinal);
        Assert.Equal(3, result.Value["pages"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("docs/lua/modules/time.md")]
    [InlineData("modules/time.md")]
    [InlineData("lua/core/time")]
    [InlineData("time")]
    [InlineData("/docs/lua/modules/TIME.md")]
    public async Task A_page_is_found_by_its_path_or_a_short_form(string path)
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        var result = await host.CallAsync(Search, $$"""{"path": "{{path}}"}""");

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("docs/lua/modules/time.md", (string?)result.Value!["path"]);
        Assert.StartsWith("# time\n", (string?)result.Value["content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_page_lists_the_pages_there_are()
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        var result = await host.CallAsync(Search, """{"path": "lua/core/sql"}""");

        Assert.Equal("page not found: lua/core/sql; the pages are: docs/lua/guide/writing-a-tool.md, docs/lua/modules/http_client.md, docs/lua/modules/time.md", result.Error);
    }

    [Fact]
    public async Task A_long_page_is_cut_at_8000_characters_with_a_mark_that_says_how_to_read_on()
    {
        var body = new StringBuilder("# big\n\n");
        for (var i = 0; body.Length < 20_000; i++) body.Append("line ").Append(i).Append(" of a long page\n");
        var page = body.ToString();
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus(("docs/lua/big.md", page)));

        var first = await host.CallAsync(Search, """{"path": "big"}""");
        var second = await host.CallAsync(Search, """{"path": "big", "offset": 8000}""");
        var last = await host.CallAsync(Search, """{"path": "big", "offset": 16000}""");
        var past = await host.CallAsync(Search, $$"""{"path": "big", "offset": {{page.Length}}}""");

        var content = (string)first.Value!["content"]!;
        Assert.Equal(page[..8000], content[..8000]);
        Assert.Equal($"\n... (truncated: characters 0-8000 of {page.Length}; read on with {{\"path\": \"docs/lua/big.md\", \"offset\": 8000}})", content[8000..]);
        Assert.Equal(page[8000..16000], ((string)second.Value!["content"]!)[..8000]);
        Assert.Equal(page[16000..], (string?)last.Value!["content"]);
        CreateToolTests.AssertRefused(past, $"offset {page.Length} is past the end of docs/lua/big.md");
    }

    [Fact]
    public async Task Search_results_are_capped_at_5000_characters_with_a_visible_mark()
    {
        var pages = Enumerable.Range(1, 8).Select(i =>
            ($"docs/lua/p{i}.md", $"# clock page {i}\n\n" + string.Concat(Enumerable.Repeat("the clock ticks and the clock tocks. ", 60))))
            .ToArray();
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus(pages));

        var result = await host.CallAsync(Search, """{"query": "clock"}""");

        var text = (string)result.Value!["results"]!;
        // The query and the page list take their share of the cap.
        var room = 5000 - "clock".Length - result.Value["pages"]!.AsArray().Sum(p => ((string)p!).Length);
        var mark = text.IndexOf($"\n... (truncated: {room} of ", StringComparison.Ordinal);
        Assert.Equal(room, mark);
        Assert.EndsWith("characters; open a page with {\"path\": ...} to read it whole)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Headings_inside_code_fences_do_not_split_a_section()
    {
        var page = new DocPage("docs/lua/x.md", "# x\n\n## f()\n\n```lua\n# not a heading\n-- comment\n```\n\n## g()\n\ntext");

        var passages = DocPassage.Split(page);

        Assert.Equal(["x", "x › f()", "x › g()"], passages.Select(p => p.Heading).ToArray());
        Assert.Contains("# not a heading", passages[1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("time ")]   // words that match: the query comes back beside the passages
    [InlineData("zzqx ")]   // words that match nothing
    [InlineData("!! ")]     // no words at all: an error that quotes the query
    public async Task A_huge_query_is_echoed_within_the_cap_with_a_visible_mark(string repeated)
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());
        var query = string.Concat(Enumerable.Repeat(repeated, 2_000_000 / repeated.Length));

        var result = await host.CallAsync(Search, new System.Text.Json.Nodes.JsonObject { ["query"] = query });

        // Every text the answer holds, marks aside (JSON escapes do not count).
        var output = result.IsSuccess
            ? string.Concat(result.Value!.AsObject().Select(p => p.Value is System.Text.Json.Nodes.JsonArray a ? string.Concat(a.Select(v => (string?)v)) : (string?)p.Value))
            : result.Error!;
        var marks = output.Split(DocSearchTool.TruncationMark).Length - 1;
        Assert.True(output.Length <= DocSearchTool.MaxChars + (marks * 120), $"{output.Length} characters");
        Assert.Contains(DocSearchTool.TruncationMark, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_unknown_path_is_echoed_within_the_cap_with_a_visible_mark()
    {
        await using var host = ToolTestHost.InMemory(docs: SmallCorpus());

        var result = await host.CallAsync(Search, new System.Text.Json.Nodes.JsonObject { ["path"] = new string('p', 2_000_000) });

        Assert.False(result.IsSuccess);
        Assert.True(result.Error!.Length <= DocSearchTool.MaxChars, $"{result.Error.Length} characters");
        Assert.Contains(DocSearchTool.TruncationMark, result.Error, StringComparison.Ordinal);
        Assert.Contains("docs/lua/modules/time.md", result.Error, StringComparison.Ordinal);
    }
}
