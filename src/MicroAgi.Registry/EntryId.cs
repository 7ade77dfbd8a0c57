using System.Diagnostics.CodeAnalysis;

namespace MicroAgi.Registry;

/// <summary>
/// The identity of a registry entry: <c>namespace:name</c>. The string is split on the FIRST colon,
/// so names may contain further colons and dots; namespaces are dot-separated (<c>app.tools</c>) and
/// hold no colon. Neither part may be blank, hold a control character or start or end with a space.
/// </summary>
public readonly record struct EntryId
{
    public EntryId(string @namespace, string name)
        : this(@namespace, name, checkedAlready: false)
    {
    }

    private EntryId(string @namespace, string name, bool checkedAlready)
    {
        if (!checkedAlready && Problem(@namespace, name, text: null) is { } problem) throw new ArgumentException(problem);
        Namespace = @namespace;
        Name = name;
    }

    public string Namespace { get; }
    public string Name { get; }

    public static EntryId Parse(string text)
    {
        if (TryParse(text, out var id, out var error)) return id;
        throw new FormatException(error);
    }

    public static bool TryParse(string? text, out EntryId id) => TryParse(text, out id, out _);

    public static bool TryParse(string? text, out EntryId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "entry id is empty; write it as 'namespace:name'";
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = $"entry id '{IdText.Visible(text)}' has no ':'; write it as 'namespace:name'";
            return false;
        }
        return TryCreate(text[..colon], text[(colon + 1)..], out id, out error, text);
    }

    /// <summary>
    /// An id from its two parts, as an app file gives them; unlike joining them and parsing, a ':' in
    /// <paramref name="namespace"/> is refused rather than moved into the name.
    /// </summary>
    public static bool TryCreate(string @namespace, string name, out EntryId id, [NotNullWhen(false)] out string? error) =>
        TryCreate(@namespace, name, out id, out error, text: null);

    public override string ToString() => $"{Namespace}:{Name}";

    // Problems are returned as reasons rather than thrown: callers such as the YAML loaders turn them
    // into errors that name the file and line.
    private static bool TryCreate(string @namespace, string name, out EntryId id, [NotNullWhen(false)] out string? error, string? text)
    {
        error = Problem(@namespace, name, text);
        id = error is null ? new EntryId(@namespace, name, checkedAlready: true) : default;
        return error is null;
    }

    // Ids are checked on every parse (the store reads thousands at start-up): the message is built only
    // when there is something wrong. <paramref name="text"/> is the id as written, when it was one string.
    private static string? Problem(string @namespace, string name, string? text)
    {
        string Shown() => $"entry id '{IdText.Visible(text ?? $"{@namespace}:{name}")}'";
        if (string.IsNullOrWhiteSpace(@namespace)) return $"{Shown()} has an empty namespace; write it as 'namespace:name'";
        if (string.IsNullOrWhiteSpace(name)) return $"{Shown()} has an empty name; write it as 'namespace:name'";
        if (@namespace.Contains(':', StringComparison.Ordinal))
            return $"{Shown()}: the namespace '{IdText.Visible(@namespace)}' contains ':', which separates namespace from name; separate namespace parts with dots (a.b)";
        if (IdText.Problem(@namespace) is { } nsProblem) return $"{Shown()}: the namespace {nsProblem}";
        if (IdText.Problem(name) is { } nameProblem) return $"{Shown()}: the name {nameProblem}";
        return null;
    }
}
