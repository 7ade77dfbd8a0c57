using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Self;

/// <summary>
/// The type and range of a writable property, and how a given JSON value becomes one: coercion is allowed
/// only where nothing is lost (<c>"80"</c> → 80, <c>80.0</c> → 80), never where something would be
/// (<c>3.9</c> → 3) or where the type is something else (<c>true</c> is not a number).
/// </summary>
public abstract class ValueRule
{
    /// <summary>What the property takes, e.g. <c>int 1–100</c>.</summary>
    public abstract string Describe();

    /// <summary>The value as the property's type, or why it is not one (naming <paramref name="key"/>).</summary>
    public abstract bool TryAccept(string key, JsonNode? value, out JsonNode accepted, out string error);

    internal static string Shown(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"'{v.GetValue<string>()}'",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => $"{v.ToJsonString()} (a boolean)",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => value.ToJsonString(),
    };

    internal static string Number(double value) =>
        double.IsInteger(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A JSON number, or a string holding one (<c>"80"</c>); null for anything else.</summary>
    internal static decimal? AsNumber(JsonNode? value)
    {
        if (value is not JsonValue v) return null;
        switch (v.GetValueKind())
        {
            case JsonValueKind.Number:
                // Through the JSON text: a value read from a property may hold an int or a double, not a decimal.
                return decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
            case JsonValueKind.String:
                var text = v.GetValue<string>().Trim();
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            default:
                return null;
        }
    }
}

/// <summary>A whole number in [<see cref="Min"/>, <see cref="Max"/>]; <see cref="Max"/> may follow the state (a limit writable only downwards).</summary>
public sealed class IntegerRule(long min, Func<long> max, Func<string?>? extraCheck = null) : ValueRule
{
    public IntegerRule(long min, long max) : this(min, () => max) { }

    public long Min { get; } = min;
    public long Max => max();

    public override string Describe() => $"int {Number(Min)}–{Number(Max)}";

    public override bool TryAccept(string key, JsonNode? value, out JsonNode accepted, out string error)
    {
        accepted = null!;
        error = "";
        var expected = $"{key} must be a whole number from {Number(Min)} to {Number(Max)}";
        var number = AsNumber(value);
        if (number is null)
        {
            error = $"{expected}, not {Shown(value)}";
            return false;
        }
        if (number.Value != decimal.Truncate(number.Value))
        {
            error = $"{expected}, not {Shown(value)} (making it whole would change it)";
            return false;
        }
        if (number.Value < Min || number.Value > Max)
        {
            error = $"{expected}, not {Number((double)number.Value)}";
            return false;
        }
        if (extraCheck?.Invoke() is { } problem)
        {
            error = $"{key} cannot be set: {problem}";
            return false;
        }
        accepted = JsonValue.Create((long)number.Value);
        return true;
    }
}

/// <summary>A number in [<see cref="Min"/>, <see cref="Max"/>].</summary>
public sealed class NumberRule(double min, double max, Func<string?>? extraCheck = null) : ValueRule
{
    public double Min { get; } = min;
    public double Max { get; } = max;

    public override string Describe() => $"number {Number(Min)}–{Number(Max)}";

    public override bool TryAccept(string key, JsonNode? value, out JsonNode accepted, out string error)
    {
        accepted = null!;
        error = "";
        var number = AsNumber(value);
        if (number is null || (double)number.Value < Min || (double)number.Value > Max)
        {
            error = $"{key} must be a number from {Number(Min)} to {Number(Max)}, not {Shown(value)}";
            return false;
        }
        if (extraCheck?.Invoke() is { } problem)
        {
            error = $"{key} cannot be set: {problem}";
            return false;
        }
        accepted = JsonValue.Create((double)number.Value);
        return true;
    }
}

/// <summary>Non-empty text, checked by <paramref name="check"/> (which returns what is wrong, or null).</summary>
public sealed class TextRule(string description, Func<string, string?>? check = null) : ValueRule
{
    public override string Describe() => description;

    public override bool TryAccept(string key, JsonNode? value, out JsonNode accepted, out string error)
    {
        accepted = null!;
        error = "";
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetValue<string>()))
        {
            error = $"{key} must be {description}, not {(value is JsonValue s && s.GetValueKind() == JsonValueKind.String ? "empty text" : Shown(value))}";
            return false;
        }
        var text = v.GetValue<string>().Trim();
        if (check?.Invoke(text) is { } problem)
        {
            error = problem;
            return false;
        }
        accepted = JsonValue.Create(text);
        return true;
    }
}

/// <summary><c>true</c> or <c>false</c> (also given as the strings "true" and "false").</summary>
public sealed class BooleanRule : ValueRule
{
    public override string Describe() => "bool";

    public override bool TryAccept(string key, JsonNode? value, out JsonNode accepted, out string error)
    {
        accepted = null!;
        error = "";
        bool? flag = value is JsonValue v ? v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(v.GetValue<string>().Trim(), out var parsed) => parsed,
            _ => null,
        } : null;
        if (flag is null)
        {
            error = $"{key} must be true or false, not {Shown(value)}";
            return false;
        }
        accepted = JsonValue.Create(flag.Value);
        return true;
    }
}
