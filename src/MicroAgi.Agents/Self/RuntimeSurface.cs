using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Self;

/// <summary>What a dot-path reaches: a member, a value inside a property's value, or nothing (and why).</summary>
public sealed record SurfaceLookup(string Path, SurfaceMember? Member, SurfaceProperty? Owner, JsonNode? Value, string? Problem)
{
    public bool Found => Problem is null;

    /// <summary>True when the path goes inside a property's value (<c>usage.session.cost_usd</c>, <c>tools.active.0</c>).</summary>
    public bool IsInnerValue => Found && Member is null;
}

/// <summary>
/// The tree of named nodes a session publishes for the self tool. Components publish their own nodes
/// (<see cref="Publish"/>): a subagent manager its running tasks, a built-in tool its settings. Provider
/// objects, credentials, the transport and the loop's running flag are never published, and a member whose
/// name reads like a credential is refused.
/// </summary>
public sealed class RuntimeSurface
{
    /// <summary>Names agents reach for in other runtimes that are deliberately absent here.</summary>
    private static readonly HashSet<string> NeverPublished = new(StringComparer.OrdinalIgnoreCase)
    {
        "provider", "providers", "client", "clients", "chat_client", "transport", "http", "http_client", "bus",
        "_running", "running", "credentials", "api_key", "api_keys", "env", "environment",
    };

    public SurfaceNode Root { get; } = new("runtime", "The agent's own runtime");

    /// <summary>Publishes <paramref name="member"/> under the node at <paramref name="parentPath"/> ("" for the top level),
    /// creating the nodes on the way.</summary>
    public void Publish(string parentPath, SurfaceMember member)
    {
        ArgumentNullException.ThrowIfNull(parentPath);
        ArgumentNullException.ThrowIfNull(member);
        var node = Root;
        foreach (var segment in parentPath.Split('.', StringSplitOptions.RemoveEmptyEntries)) node = node.Node(segment, $"{segment} (published by a component)");
        node.Add(member);
    }

    /// <summary>Takes the member at <paramref name="path"/> off the surface.</summary>
    public bool Unpublish(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var dot = path.LastIndexOf('.');
        var parent = dot < 0 ? Root : Find(path[..dot]).Member as SurfaceNode;
        return parent?.Remove(path[(dot + 1)..]) ?? false;
    }

    /// <summary>Whether <paramref name="name"/> is something the surface never holds, with the reason to tell the agent.</summary>
    public static string? NeverPublishedReason(string name) =>
        NeverPublished.Contains(name) || name.StartsWith("__", StringComparison.Ordinal) || SecretMask.IsSecretName(name)
            ? $"'{name}' is not on the runtime surface: provider objects, credentials, the transport and the loop's running flag are never exposed"
            : null;

    /// <summary>Follows a dot-path through nodes, then into a property's value by object key or list index.</summary>
    public SurfaceLookup Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('.');
        if (segments.Any(s => s.Length == 0)) return Missing(path, $"'{path}' is not a path: use names separated by dots, e.g. usage.session");
        SurfaceMember current = Root;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var walked = string.Join('.', segments[..i]);
            switch (current)
            {
                case SurfaceNode node:
                    if (NeverPublishedReason(segment) is { } reason) return Missing(path, reason);
                    var child = node.Find(segment);
                    if (child is null)
                    {
                        var where = walked.Length == 0 ? "at the top level" : $"in '{walked}'";
                        return Missing(path, $"'{segment}' does not exist {where}; there is: {string.Join(", ", node.Children.Select(c => c.Name))}");
                    }
                    current = child;
                    break;
                case SurfaceProperty property:
                    return Inside(path, property, property.Read(), segments[i..], walked);
                case SurfaceMethod:
                    return Missing(path, $"'{walked}' is a method; nothing is inside it (use 'call' to invoke it)");
            }
        }
        return new SurfaceLookup(path, current, null, null, null);
    }

    /// <summary>Every member with its path, depth first, in publishing order.</summary>
    public IEnumerable<(string Path, SurfaceMember Member)> Walk() => Walk(Root, "");

    /// <summary>Every writable property with its path.</summary>
    public IEnumerable<(string Path, SurfaceProperty Property)> WritableProperties() =>
        Walk().Where(m => m.Member is SurfaceProperty { Setter: not null }).Select(m => (m.Path, (SurfaceProperty)m.Member));

    private static IEnumerable<(string Path, SurfaceMember Member)> Walk(SurfaceNode node, string prefix)
    {
        foreach (var child in node.Children)
        {
            var path = prefix.Length == 0 ? child.Name : $"{prefix}.{child.Name}";
            yield return (path, child);
            if (child is SurfaceNode inner)
            {
                foreach (var nested in Walk(inner, path)) yield return nested;
            }
        }
    }

    private static SurfaceLookup Inside(string path, SurfaceProperty owner, JsonNode? value, string[] rest, string walked)
    {
        foreach (var segment in rest)
        {
            switch (value)
            {
                case JsonObject obj when obj.TryGetPropertyValue(segment, out var inner):
                    value = inner;
                    break;
                case JsonObject obj:
                    return Missing(path, $"'{walked}' has no '{segment}'; it has: {string.Join(", ", obj.Select(p => p.Key))}");
                case JsonArray array when int.TryParse(segment, out var index) && index >= 0 && index < array.Count:
                    value = array[index];
                    break;
                case JsonArray array:
                    return Missing(path, $"'{walked}' is a list of {array.Count}; '{segment}' is not an index from 0 to {array.Count - 1}");
                default:
                    return Missing(path, $"'{walked}' is a single value; nothing is inside it");
            }
            walked = $"{walked}.{segment}";
        }
        return new SurfaceLookup(path, null, owner, value, null);
    }

    private static SurfaceLookup Missing(string path, string problem) => new(path, null, null, null, problem);
}
