using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Self;

/// <summary>
/// One self action as the audit keeps it: what was asked, a one-line summary for the terminal
/// (<c>modify max_iterations 40 → 80</c>), whether it succeeded, and the detail for the transcript
/// (secrets already masked).
/// </summary>
public sealed record SelfAuditEntry(DateTimeOffset Time, string Action, string Summary, bool Succeeded, JsonObject Detail)
{
    /// <summary>The transcript record type (<c>{"type":"self", …}</c>).</summary>
    public const string RecordType = "self";

    public JsonObject ToJson()
    {
        var record = new JsonObject
        {
            ["type"] = RecordType,
            ["time"] = Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["action"] = Action,
            ["summary"] = Summary,
            ["ok"] = Succeeded,
        };
        foreach (var (key, value) in Detail) record[key] = value?.DeepClone();
        return record;
    }
}

/// <summary>Where self actions are recorded (the session transcript, the terminal).</summary>
public interface ISelfAuditSink
{
    void Record(SelfAuditEntry entry);
}
