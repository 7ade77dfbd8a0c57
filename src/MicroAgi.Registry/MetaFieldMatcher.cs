using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MicroAgi.Registry;

/// <summary>Evaluates <see cref="MetaFilter"/>s against an entry's meta.</summary>
internal sealed class MetaFieldMatcher
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    private readonly MetaFilter _filter;
    private readonly string[] _path;
    private readonly Regex? _regex;

    public MetaFieldMatcher(MetaFilter filter)
    {
        _filter = filter;
        _path = filter.Field.Split('.');
        if (filter.Match == MetaMatch.Regex)
        {
            try
            {
                _regex = Compile(filter.Value);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"meta filter on '{filter.Field}': invalid regex '{filter.Value}': {ex.Message}", nameof(filter), ex);
            }
        }
    }

    public bool Matches(Entry entry)
    {
        var node = entry.Meta;
        foreach (var segment in _path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(segment, out node)) return false;
        }
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in node.EnumerateArray())
            {
                if (MatchesScalar(item)) return true;
            }
            return false;
        }
        return MatchesScalar(node);
    }

    private bool MatchesScalar(JsonElement value)
    {
        // The common case (exact string) compares in place, without materialising the string.
        if (_filter.Match == MetaMatch.Exact && value.ValueKind == JsonValueKind.String) return value.ValueEquals(_filter.Value);
        var text = ScalarText(value);
        if (text is null) return false;
        return _filter.Match switch
        {
            MetaMatch.Exact => string.Equals(text, _filter.Value, StringComparison.Ordinal),
            MetaMatch.Contains => text.Contains(_filter.Value, StringComparison.Ordinal),
            MetaMatch.Prefix => text.StartsWith(_filter.Value, StringComparison.Ordinal),
            MetaMatch.Suffix => text.EndsWith(_filter.Value, StringComparison.Ordinal),
            MetaMatch.Regex => MatchesRegex(text),
            _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"unknown match mode {_filter.Match}")),
        };
    }

    /// <summary>The text a scalar compares by (<c>210</c>, <c>true</c>), or null for objects and arrays.</summary>
    public static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => null,
    };

    /// <summary>
    /// Matches in time linear in the text wherever the pattern allows it; only patterns that need
    /// backtracking (lookarounds, backreferences) run on the backtracking engine, under a timeout.
    /// </summary>
    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
    }

    private bool MatchesRegex(string text)
    {
        try
        {
            return _regex!.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // A silent "no match" would hide entries; the caller learns the pattern is the problem.
            throw new ArgumentException(
                $"meta filter on '{_filter.Field}': regex '{_filter.Value}' took longer than {RegexTimeout.TotalMilliseconds:0} ms on one value; " +
                "simplify it (avoid nested repetition with lookarounds or backreferences)");
        }
    }
}
