using System.Text;

namespace MicroAgi.Cli.Repl.Rendering;

/// <summary>The style of a markdown block (a heading's, a quote's) that a line's inline styles add to.</summary>
internal enum Style
{
    None,
    Heading,
    Bold,
    Italic,
}

/// <summary>The inline styles open at a point of a line.</summary>
internal struct Inline
{
    public bool Bold;
    public bool Italic;
    public bool Strike;
    public bool Code;
    public bool Link;
    public bool Url;
}

/// <summary>The SGR escape sequences the renderers write (and only these: every text they show is made visible first).</summary>
internal static class Ansi
{
    public const string Reset = "\u001b[0m";
    public const string Bold = "\u001b[1m";
    public const string Dim = "\u001b[2m";
    public const string DimItalic = "\u001b[2;3m";

    // The 4-bit colours: the terminal's own green and red, as Spectre's [green] and [red] show them.
    public const string Green = "\u001b[32m";
    public const string Red = "\u001b[31m";

    /// <summary>The sequence that sets exactly <paramref name="block"/> with <paramref name="inline"/> (after a reset).</summary>
    public static string For(Style block, Inline inline)
    {
        var codes = new List<string> { "0" };
        if (block is Style.Heading or Style.Bold || inline.Bold) codes.Add("1");
        if (block == Style.Heading) codes.Add("4");
        if (block == Style.Italic || inline.Italic) codes.Add("3");
        if (inline.Strike) codes.Add("9");
        if (inline.Code) codes.Add("36");
        if (inline.Link) codes.Add("4;34");
        if (inline.Url) codes.Add("2");
        return "\u001b[" + string.Join(';', codes) + "m";
    }

    /// <summary>The colour of a kind of source token (as <see cref="ToolCallDisplay"/> colours it through Spectre).</summary>
    public static string For(TokenKind kind) => kind switch
    {
        TokenKind.Keyword => "\u001b[35m",
        TokenKind.String => "\u001b[32m",
        TokenKind.Number => "\u001b[36m",
        TokenKind.Comment => "\u001b[90m",
        _ => "",
    };

    /// <summary>How many columns <paramref name="text"/> takes: its length without the SGR sequences written here.</summary>
    public static int VisibleLength(string text) => Strip(text).Length;

    /// <summary><paramref name="text"/> without the SGR sequences (for tests and widths).</summary>
    public static string Strip(string text)
    {
        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u001b')
            {
                while (i < text.Length && text[i] != 'm') i++;
                continue;
            }
            plain.Append(text[i]);
        }
        return plain.ToString();
    }
}
