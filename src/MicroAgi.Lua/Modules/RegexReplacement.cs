using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// A .NET replacement pattern (<c>$1</c>, <c>${name}</c>, <c>$$</c>, <c>$&amp;</c>, <c>$`</c>,
/// <c>$'</c>, <c>$+</c>, <c>$_</c>), parsed once with the rules of <c>Match.Result</c>. It exists
/// because <c>Match.Result</c> builds its text before anyone can see how long it is: a short pattern
/// repeating a long group builds gigabytes. Here the length is known first, so it can be paid for.
/// </summary>
internal sealed class RegexReplacement
{
    private readonly List<Part> _parts = [];
    private readonly int _lastGroup;

    public RegexReplacement(Regex regex, string pattern)
    {
        var numbers = regex.GetGroupNumbers();
        _lastGroup = numbers[^1];
        var literal = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i++];
            if (c != '$' || i >= pattern.Length || Reference(regex, numbers, pattern, ref i) is not { } reference)
            {
                literal.Append(c);
                continue;
            }
            if (reference.Kind == PartKind.Literal)
            {
                literal.Append(reference.Text);
                continue;
            }
            Flush(literal);
            _parts.Add(reference);
        }
        Flush(literal);
    }

    private enum PartKind
    {
        Literal,
        Group,
        BeforeMatch,
        AfterMatch,
        WholeInput,
    }

    private sealed record Part(PartKind Kind, string Text = "", int Group = 0);

    /// <summary>The length of the replacement of <paramref name="match"/> in <paramref name="input"/>.</summary>
    public long LengthFor(Match match, string input) => _parts.Sum(part => (long)Span(part, match, input).Length);

    public void AppendTo(StringBuilder output, Match match, string input)
    {
        foreach (var part in _parts) output.Append(Span(part, match, input));
    }

    private static ReadOnlySpan<char> Span(Part part, Match match, string input) => part.Kind switch
    {
        PartKind.Literal => part.Text,
        PartKind.Group => match.Groups[part.Group].ValueSpan,
        PartKind.BeforeMatch => input.AsSpan(0, match.Index),
        PartKind.AfterMatch => input.AsSpan(match.Index + match.Length),
        _ => input,
    };

    private void Flush(StringBuilder literal)
    {
        if (literal.Length == 0) return;
        _parts.Add(new Part(PartKind.Literal, literal.ToString()));
        literal.Clear();
    }

    /// <summary>
    /// The reference after a '$' at <paramref name="i"/> (advancing past it), or null when the '$' is
    /// literal — the same decisions as .NET's replacement parser.
    /// </summary>
    private Part? Reference(Regex regex, int[] numbers, string pattern, ref int i)
    {
        var c = pattern[i];
        var braced = c == '{';
        var at = braced ? i + 1 : i;
        if (at < pattern.Length && char.IsAsciiDigit(pattern[at]))
        {
            var end = at;
            while (end < pattern.Length && char.IsAsciiDigit(pattern[end])) end++;
            var closed = !braced || (end < pattern.Length && pattern[end] == '}');
            if (closed && int.TryParse(pattern.AsSpan(at, end - at), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && numbers.Contains(number))
            {
                i = braced ? end + 1 : end;
                return new Part(PartKind.Group, Group: number);
            }
            return null;
        }
        if (braced)
        {
            var end = at;
            while (end < pattern.Length && IsWordCharacter(pattern[end])) end++;
            if (end == at || end >= pattern.Length || pattern[end] != '}') return null;
            var group = regex.GroupNumberFromName(pattern[at..end]);
            if (group < 0) return null;
            i = end + 1;
            return new Part(PartKind.Group, Group: group);
        }
        Part? special = c switch
        {
            '$' => new Part(PartKind.Literal, "$"),
            '&' => new Part(PartKind.Group, Group: 0),
            '`' => new Part(PartKind.BeforeMatch),
            '\'' => new Part(PartKind.AfterMatch),
            '+' => new Part(PartKind.Group, Group: _lastGroup),
            '_' => new Part(PartKind.WholeInput),
            _ => null,
        };
        if (special is not null) i++;
        return special;
    }

    private static bool IsWordCharacter(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.ConnectorPunctuation;
}
