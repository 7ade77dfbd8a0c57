using System.Text.Json;
using System.Text.RegularExpressions;
using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>
/// Reads a policy out of an entry's data (<c>policy: {actions, resources, effect, conditions?}</c> and
/// <c>groups: [...]</c>) and rejects anything malformed with a message saying what to write instead.
/// Unknown keys inside <c>policy</c> and inside a condition are errors: a misspelt <c>conditions</c>
/// would otherwise silently widen a policy.
/// </summary>
internal static class PolicyParser
{
    private static readonly HashSet<string> PolicyKeys = new(["actions", "resources", "effect", "conditions"], StringComparer.Ordinal);
    private static readonly HashSet<string> ConditionKeys = new(["field", "operator", "value"], StringComparer.Ordinal);

    public static Policy Parse(Entry entry, TimeSpan regexTimeout)
    {
        var id = entry.Id;
        var groups = ParseGroups(entry);
        if (!entry.Data.TryGetProperty("policy", out var body) || body.ValueKind == JsonValueKind.Null)
            throw Invalid(id, "it has no 'policy'; write policy: {actions: ..., resources: ..., effect: allow|deny}");
        if (body.ValueKind != JsonValueKind.Object)
            throw Invalid(id, $"'policy' must be an object with actions, resources and effect, not {JsonText.Describe(body.ValueKind)}");
        foreach (var property in body.EnumerateObject())
        {
            if (!PolicyKeys.Contains(property.Name))
                throw Invalid(id, $"'policy' has an unknown key '{property.Name}'; the keys are actions, resources, effect and conditions");
        }
        var actions = ParsePatterns(id, body, "actions");
        var resources = ParsePatterns(id, body, "resources");
        var effect = ParseEffect(id, body);
        var conditions = ParseConditions(id, body, regexTimeout);
        return new Policy(id, actions, resources, effect, conditions, groups);
    }

    /// <summary>
    /// The entry's groups as scope ids. A group without a namespace takes the policy's own namespace.
    /// Checks the kind too, so a catalogue can tell which scopes a broken policy belongs to.
    /// </summary>
    public static IReadOnlyList<EntryId> ParseGroups(Entry entry)
    {
        var id = entry.Id;
        if (!string.Equals(entry.Kind, Policy.Kind, StringComparison.Ordinal))
            throw Invalid(id, $"the entry is of kind '{entry.Kind}', not '{Policy.Kind}'");
        if (!entry.Data.TryGetProperty("groups", out var groups) || groups.ValueKind == JsonValueKind.Null) return [];
        List<(string Name, string Where)> names = groups.ValueKind switch
        {
            JsonValueKind.String => [(groups.GetString()!, "groups")],
            JsonValueKind.Array => groups.EnumerateArray().Select((item, i) => (Name: GroupName(id, item, i), Where: $"groups[{i}]")).ToList(),
            _ => throw Invalid(id, $"'groups' must be a group name or a list of group names, not {JsonText.Describe(groups.ValueKind)}"),
        };
        var result = new List<EntryId>();
        foreach (var (name, where) in names)
        {
            var group = QualifyGroup(id, name, where);
            if (!result.Contains(group)) result.Add(group);
        }
        return result;
    }

    private static string GroupName(EntryId id, JsonElement item, int index) =>
        item.ValueKind == JsonValueKind.String
            ? item.GetString()!
            : throw Invalid(id, $"'groups[{index}]' is {JsonText.Describe(item.ValueKind)}; every group name must be a string");

