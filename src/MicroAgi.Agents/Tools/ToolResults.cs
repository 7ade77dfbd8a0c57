using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// How the built-in tools answer. A tool-level error (bad argument, not found, policy denied) is a
/// failed <see cref="FunctionResult"/> of kind <see cref="FunctionErrorKind.HandlerError"/> — the same
/// thing a Lua tool returning <c>nil, "message"</c> produces — so the agent loop reports every tool
/// failure one way (<c>[name] error: reason</c>) and the model reads the reason.
/// </summary>
internal static class ToolResults
{
    public static FunctionResult Ok(JsonNode value) => FunctionResult.Success(value);

    public static FunctionResult Error(string message) => FunctionResult.Failure(FunctionErrorKind.HandlerError, message);

    /// <summary>For a tool's checks before it acts: false, with <paramref name="problem"/> as the error the model reads.</summary>
    public static bool Refuse(string problem, out string error)
    {
        error = problem;
        return false;
    }

    /// <summary>An optional string argument; false with <paramref name="error"/> when it is there but not a string.</summary>
    public static bool TryOptionalString(JsonNode? arguments, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        var node = (arguments as JsonObject)?[name];
        if (node is null) return true;
        if (node.GetValueKind() != JsonValueKind.String)
        {
            error = $"'{name}' must be a string";
            return false;
        }
        value = node.GetValue<string>();
        return true;
    }

    /// <summary>An optional whole-number argument within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static bool TryOptionalInteger(JsonNode? arguments, string name, int min, int max, out int? value, out string? error)
    {
        value = null;
        error = null;
        var node = (arguments as JsonObject)?[name];
        if (node is null) return true;
        if (node is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue<double>(out var d)
            && double.IsInteger(d) && d >= min && d <= max)
        {
            value = (int)d;
            return true;
        }
        error = $"'{name}' must be a whole number from {min} to {max}";
        return false;
    }
}
