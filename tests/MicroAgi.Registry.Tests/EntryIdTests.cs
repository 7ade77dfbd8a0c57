namespace MicroAgi.Registry.Tests;

public class EntryIdTests
{
    [Fact]
    public void Splits_on_the_first_colon_so_names_may_contain_colons_and_dots()
    {
        var id = EntryId.Parse("app.tools:weird:name.v2");
        Assert.Equal("app.tools", id.Namespace);
        Assert.Equal("weird:name.v2", id.Name);
        Assert.Equal("app.tools:weird:name.v2", id.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("noколон", "no ':'")]
    [InlineData(":name", "empty namespace")]
    [InlineData("app:", "empty name")]
    [InlineData("app: ", "empty name")]
    [InlineData(" :x", "empty namespace")]
    [InlineData("\t:\t", "empty namespace")]
    public void Rejects_ids_without_namespace_or_name_with_a_message_that_says_why(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => EntryId.Parse(text));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("namespace:name", ex.Message);
        Assert.False(EntryId.TryParse(text, out _, out var reason));
        Assert.Equal(ex.Message, reason);
    }

    [Fact]
    public void Ids_with_equal_parts_are_equal()
    {
        Assert.Equal(EntryId.Parse("a:b"), new EntryId("a", "b"));
        Assert.NotEqual(EntryId.Parse("a:b"), EntryId.Parse("a.b:c"));
    }
}
