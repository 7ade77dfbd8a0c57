using System.Text.Json;
using Json.Schema;

namespace MicroAgi.Functions.Schema;

/// <summary>
/// <c>pattern</c> checked by <see cref="SchemaPattern"/> within the validation's budget: the package's
/// own keyword matches without a timeout (<c>^(a+)+$</c> against 30 characters took 44 s).
/// </summary>
internal sealed class BoundedPatternKeyword : Json.Schema.Keywords.PatternKeyword
{
    public static new BoundedPatternKeyword Instance { get; } = new();

    public override object? ValidateKeywordValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) throw new JsonSchemaException($"'pattern' must be a regular expression string, found {value.ValueKind}");
        try
        {
            return new SchemaPattern(value.GetString()!);
        }
        catch (ArgumentException e)
        {
            throw new JsonSchemaException($"'pattern' is not a valid regular expression: {e.Message}");
        }
    }

    public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        if (context.Instance.ValueKind != JsonValueKind.String) return KeywordEvaluation.Ignore;
        var pattern = (SchemaPattern)keyword.Value!;
        var budget = ValidationBudget.Of(context.Options);
        var error = budget?.Spent ?? pattern.Check(context.Instance.GetString()!, budget?.Deadline ?? ValidationBudget.DeadlineIn(InputSchema.DefaultTimeout));
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
