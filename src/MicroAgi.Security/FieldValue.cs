using System.Text.Json;

namespace MicroAgi.Security;

/// <summary>
/// The value a condition's field resolved to for one request: missing, a plain string (action,
/// resource, actor id) or a JSON value from actor or request meta. Kept as a struct so resolving a
/// field allocates nothing.
/// </summary>
internal readonly struct FieldValue
{
    private readonly string? _text;
    private readonly JsonElement _json;

    private FieldValue(string? text, JsonElement json)
    {
        _text = text;
        _json = json;
    }

    public static FieldValue Missing => default;

    /// <summary>Absent and JSON <c>null</c> are both "missing": a scripting host cannot tell them apart.</summary>
    public bool Exists => _text is not null || _json.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    public static FieldValue OfString(string text) => new(text, default);

    public static FieldValue OfJson(JsonElement json) => new(null, json);

    public bool TryGetString(out string text)
    {
        if (_text is not null)
        {
            text = _text;
            return true;
        }
        if (_json.ValueKind == JsonValueKind.String)
        {
            text = _json.GetString()!;
            return true;
        }
        text = "";
        return false;
    }

    public bool TryGetArray(out JsonElement array)
    {
        array = _json;
        return _text is null && _json.ValueKind == JsonValueKind.Array;
    }

    public bool EqualsJson(JsonElement other)
    {
        if (!Exists) return false;
        if (_text is not null)
            return other.ValueKind == JsonValueKind.String && string.Equals(_text, other.GetString(), StringComparison.Ordinal);
        return JsonValues.AreEqual(_json, other);
    }

    /// <summary>Orders this value against <paramref name="other"/> when both are numbers or both strings.</summary>
    public bool TryCompareTo(JsonElement other, out int order)
    {
        order = 0;
        if (TryGetString(out var text))
        {
            if (other.ValueKind != JsonValueKind.String) return false;
            order = string.CompareOrdinal(text, other.GetString());
            return true;
        }
        if (_json.ValueKind == JsonValueKind.Number && other.ValueKind == JsonValueKind.Number)
        {
            order = JsonValues.Number(_json).CompareTo(JsonValues.Number(other));
            return true;
        }
        return false;
    }
}

/// <summary>Equality of JSON values as policies need it: numbers by value, strings ordinally.</summary>
internal static class JsonValues
{
    public static bool AreEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
            return Number(a).Equals(Number(b));
        if (a.ValueKind != b.ValueKind) return false;
        return a.ValueKind switch
        {
            JsonValueKind.String => string.Equals(a.GetString(), b.GetString(), StringComparison.Ordinal),
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
            _ => JsonElement.DeepEquals(a, b),
        };
    }

    /// <summary>A JSON number as a double; numbers beyond double's range become infinities.</summary>
    public static double Number(JsonElement number) =>
        number.TryGetDouble(out var value)
            ? value
            : number.GetRawText().StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
}
