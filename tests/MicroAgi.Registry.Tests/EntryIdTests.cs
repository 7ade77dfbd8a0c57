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

    [Theory]
    [InlineData(" a : b ", "entry id ' a : b ': the namespace starts or ends with a space")]
    [InlineData("a: b", "entry id 'a: b': the name starts or ends with a space")]
    [InlineData("a\u001b[2J:b", "entry id 'a\\u001B[2J:b': the namespace contains a control character (U+001B)")]
    [InlineData("a:b\nc", "entry id 'a:b\\u000Ac': the name contains a control character (U+000A)")]
    [InlineData("a:b\0", "the name contains a control character (U+0000)")]
    public void Refuses_control_characters_and_surrounding_spaces_and_shows_them_escaped(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => EntryId.Parse(text));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\u001b', ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_colon_in_a_namespace_given_on_its_own_is_refused_not_moved_into_the_name()
    {
        Assert.False(EntryId.TryCreate("a:b", "c", out _, out var reason));
        Assert.Contains("the namespace 'a:b' contains ':'", reason);
        Assert.Throws<ArgumentException>(() => new EntryId("a:b", "c"));
        Assert.Throws<ArgumentException>(() => new EntryId("a", "c\u001b"));
    }

    [Fact]
    public void Kinds_with_control_characters_or_surrounding_spaces_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => TestEntries.Plain("a:b", kind: "function.lua\u001b[31m"));
        Assert.Contains("the kind 'function.lua\\u001B[31m' contains a control character", ex.Message);
        Assert.Contains("starts or ends with a space", Assert.Throws<ArgumentException>(() => TestEntries.Plain("a:b", kind: " tool")).Message);
    }
}
