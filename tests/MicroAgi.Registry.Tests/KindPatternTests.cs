namespace MicroAgi.Registry.Tests;

public class KindPatternTests
{
    [Theory]
    [InlineData("function.lua", "function.lua", true)]
    [InlineData("function.lua", "function.luax", false)]
    [InlineData("function.*", "function.lua", true)]
    [InlineData("function.*", "function.", true)]
    [InlineData("function.*", "functions.lua", false)]
    [InlineData("*.lua", "function.lua", true)]
    [InlineData("*.lua", "function.lua.bak", false)]
    [InlineData("*", "", true)]
    [InlineData("**", "anything", true)]
    [InlineData("f*n*a", "function.lua", true)]
    [InlineData("f*n*x", "function.lua", false)]
    [InlineData("*a*a*", "banana", true)]
    [InlineData("*aaa*", "banana", false)]
    [InlineData("a*b*c", "abcbc", true)]
    [InlineData("a*bc", "abcbd", false)]
    public void Star_matches_any_run_of_characters_and_everything_else_matches_itself(string pattern, string kind, bool expected) =>
        Assert.Equal(expected, KindPattern.Matches(pattern, kind));

    [Fact]
    public void A_run_of_stars_that_cannot_match_is_refused_without_trying_every_split()
    {
        // Trying every split point for each star takes C(text + stars, stars) steps: about 10^10 here.
        var pattern = new string('*', 30) + "x";
        Assert.False(KindPattern.Matches(pattern, "function.lua.with.a.longer.kind.name"));
        Assert.True(KindPattern.Matches(pattern, "function.lua.with.a.longer.kind.namex"));
    }

    [Fact]
    public void Find_by_a_many_star_kind_glob_returns()
    {
        var registry = EntryRegistry.CreateInMemory([TestEntries.Tool("app:a"), TestEntries.Plain("app:b", "security.policy")]);
        Assert.Empty(registry.Find(EntryQuery.ByKind(new string('*', 40) + "x")));
        Assert.Equal(["app:a"], registry.Find(EntryQuery.ByKind("*" + new string('*', 40) + "lua")).Select(e => e.Id.ToString()));
    }
}
