using System.Diagnostics.CodeAnalysis;

namespace MicroAgi.Registry;

/// <summary>
/// The identity of a registry entry: <c>namespace:name</c>. The string is split on the FIRST colon,
/// so names may contain further colons and dots; namespaces are dot-separated (<c>app.tools</c>).
/// </summary>
public readonly record struct EntryId
{
    public EntryId(string @namespace, string name)
    {
        if (string.IsNullOrWhiteSpace(@namespace))
            throw new ArgumentException("entry id has an empty namespace; write it as 'namespace:name'", nameof(@namespace));
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"entry id '{@namespace}:' has an empty name; write it as 'namespace:name'", nameof(name));
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
            error = $"entry id '{text}' has no ':'; write it as 'namespace:name'";
            return false;
        }
        // Blank parts are refused here, with a reason, rather than by the constructor's exception:
        // callers such as the YAML loaders turn the reason into an error that names the file and line.
        if (text.AsSpan(0, colon).IsWhiteSpace())
        {
            error = $"entry id '{text}' has an empty namespace; write it as 'namespace:name'";
            return false;
        }
        if (text.AsSpan(colon + 1).IsWhiteSpace())
        {
            error = $"entry id '{text}' has an empty name; write it as 'namespace:name'";
            return false;
        }
        id = new EntryId(text[..colon], text[(colon + 1)..]);
        error = null;
        return true;
    }

    public override string ToString() => $"{Namespace}:{Name}";
}
