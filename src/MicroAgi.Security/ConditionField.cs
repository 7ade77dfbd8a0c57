using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace MicroAgi.Security;

/// <summary>
/// Where a condition reads its value: <c>actor.id</c>, <c>actor.meta.&lt;path&gt;</c>, <c>action</c>,
/// <c>resource</c> or <c>meta.&lt;path&gt;</c> (request meta). Paths are dot-separated object keys; a
/// segment that is a whole number indexes a list (<c>actor.meta.roles.0</c>).
/// </summary>
internal sealed class ConditionField
{
    private const string ActorMetaPrefix = "actor.meta";
    private const string RequestMetaPrefix = "meta";

    private readonly Source _source;
    private readonly string[] _path;

    private ConditionField(Source source, string[] path)
    {
        _source = source;
        _path = path;
    }

    private enum Source
    {
        ActorId,
        ActorMeta,
        Action,
        Resource,
        RequestMeta,
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out ConditionField? field, [NotNullWhen(false)] out string? error)
    {
        field = text switch
        {
            "actor.id" => new ConditionField(Source.ActorId, []),
            "action" => new ConditionField(Source.Action, []),
            "resource" => new ConditionField(Source.Resource, []),
            _ => null,
        };
        error = null;
        if (field is not null) return true;

        if (TrySplitPath(text, ActorMetaPrefix, out var path, out error)) field = new ConditionField(Source.ActorMeta, path);
        else if (error is null && TrySplitPath(text, RequestMetaPrefix, out path, out error)) field = new ConditionField(Source.RequestMeta, path);
        if (field is not null) return true;

        error ??= $"unknown field '{text}'; use actor.id, actor.meta.<path>, action, resource or meta.<path>";
        return false;
    }

    public FieldValue Resolve(in EvaluationContext context) => _source switch
    {
        Source.ActorId => FieldValue.OfString(context.Actor.Id),
        Source.Action => FieldValue.OfString(context.Action),
        Source.Resource => FieldValue.OfString(context.Resource),
        Source.ActorMeta => Walk(context.Actor.Meta),
        _ => Walk(context.Meta),
    };

    private FieldValue Walk(JsonElement node)
    {
        foreach (var segment in _path)
        {
            if (node.ValueKind == JsonValueKind.Object)
            {
                if (!node.TryGetProperty(segment, out node)) return FieldValue.Missing;
            }
            else if (node.ValueKind == JsonValueKind.Array
                     && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                     && index < node.GetArrayLength())
            {
                node = node[index];
            }
            else
            {
                return FieldValue.Missing;
            }
        }
        return FieldValue.OfJson(node);
    }

    /// <summary>
    /// Splits <c>prefix.a.b</c> into [a, b]. Returns false with no error when the text does not start
    /// with the prefix at all, and false with an error when it does but the path is malformed.
    /// </summary>
    private static bool TrySplitPath(string text, string prefix, out string[] path, out string? error)
    {
        path = [];
        error = null;
        if (text == prefix) return true;
        if (!text.StartsWith(prefix + ".", StringComparison.Ordinal)) return false;
        path = text[(prefix.Length + 1)..].Split('.');
        if (path.Any(segment => segment.Length == 0))
        {
            error = $"field '{text}' has an empty path segment; write it as {prefix}.key or {prefix}.key.subkey";
            return false;
        }
        return true;
    }
}
