using System.Globalization;
using System.Text;

namespace MicroAgi.Agents.Tools.Generated;

/// <summary>
/// The rule for the name of a generated tool: 1 to 64 characters of <c>[a-z0-9_]</c>, starting with
/// a letter. The name becomes the entry id <c>app.generated:&lt;name&gt;</c> and the function name the
/// LLM sees, so anything that could reach another namespace (<c>:</c>, <c>.</c>, <c>/</c>), hide in a
/// terminal (control characters, whitespace) or impersonate another tool (upper case, Unicode
/// look-alikes) is refused here, before the security policy is even asked.
/// </summary>
public static class GeneratedToolName
{
    public const int MaxLength = 64;

    private const string Rule = "use 1 to 64 lower-case ASCII letters a-z, digits 0-9 and _, starting with a letter (e.g. current_time_utc)";

    /// <summary>Why <paramref name="name"/> is not a valid tool name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return $"name is empty; {Rule}";
        if (name.Length > MaxLength)
            return string.Create(CultureInfo.InvariantCulture, $"name is {name.Length} characters long, at most {MaxLength} are allowed; {Rule}");
        if (!char.IsAsciiLetterLower(name[0]))
            return $"name '{Printable(name)}' starts with {Describe(name[0])}; {Rule}";
        for (var i = 1; i < name.Length; i++)
        {
            var c = name[i];
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                return string.Create(CultureInfo.InvariantCulture, $"name '{Printable(name)}' contains {Describe(c)} at position {i + 1}; {Rule}");
        }
        return null;
    }

    /// <summary>The text with every character outside printable ASCII shown as <c>\uXXXX</c>, so a hostile name cannot garble the message.</summary>
    public static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Length > 80 ? text[..80] : text)
        {
            if (c is >= ' ' and <= '~') builder.Append(c);
            else builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }
        if (text.Length > 80) builder.Append('…');
        return builder.ToString();
    }

    private static string Describe(char c) => c switch
    {
        ':' => "':' (a name cannot choose its namespace)",
        '.' => "'.' (a name cannot choose its namespace)",
        '/' or '\\' => $"'{c}' (a name is not a path)",
        _ when char.IsAsciiLetterUpper(c) => $"the upper-case letter '{c}' (write it in lower case)",
        _ when char.IsWhiteSpace(c) => $"whitespace U+{(int)c:X4}",
        _ when char.IsControl(c) => $"the control character U+{(int)c:X4}",
        _ when c > '~' => $"the non-ASCII character U+{(int)c:X4}",
        _ => $"'{c}'",
    };
}
