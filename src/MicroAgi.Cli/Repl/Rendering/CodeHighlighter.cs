using System.Collections.Frozen;

namespace MicroAgi.Cli.Repl.Rendering;

/// <summary>What a piece of source is, for its colour.</summary>
internal enum TokenKind
{
    Plain,
    Keyword,
    String,
    Number,
    Comment,
}

/// <summary>A run of source of one <see cref="TokenKind"/>.</summary>
internal readonly record struct Token(string Text, TokenKind Kind);

/// <summary>
/// Colours source one line at a time, as a terminal shows it: keywords, strings, numbers and comments of Lua (the
/// language generated tools are written in) and of the languages answers quote most. A lexer, not a parser:
/// it only has to look right, and a language it does not know comes out plain. A block comment or long string
/// that spans lines is carried in <see cref="State"/>.
/// </summary>
internal sealed class CodeHighlighter
{
    private static readonly FrozenDictionary<string, Language> Languages = BuildLanguages();
    private readonly Language? _language;

    /// <summary>The closing delimiter of a comment or string still open at the end of the last line, if any.</summary>
    private (string Close, TokenKind Kind)? _open;

    /// <param name="language">A fence's info word (<c>lua</c>, <c>python</c>, <c>cs</c>, …); unknown or empty: plain.</param>
    public CodeHighlighter(string? language) =>
        _language = language is not null && Languages.TryGetValue(language.Trim().ToLowerInvariant(), out var known) ? known : null;

    /// <summary>The tokens of <paramref name="line"/> (no line break), given the lines before it.</summary>
    public IReadOnlyList<Token> Line(string line)
    {
        if (_language is not { } language) return [new Token(line, TokenKind.Plain)];
        var tokens = new List<Token>();
        var i = 0;
        if (_open is { } open) i = Close(line, 0, open.Close, open.Kind, tokens);
        var plainStart = i;
        while (i < line.Length)
        {
            var start = TokenAt(language, line, i, out var end, out var kind, out var close);
            if (start < 0)
            {
                i++;
                continue;
            }
            if (plainStart < i) tokens.Add(new Token(line[plainStart..i], TokenKind.Plain));
            if (close is not null)
            {
                // A delimiter opened here closes on this line or a later one.
                var opened = line[i..end];
                var closedAt = line.IndexOf(close, end, StringComparison.Ordinal);
                if (closedAt < 0)
                {
                    tokens.Add(new Token(line[i..], kind));
                    _open = (close, kind);
                    return tokens;
                }
                tokens.Add(new Token(line[i..(closedAt + close.Length)], kind));
                i = closedAt + close.Length;
            }
            else
            {
                tokens.Add(new Token(line[i..end], kind));
                i = end;
            }
            plainStart = i;
        }
        if (plainStart < line.Length) tokens.Add(new Token(line[plainStart..], TokenKind.Plain));
        return tokens;
    }

    private int Close(string line, int from, string close, TokenKind kind, List<Token> tokens)
    {
        var at = line.IndexOf(close, from, StringComparison.Ordinal);
        if (at < 0)
        {
            tokens.Add(new Token(line, kind));
            return line.Length;
        }
        _open = null;
        var end = at + close.Length;
        tokens.Add(new Token(line[..end], kind));
        return end;
    }

