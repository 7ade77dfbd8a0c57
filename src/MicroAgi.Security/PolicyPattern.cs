namespace MicroAgi.Security;

/// <summary>
/// An action or resource pattern. The rules are deliberately tiny (ported exactly from Wippy):
/// <c>*</c> matches everything; a pattern ending in <c>*</c> matches every value that starts with
/// what precedes the <c>*</c>; anything else matches only itself. There is no other wildcard, so
/// <c>app:*</c> matches <c>app:x</c> but not <c>app.generated:x</c>, and <c>a*b</c> is a literal.
/// </summary>
public readonly struct PolicyPattern : IEquatable<PolicyPattern>
{
    private readonly string? _prefix;

    public PolicyPattern(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        _prefix = text.Length > 1 && text[^1] == '*' ? text[..^1] : null;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    public bool MatchesEverything => Text == "*";

    public static bool Matches(string pattern, string value) => new PolicyPattern(pattern).Matches(value);

    public bool Matches(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (MatchesEverything) return true;
        if (string.Equals(Text, value, StringComparison.Ordinal)) return true;
        return _prefix is not null && value.StartsWith(_prefix, StringComparison.Ordinal);
    }

    public bool Equals(PolicyPattern other) => string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is PolicyPattern other && Equals(other);

    public override int GetHashCode() => Text is null ? 0 : StringComparer.Ordinal.GetHashCode(Text);

    public static bool operator ==(PolicyPattern left, PolicyPattern right) => left.Equals(right);

    public static bool operator !=(PolicyPattern left, PolicyPattern right) => !left.Equals(right);

    public override string ToString() => Text;
}
