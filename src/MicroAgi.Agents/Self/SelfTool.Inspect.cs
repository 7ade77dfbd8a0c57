using System.Text;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Self;

public sealed partial class SelfTool
{
    /// <summary>Inspect: no key gives the summary; a key is a dot-path into nodes, values and runtime variables.</summary>
    private SelfOutcome Inspect(string? key)
    {
        if (key is null) return SelfOutcome.Done(Summary(), "inspect");
        if (key == RuntimeVars.Prefix) return SelfOutcome.Done($"{RuntimeVars.Prefix} ({_vars.Count}): {Show(key, _vars.ToJson())}", $"inspect {key}");
        if (RuntimeVarKey(key) is { } varKey)
        {
            return _vars.TryGet(varKey, out var stored)
                ? SelfOutcome.Done($"{RuntimeVars.Prefix}.{varKey}: {Show(varKey, stored)}", $"inspect {key}")
                : SelfOutcome.Fail("inspect", key, $"no runtime variable '{varKey}'; there are: {Listed(_vars.Keys)}");
        }

        var found = _surface.Find(key);
        if (!found.Found)
        {
            // A plain name that is no property may be a runtime variable (modify put it there).
            if (!key.Contains('.', StringComparison.Ordinal) && _vars.TryGet(key, out var stored))
                return SelfOutcome.Done($"{RuntimeVars.Prefix}.{key}: {Show(key, stored)}", $"inspect {key}");
            return SelfOutcome.Fail("inspect", key, found.Problem!);
        }
        var text = found.Member switch
        {
            SurfaceProperty property => $"{key}: {Show(key, property.Read())}  ({Describe(property)})",
            SurfaceMethod method => $"method {method.Signature()} — {method.Description}; use 'call' to invoke",
            SurfaceNode node => DescribeNode(key, node),
            _ => $"{key}: {Show(key, found.Value)}  (part of {found.Owner!.Name}, read-only here)",
        };
        return SelfOutcome.Done(text, $"inspect {key}");
    }

    /// <summary>The restricted parameters, the other settings, the runtime variables and where to look next.</summary>
    private string Summary()
    {
        var text = new StringBuilder();
        var writable = _surface.WritableProperties().ToList();
        foreach (var (path, property) in writable.Where(w => w.Property.Setter!.Restricted))
            text.Append(path).Append(": ").AppendLine(Show(path, property.Read()));
        var others = writable.Where(w => !w.Property.Setter!.Restricted).ToList();
        if (others.Count > 0)
        {
            text.AppendLine("other settings:");
            foreach (var (path, property) in others) text.Append("  ").Append(path).Append(": ").AppendLine(Show(path, property.Read()));
        }
        text.Append(RuntimeVars.Prefix).Append(" (").Append(_vars.Count).Append("): ").AppendLine(Listed(_vars.Keys));
        var nodes = _surface.Root.Children.OfType<SurfaceNode>().Select(n => n.Name);
        text.Append("more to inspect: ").Append(string.Join(", ", nodes)).Append(" (e.g. key=\"tools\")");
        return text.ToString();
    }

    private string DescribeNode(string path, SurfaceNode node)
    {
        var text = new StringBuilder().Append(path).Append(": ").AppendLine(node.Description);
        foreach (var child in node.Children)
        {
            var childPath = $"{path}.{child.Name}";
            text.Append("  ").AppendLine(child switch
            {
                SurfaceProperty property => $"{child.Name}: {Show(childPath, property.Read())}  ({Describe(property)})",
                SurfaceMethod method => $"{method.Signature()} — method; use 'call' to invoke",
                _ => $"{child.Name}: {child.Description} (inspect {childPath})",
            });
        }
        return text.ToString().TrimEnd();
    }

    private static string Describe(SurfaceProperty property) => property.Setter is { } setter
        ? $"{setter.Rule.Describe()}, writable, takes effect {setter.TakesEffect}"
        : "read-only";

    /// <summary>The variable named by <c>_runtime_vars.k</c>, or null for any other key.</summary>
    private static string? RuntimeVarKey(string key) =>
        key.StartsWith(RuntimeVars.Prefix + ".", StringComparison.Ordinal) ? key[(RuntimeVars.Prefix.Length + 1)..] : null;

    private static string Listed(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";
}
