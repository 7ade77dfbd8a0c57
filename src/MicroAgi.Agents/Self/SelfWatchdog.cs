using MicroAgi.Agents.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Self;

/// <summary>
/// Runs before every step: a writable setting whose value is out of its range (changed by something other
/// than a checked modify, or a model that has since left the registry) goes back to its configured value, and
/// the critical tools (<c>self</c>, <c>load_tool</c>) are put back if they were taken out. Each repair is
/// told to the user.
/// </summary>
public sealed class SelfWatchdog(RuntimeSurface surface) : IStepGuard
{
    /// <summary>Tools the agent must never lose: without them it could not undo its own changes or load tools.</summary>
    public static IReadOnlyList<EntryId> CriticalTools { get; } = [AgentSettings.SelfToolId, ToolCallExecutor.LoadToolId];

    public void BeforeStep(AgentSession session, IAgentObserver observer)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(observer);
        foreach (var (path, property) in surface.WritableProperties())
        {
            var setter = property.Setter!;
            if (!setter.IsChanged()) continue;
            var value = property.Read();
            if (setter.Rule.TryAccept(path, value, out _, out var problem)) continue;
            setter.Reset();
            observer.Notice($"self watchdog: {problem}; {path} is back to {ValueText.Show(path, property.Read())}");
        }
        foreach (var tool in CriticalTools)
        {
            if (session.Context.Tuning.Reregister(tool)) observer.Notice($"self watchdog: {tool} is a critical tool; it is registered again");
        }
    }
}

/// <summary>How the self tool writes a value in its messages: text in single quotes, the rest as JSON, secrets masked.</summary>
public static class ValueText
{
    public const int MaxLength = 2_000;

    public static string Show(string name, System.Text.Json.Nodes.JsonNode? value, SecretMask? mask = null)
    {
        var masked = (mask ?? SecretMask.Patterns).MaskValue(LastSegment(name), value);
        var text = masked switch
        {
            null => "null",
            System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => $"'{v.GetValue<string>()}'",
            _ => masked.ToJsonString(ReadableJson.Compact),
        };
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), $"… ({text.Length - MaxLength:N0} more characters)");
    }

    private static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];
}
