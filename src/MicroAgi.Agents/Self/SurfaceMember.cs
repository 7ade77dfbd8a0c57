using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MicroAgi.Agents.Self;

/// <summary>
/// A named place on the <see cref="RuntimeSurface"/>: a node holding others, a property holding a value,
/// or a declared method. Nothing reaches the surface unless a component publishes it — there is no
/// reflection, so what the agent can see and touch is exactly what is listed here.
/// </summary>
public abstract partial class SurfaceMember
{
    protected SurfaceMember(string name, string description)
    {
        if (!ValidName().IsMatch(name ?? ""))
            throw new ArgumentException($"'{name}' is not a surface name (letters, digits and _, at most 64, not starting with a digit)", nameof(name));
        if (SecretMask.IsSecretName(name!))
            throw new ArgumentException($"'{name}' looks like a credential; credentials are never published on the runtime surface", nameof(name));
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Name = name!;
        Description = description;
    }

    public string Name { get; }

    /// <summary>One line saying what it is, shown by inspect.</summary>
    public string Description { get; }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ValidName();
}

/// <summary>A group of members (<c>tools</c>, <c>context</c>, <c>usage</c>). Components add their own children.</summary>
public sealed class SurfaceNode(string name, string description) : SurfaceMember(name, description)
{
    private readonly Lock _gate = new();
    private readonly List<SurfaceMember> _children = [];

    /// <summary>The children in the order they were published.</summary>
    public IReadOnlyList<SurfaceMember> Children
    {
        get
        {
            lock (_gate) return [.. _children];
        }
    }

    public SurfaceMember? Find(string name)
    {
        lock (_gate) return _children.Find(c => string.Equals(c.Name, name, StringComparison.Ordinal));
    }

    /// <summary>Publishes <paramref name="member"/> here; a name is published once (remove it first to replace it).</summary>
    public SurfaceNode Add(SurfaceMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_gate)
        {
            if (_children.Exists(c => c.Name == member.Name))
                throw new InvalidOperationException($"'{member.Name}' is already published in '{Name}'");
            _children.Add(member);
        }
        return this;
    }

    /// <summary>The child node <paramref name="name"/>, created when absent.</summary>
    public SurfaceNode Node(string name, string description)
    {
        lock (_gate)
        {
            switch (_children.Find(c => c.Name == name))
            {
                case SurfaceNode node:
                    return node;
                case null:
                    var created = new SurfaceNode(name, description);
                    _children.Add(created);
                    return created;
                default:
                    throw new InvalidOperationException($"'{name}' in '{Name}' is published already, and is not a node");
            }
        }
    }

    /// <summary>Takes a member off the surface (a component that went away).</summary>
    public bool Remove(string name)
    {
        lock (_gate) return _children.RemoveAll(c => c.Name == name) > 0;
    }
}

/// <summary>A value the agent can read and, when it has a <see cref="SurfaceSetter"/>, change.</summary>
public sealed class SurfaceProperty(string name, string description, Func<JsonNode?> read, SurfaceSetter? setter = null)
    : SurfaceMember(name, description)
{
    private readonly Func<JsonNode?> _read = read ?? throw new ArgumentNullException(nameof(read));

    public SurfaceSetter? Setter { get; } = setter;

    /// <summary>The value now, as JSON (a fresh copy: the caller may keep or change it).</summary>
    public JsonNode? Read() => _read();
}

/// <summary>
/// How a writable property changes: its type and range (<see cref="Rule"/>), when the change takes effect,
/// how to apply an accepted value and how to go back to the configured one.
/// </summary>
public sealed class SurfaceSetter
{
    public required ValueRule Rule { get; init; }

    /// <summary>Applies a value <see cref="Rule"/> accepted (already coerced to the property's type).</summary>
    public required Action<JsonNode> Apply { get; init; }

    /// <summary>Puts the configured value back.</summary>
    public required Action Reset { get; init; }

    /// <summary>Whether the value differs from the configured one (snapshots record only what was changed).</summary>
    public required Func<bool> IsChanged { get; init; }

    /// <summary>When a change takes effect, as inspect says it.</summary>
    public string TakesEffect { get; init; } = "from the next step";

    /// <summary>One of the seed's restricted parameters: listed by inspect without a key, guarded by the watchdog.</summary>
    public bool Restricted { get; init; }
}

/// <summary>A declared operation the agent can <c>call</c>, with the JSON Schema of its arguments.</summary>
public sealed class SurfaceMethod : SurfaceMember
{
    private readonly Func<JsonObject, CancellationToken, Task<JsonNode?>> _invoke;

    public SurfaceMethod(string name, string description, JsonObject parameters, Func<JsonObject, CancellationToken, Task<JsonNode?>> invoke)
        : base(name, description)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        Schema = MicroAgi.Functions.Schema.InputSchema.Compile(parameters, $"method {name} parameters");
        _invoke = invoke ?? throw new ArgumentNullException(nameof(invoke));
    }

    /// <summary>A method without parameters that answers at once.</summary>
    public SurfaceMethod(string name, string description, Func<JsonNode?> invoke)
        : this(name, description, new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            (_, _) => Task.FromResult(invoke()))
    {
    }

    /// <summary>The JSON Schema of the arguments object.</summary>
    public JsonObject Parameters { get; }

    internal MicroAgi.Functions.Schema.InputSchema Schema { get; }

    public Task<JsonNode?> InvokeAsync(JsonObject arguments, CancellationToken cancellationToken) => _invoke(arguments, cancellationToken);

    /// <summary><c>name(a: string, b?: integer)</c>: the signature inspect shows.</summary>
    public string Signature()
    {
        var required = (Parameters["required"] as JsonArray)?.Select(r => (string?)r).ToHashSet() ?? [];
        var parameters = (Parameters["properties"] as JsonObject ?? []).Select(p =>
            $"{p.Key}{(required.Contains(p.Key) ? "" : "?")}: {(p.Value as JsonObject)?["type"]?.ToJsonString().Trim('"') ?? "any"}");
        return $"{Name}({string.Join(", ", parameters)})";
    }
}
