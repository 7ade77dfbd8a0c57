namespace MicroAgi.Security.Tests;

public sealed class PolicyPatternTests
{
    [Theory]
    [InlineData("")]
    [InlineData("create")]
    [InlineData("app:x")]
    [InlineData("app.generated:x")]
    [InlineData("*")]
    public void Star_matches_every_value(string value) => Assert.True(PolicyPattern.Matches("*", value));

    [Theory]
    [InlineData("app:dev_assistant", true)]
    [InlineData("app:dev_assistant2", false)]
    [InlineData("app:dev", false)]
    [InlineData("APP:dev_assistant", false)]
    [InlineData("", false)]
    public void Exact_pattern_matches_only_itself(string value, bool expected) =>
        Assert.Equal(expected, PolicyPattern.Matches("app:dev_assistant", value));

    [Theory]
    [InlineData("app:x", true)]
    [InlineData("app:", true)]
    [InlineData("app:x.y:z", true)]
    [InlineData("app", false)]
    [InlineData("App:x", false)]
    public void Pattern_ending_in_star_is_a_prefix_match(string value, bool expected) =>
        Assert.Equal(expected, PolicyPattern.Matches("app:*", value));

    [Theory]
    [InlineData("app.generated:x")]
    [InlineData("app.tools:doc_search")]
    [InlineData("apps:x")]
    public void Namespace_prefix_does_not_match_a_sub_namespace(string value) =>
        Assert.False(PolicyPattern.Matches("app:*", value));

    [Fact]
    public void Prefix_is_textual_so_a_star_right_after_the_namespace_name_reaches_sub_namespaces()
    {
        Assert.True(PolicyPattern.Matches("app*", "app.generated:x"));
        Assert.True(PolicyPattern.Matches("app.*", "app.tools:doc_search"));
        Assert.False(PolicyPattern.Matches("app.*", "app:x"));
    }

    [Theory]
    [InlineData("a*b", "a*b", true)]
    [InlineData("a*b", "axb", false)]
    [InlineData("*:x", "app:x", false)]
    [InlineData("*:x", "*:x", true)]
    public void Star_that_is_not_last_is_a_literal_character(string pattern, string value, bool expected) =>
        Assert.Equal(expected, PolicyPattern.Matches(pattern, value));

    [Fact]
    public void Pattern_keeps_its_text_and_compares_by_it()
    {
        var pattern = new PolicyPattern("app.tools:*");
        Assert.Equal("app.tools:*", pattern.Text);
        Assert.Equal("app.tools:*", pattern.ToString());
        Assert.Equal(new PolicyPattern("app.tools:*"), pattern);
        Assert.NotEqual(new PolicyPattern("app:*"), pattern);
        Assert.False(pattern.MatchesEverything);
        Assert.True(new PolicyPattern("*").MatchesEverything);
    }
}