    private static EntryId QualifyGroup(EntryId id, string name, string where)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw Invalid(id, $"'{where}' is empty; name the group, e.g. agent_security");
        if (!name.Contains(':', StringComparison.Ordinal)) return new EntryId(id.Namespace, name);
        if (EntryId.TryParse(name, out var group, out var error)) return group;
        throw Invalid(id, $"'{where}' ('{name}') is not a valid group: {error}");
    }

    private static PolicyPattern[] ParsePatterns(EntryId id, JsonElement body, string key)
    {
        var where = $"policy.{key}";
        const string Advice = "give one pattern (\"*\", \"app:*\", \"create\") or a list of them";
        if (!body.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            throw Invalid(id, $"'{where}' is missing; {Advice}");
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return [Pattern(id, value.GetString()!, where, Advice)];
            case JsonValueKind.Array:
                if (value.GetArrayLength() == 0) throw Invalid(id, $"'{where}' is an empty list; {Advice}");
                return value.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.String
                    ? Pattern(id, item.GetString()!, $"{where}[{i}]", Advice)
                    : throw Invalid(id, $"'{where}[{i}]' is {JsonText.Describe(item.ValueKind)}; every pattern must be a string")).ToArray();
            default:
                throw Invalid(id, $"'{where}' must be a string or a list of strings, not {JsonText.Describe(value.ValueKind)}");
        }
    }

    private static PolicyPattern Pattern(EntryId id, string text, string where, string advice) =>
        text.Length == 0 ? throw Invalid(id, $"'{where}' is an empty string; {advice}") : new PolicyPattern(text);

    private static PolicyEffect ParseEffect(EntryId id, JsonElement body)
    {
        if (!body.TryGetProperty("effect", out var value) || value.ValueKind == JsonValueKind.Null)
            throw Invalid(id, "'policy.effect' is missing; use 'allow' or 'deny'");
        if (value.ValueKind != JsonValueKind.String)
            throw Invalid(id, $"'policy.effect' must be 'allow' or 'deny', not {JsonText.Describe(value.ValueKind)}");
        return value.GetString() switch
        {
            "allow" => PolicyEffect.Allow,
            "deny" => PolicyEffect.Deny,
            var other => throw Invalid(id, $"'policy.effect' is '{other}'; use 'allow' or 'deny'"),
        };
    }

    private static PolicyCondition[] ParseConditions(EntryId id, JsonElement body, TimeSpan regexTimeout)
    {
        if (!body.TryGetProperty("conditions", out var list) || list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array)
            throw Invalid(id, $"'policy.conditions' must be a list of {{field, operator, value}} objects, not {JsonText.Describe(list.ValueKind)}");
        return list.EnumerateArray().Select((item, i) => ParseCondition(id, item, i, regexTimeout)).ToArray();
    }

    private static PolicyCondition ParseCondition(EntryId id, JsonElement item, int index, TimeSpan regexTimeout)
    {
        var where = $"policy.conditions[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
            throw Invalid(id, $"'{where}' must be an object {{field, operator, value}}, not {JsonText.Describe(item.ValueKind)}");
        foreach (var property in item.EnumerateObject())
        {
            if (!ConditionKeys.Contains(property.Name))
                throw Invalid(id, $"'{where}' has an unknown key '{property.Name}'; the keys are field, operator and value");
        }

        if (!item.TryGetProperty("field", out var fieldValue) || fieldValue.ValueKind != JsonValueKind.String)
            throw Invalid(id, $"'{where}.field' is {Missing(fieldValue)}; name what to test: actor.id, actor.meta.<path>, action, resource or meta.<path>");
        var fieldText = fieldValue.GetString()!;
        if (!ConditionField.TryParse(fieldText, out var field, out var fieldError))
            throw Invalid(id, $"'{where}.field': {fieldError}");

        if (!item.TryGetProperty("operator", out var opValue) || opValue.ValueKind != JsonValueKind.String)
            throw Invalid(id, $"'{where}.operator' is {Missing(opValue)}; use one of {ConditionOperatorNames.AllNames}");
        var opText = opValue.GetString()!;
        if (!ConditionOperatorNames.TryParse(opText, out var op))
            throw Invalid(id, $"'{where}.operator' '{opText}' is not an operator; use one of {ConditionOperatorNames.AllNames}");

        item.TryGetProperty("value", out var value);
        var regex = CheckValue(id, $"{where}.value", op, value, regexTimeout);
        return new PolicyCondition(id, index, fieldText, field, op, value.ValueKind == JsonValueKind.Undefined ? default : value.Clone(), regex);
    }

    /// <summary>Checks the value fits the operator; returns the compiled regex for matches/nmatches.</summary>
    private static Regex? CheckValue(EntryId id, string where, ConditionOperator op, JsonElement value, TimeSpan regexTimeout)
    {
        var name = op.Name();
        var kind = value.ValueKind;
        if (op is ConditionOperator.Exists or ConditionOperator.Nexists)
        {
            if (kind is JsonValueKind.Undefined or JsonValueKind.True) return null;
            throw Invalid(id, $"'{where}' must be left out for {name} (it tests only whether the field is there; use {(op == ConditionOperator.Exists ? "nexists" : "exists")} for the opposite)");
        }

        var (fits, need) = op switch
        {
            ConditionOperator.Lt or ConditionOperator.Gt or ConditionOperator.Lte or ConditionOperator.Gte =>
                (kind is JsonValueKind.Number or JsonValueKind.String, "a number or a string"),
            ConditionOperator.In or ConditionOperator.Nin => (kind == JsonValueKind.Array, "a list of values"),
            ConditionOperator.Matches or ConditionOperator.Nmatches => (kind == JsonValueKind.String, "a regular expression string"),
            _ => (true, "a value to compare with"),
        };
        if (kind is JsonValueKind.Undefined or JsonValueKind.Null)
            throw Invalid(id, $"'{where}' is missing; {name} needs {need} (to test whether a field is there, use exists or nexists)");
        if (!fits)
            throw Invalid(id, $"'{where}' must be {need} for {name}, not {JsonText.Describe(kind)}");
        if (op is not (ConditionOperator.Matches or ConditionOperator.Nmatches)) return null;
        try
        {
            return new Regex(value.GetString()!, RegexOptions.CultureInvariant, regexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(id, $"'{where}' is not a valid .NET regular expression: {ex.Message}");
        }
    }

    private static string Missing(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? "missing" : $"{JsonText.Describe(value.ValueKind)}, not a string";

    private static InvalidPolicyException Invalid(EntryId id, string problem) => new(id, problem);
}
