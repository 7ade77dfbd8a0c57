using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace MicroAgi.Functions.Schema;

/// <summary>
/// <c>pattern</c> with a bounded regex: the package's own keyword matches without a timeout, and
/// <c>^(a+)+$</c> against 30 characters took 44 s. Each match here stops after
/// <see cref="MatchTimeout"/>, and none starts once the call's <see cref="ValidationBudget"/> is spent.
/// </summary>
internal sealed class BoundedPatternKeyword : Json.Schema.Keywords.PatternKeyword
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static new BoundedPatternKeyword Instance { get; } = new();

    public override object? ValidateKeywordValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) throw new JsonSchemaException($"'pattern' must be a regular expression string, found {value.ValueKind}");
        try
        {
            return new Regex(value.GetString()!, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new JsonSchemaException($"'pattern' is not a valid regular expression: {e.Message}");
        }
    }

    public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        if (context.Instance.ValueKind != JsonValueKind.String) return KeywordEvaluation.Ignore;
        var regex = (Regex)keyword.Value!;
        string? error = null;
        if (ValidationBudget.Of(context.Options) is { } budget && budget.Spent is { } spent) error = spent;
        else
        {
            try
            {
                if (!regex.IsMatch(context.Instance.GetString()!)) error = $"must match the pattern {regex}";
            }
            catch (RegexMatchTimeoutException)
            {
                error = $"the pattern {regex} took longer than {MatchTimeout.TotalMilliseconds:0} ms to check; send a shorter value";
            }
        }
        return new KeywordEvaluation { Keyword = Name, IsValid = error is null, Error = error };
    }
}

/// <summary>
/// <c>patternProperties</c> is refused: its regexes run inside the package without a timeout, so a
/// tool schema could stall every call. <c>propertyNames</c> with a <c>pattern</c> is the bounded way.
/// </summary>
internal sealed class RefusedPatternPropertiesKeyword : Json.Schema.Keywords.PatternPropertiesKeyword
{
    public static new RefusedPatternPropertiesKeyword Instance { get; } = new();

    public override object? ValidateKeywordValue(JsonElement value) =>
        throw new JsonSchemaException("'patternProperties' is not supported (its regular expressions cannot be bounded in time); use 'additionalProperties' with a schema, and 'propertyNames' with a 'pattern' to restrict the names");

}
