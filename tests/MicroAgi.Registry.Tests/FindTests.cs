using System.Text.Json.Nodes;

namespace MicroAgi.Registry.Tests;

public class FindTests
{
    private static readonly EntryRegistry Registry = EntryRegistry.CreateInMemory([
        TestEntries.Tool("app.tools:doc_search", "Search the docs"),
        TestEntries.Tool("app.tools:create_tool", "Create a tool"),
        TestEntries.Tool("app.generated:clock", "Tell the time", kind: "function.native"),
        TestEntries.Plain("app:gpt", meta: new JsonObject { ["type"] = "llm.model", ["class"] = new JsonArray("reasoning"), ["priority"] = 210, ["pricing"] = new JsonObject { ["input"] = 2.5 } }),
        TestEntries.Plain("app:nano", meta: new JsonObject { ["type"] = "llm.model", ["class"] = new JsonArray("fast"), ["priority"] = 100 }),
        TestEntries.Plain("app:deny", kind: "security.policy"),
    ]);

    private static string[] Ids(EntryQuery query) => Registry.Find(query).Select(e => e.Id.ToString()).ToArray();

    [Fact]
    public void Kind_glob_matches_every_kind_with_that_prefix()
    {
        Assert.Equal(["app.generated:clock", "app.tools:create_tool", "app.tools:doc_search"], Ids(EntryQuery.ByKind("function.*")));
        Assert.Equal(["app.tools:create_tool", "app.tools:doc_search"], Ids(EntryQuery.ByKind("function.lua")));
        Assert.Equal(["app.generated:clock"], Ids(EntryQuery.ByKind("*.native")));
    }

    [Fact]
    public void Namespace_is_exact_and_excludes_sub_namespaces()
    {
        Assert.Equal(["app:deny", "app:gpt", "app:nano"], Ids(EntryQuery.ByNamespace("app")));
        Assert.Empty(Ids(EntryQuery.ByNamespace("app.tool")));
    }

    [Fact]
    public void Name_is_exact()
    {
        Assert.Equal(["app.generated:clock"], Ids(new EntryQuery { Name = "clock" }));
    }

    [Theory]
    [InlineData(MetaMatch.Exact, "Search the docs", "app.tools:doc_search")]
    [InlineData(MetaMatch.Contains, "the", "app.generated:clock,app.tools:doc_search")]
    [InlineData(MetaMatch.Prefix, "Create", "app.tools:create_tool")]
    [InlineData(MetaMatch.Suffix, "time", "app.generated:clock")]
    [InlineData(MetaMatch.Regex, "^(Tell|Create) ", "app.generated:clock,app.tools:create_tool")]
    public void Meta_fields_match_exactly_by_regex_contains_prefix_and_suffix(MetaMatch match, string value, string expected)
    {
        Assert.Equal(expected.Split(','), Ids(EntryQuery.ByMeta("comment", value, match)));
    }

    [Fact]
    public void Meta_arrays_match_when_any_element_matches_and_numbers_by_their_text()
    {
        Assert.Equal(["app:gpt"], Ids(EntryQuery.ByMeta("class", "reasoning")));
        Assert.Equal(["app:nano"], Ids(EntryQuery.ByMeta("priority", "100")));
        Assert.Equal(["app:gpt"], Ids(EntryQuery.ByMeta("pricing.input", "2.5")));
    }

    [Fact]
    public void All_criteria_must_hold()
    {
        var query = new EntryQuery { Kind = "registry.entry", Namespace = "app" }.WithMeta("type", "llm.model").WithMeta("class", "fast");
        Assert.Equal(["app:nano"], Ids(query));
    }

    [Fact]
    public void An_invalid_meta_regex_is_a_clear_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => Registry.Find(EntryQuery.ByMeta("comment", "([", MetaMatch.Regex)));
        Assert.Contains("invalid regex '(['", ex.Message);
    }

    [Fact]
    public void A_meta_regex_that_would_backtrack_exponentially_runs_on_the_linear_engine()
    {
        var hostile = EntryRegistry.CreateInMemory([TestEntries.Tool("app.tools:x", new string('a', 64) + "!")]);

        // (a+)+$ on 64 a's and a '!' takes ~2^64 steps on a backtracking engine; here it simply does not match.
        Assert.Empty(hostile.Find(EntryQuery.ByMeta("comment", "^(a+)+$", MetaMatch.Regex)));
        Assert.Single(hostile.Find(EntryQuery.ByMeta("comment", "^(a+)+!$", MetaMatch.Regex)));
    }

    [Fact]
    public void Lookarounds_still_work_and_a_pattern_that_runs_away_is_an_error_not_a_silent_miss()
    {
        var hostile = EntryRegistry.CreateInMemory([TestEntries.Tool("app.tools:x", new string('a', 64) + "!")]);

        Assert.Single(hostile.Find(EntryQuery.ByMeta("comment", "a(?=!)", MetaMatch.Regex)));
        // A backreference forces the backtracking engine, whose timeout ends the search with a reason.
        var ex = Assert.Throws<ArgumentException>(() => hostile.Find(EntryQuery.ByMeta("comment", @"^(a+)+\1$", MetaMatch.Regex)));
        Assert.Contains("took longer than", ex.Message, StringComparison.Ordinal);
        Assert.Contains("simplify", ex.Message, StringComparison.Ordinal);
    }
}
