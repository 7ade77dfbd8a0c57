using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>
/// One <c>{field, operator, value}</c> condition of a policy. All conditions of a policy must hold for
/// it to apply. Semantics (also in docs/security.md): numbers compare numerically, strings ordinally,
/// values of different types are never equal nor ordered; a missing field (absent or null) makes every
/// positive operator false and every negated one (ne, nin, nexists, ncontains, nmatches) true.
/// </summary>
public sealed class PolicyCondition
{
    private readonly ConditionField _field;
    private readonly Regex? _regex;
    private readonly EntryId _policyId;
    private readonly int _index;

    internal PolicyCondition(EntryId policyId, int index, string field, ConditionField resolvedField,
        ConditionOperator op, JsonElement value, Regex? regex)
    {
        _policyId = policyId;
        _index = index;
        Field = field;
        _field = resolvedField;
        Operator = op;
        Value = value;
        _regex = regex;
    }

    /// <summary>The field as written, e.g. <c>actor.meta.role</c>.</summary>
    public string Field { get; }

    public ConditionOperator Operator { get; }

    /// <summary>The value as written; undefined for <c>exists</c>/<c>nexists</c> written without one.</summary>
    public JsonElement Value { get; }

    internal bool Holds(in EvaluationContext context)
    {
        var actual = _field.Resolve(context);
        return Operator switch
        {
            ConditionOperator.Eq => actual.EqualsJson(Value),
            ConditionOperator.Ne => !actual.EqualsJson(Value),
            ConditionOperator.Lt => actual.TryCompareTo(Value, out var order) && order < 0,
            ConditionOperator.Gt => actual.TryCompareTo(Value, out var order) && order > 0,
            ConditionOperator.Lte => actual.TryCompareTo(Value, out var order) && order <= 0,
            ConditionOperator.Gte => actual.TryCompareTo(Value, out var order) && order >= 0,
            ConditionOperator.In => IsIn(actual),
            ConditionOperator.Nin => !IsIn(actual),
            ConditionOperator.Exists => actual.Exists,
            ConditionOperator.Nexists => !actual.Exists,
            ConditionOperator.Contains => Contains(actual),
            ConditionOperator.Ncontains => !Contains(actual),
            ConditionOperator.Matches => Matches(actual),
            ConditionOperator.Nmatches => !Matches(actual),
            _ => throw new InvalidOperationException($"operator {Operator} has no evaluation rule"),
        };
    }

    public override string ToString() =>
        Value.ValueKind == JsonValueKind.Undefined ? $"{Field} {Operator.Name()}" : $"{Field} {Operator.Name()} {JsonText.Render(Value)}";

    private bool IsIn(FieldValue actual)
    {
        foreach (var candidate in Value.EnumerateArray())
        {
            if (actual.EqualsJson(candidate)) return true;
        }
        return false;
    }

    private bool Contains(FieldValue actual)
    {
        if (actual.TryGetString(out var text))
            return Value.ValueKind == JsonValueKind.String && text.Contains(Value.GetString()!, StringComparison.Ordinal);
        if (!actual.TryGetArray(out var items)) return false;
        foreach (var item in items.EnumerateArray())
        {
            if (JsonValues.AreEqual(item, Value)) return true;
        }
        return false;
    }

    private bool Matches(FieldValue actual)
    {
        if (!actual.TryGetString(out var text)) return false;
        try
        {
            return _regex!.IsMatch(text);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new PolicyEvaluationException(_policyId, string.Create(CultureInfo.InvariantCulture,
                $"policy.conditions[{_index}] ({this}) gave up after {ex.MatchTimeout.TotalMilliseconds:0} ms on a {text.Length}-character value; simplify the pattern (avoid nested quantifiers such as (a+)+)"),
                ex);
        }
    }
}