    /// <returns><paramref name="i"/> when a token starts there (its end and kind set; <paramref name="close"/> set when it is
    /// a delimited block that may span lines), else -1.</returns>
    private static int TokenAt(Language language, string line, int i, out int end, out TokenKind kind, out string? close)
    {
        close = null;
        var c = line[i];
        foreach (var (opening, closing) in language.Blocks)
        {
            if (string.CompareOrdinal(line, i, opening, 0, opening.Length) != 0) continue;
            end = i + opening.Length;
            kind = opening.StartsWith('"') || opening.StartsWith('[') ? TokenKind.String : TokenKind.Comment;
            close = closing;
            return i;
        }
        foreach (var comment in language.LineComments)
        {
            if (string.CompareOrdinal(line, i, comment, 0, comment.Length) != 0) continue;
            end = line.Length;
            kind = TokenKind.Comment;
            return i;
        }
        if (language.Quotes.Contains(c))
        {
            end = StringEnd(line, i);
            kind = TokenKind.String;
            return i;
        }
        var previousIsWord = i > 0 && (char.IsLetterOrDigit(line[i - 1]) || line[i - 1] == '_');
        if (!previousIsWord && char.IsAsciiDigit(c))
        {
            end = i + 1;
            while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] is '.' or '_')) end++;
            kind = TokenKind.Number;
            return i;
        }
        if (!previousIsWord && (char.IsLetter(c) || c == '_'))
        {
            end = i + 1;
            while (end < line.Length && (char.IsLetterOrDigit(line[end]) || line[end] == '_')) end++;
            if (language.Keywords.Contains(line[i..end]))
            {
                kind = TokenKind.Keyword;
                return i;
            }
        }
        end = i;
        kind = TokenKind.Plain;
        return -1;
    }

    /// <summary>The end of the quoted string starting at <paramref name="start"/> (backslash escapes), or the line's end.</summary>
    private static int StringEnd(string line, int start)
    {
        var quote = line[start];
        for (var i = start + 1; i < line.Length; i++)
        {
            if (line[i] == '\\') i++;
            else if (line[i] == quote) return i + 1;
        }
        return line.Length;
    }

    private sealed record Language(FrozenSet<string> Keywords, string[] LineComments, (string Open, string Close)[] Blocks, string Quotes);

    private static FrozenDictionary<string, Language> BuildLanguages()
    {
        static FrozenSet<string> Words(string words) => words.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
        (string, string)[] cBlock = [("/*", "*/")];
        var lua = new Language(Words("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"),
            ["--"], [("--[[", "]]"), ("[[", "]]")], "\"'");
        var python = new Language(Words("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self"),
            ["#"], [("\"\"\"", "\"\"\"")], "\"'");
        var js = new Language(Words("async await break case catch class const continue default delete do else export extends false finally for from function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while yield interface type enum implements"),
            ["//"], cBlock, "\"'`");
        var cs = new Language(Words("abstract as async await base bool break byte case catch char class const continue decimal default delegate do double else enum event false finally float for foreach get if in init int interface internal is let lock long namespace new null object out override params private protected public readonly record ref return sealed set static string struct switch this throw true try typeof uint ulong using var virtual void when where while yield"),
            ["//"], cBlock, "\"'");
        var shell = new Language(Words("if then else elif fi for while until do done case esac in function return local export echo exit set"),
            ["#"], [], "\"'");
        var json = new Language(Words("true false null"), [], [], "\"");
        var go = new Language(Words("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false"),
            ["//"], cBlock, "\"'`");
        var rust = new Language(Words("as async await break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while"),
            ["//"], cBlock, "\"");
        var c = new Language(Words("auto break case char class const continue default do double else enum extern false float for if int long namespace new nullptr private protected public return short signed sizeof static struct switch template this true typedef union unsigned using void volatile while boolean extends final implements import package throws"),
            ["//"], cBlock, "\"'");
        var sql = new Language(Words("select from where and or not insert into values update set delete create table drop alter join left right inner outer on group by order having limit as null is in like distinct union SELECT FROM WHERE AND OR NOT INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE DROP ALTER JOIN LEFT RIGHT INNER OUTER ON GROUP BY ORDER HAVING LIMIT AS NULL IS IN LIKE DISTINCT UNION"),
            ["--"], cBlock, "'");
        var yaml = new Language(Words("true false null yes no"), ["#"], [], "\"'");
        var map = new Dictionary<string, Language>(StringComparer.Ordinal)
        {
            ["lua"] = lua,
            ["python"] = python, ["py"] = python,
            ["javascript"] = js, ["js"] = js, ["typescript"] = js, ["ts"] = js, ["jsx"] = js, ["tsx"] = js,
            ["csharp"] = cs, ["cs"] = cs, ["c#"] = cs,
            ["bash"] = shell, ["sh"] = shell, ["shell"] = shell, ["zsh"] = shell, ["console"] = shell,
            ["json"] = json, ["jsonc"] = json,
            ["go"] = go, ["golang"] = go,
            ["rust"] = rust, ["rs"] = rust,
            ["c"] = c, ["cpp"] = c, ["c++"] = c, ["h"] = c, ["java"] = c, ["kotlin"] = c,
            ["sql"] = sql,
            ["yaml"] = yaml, ["yml"] = yaml,
        };
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
