using System.Text.Json.Nodes;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tools.Generated;

/// <summary>
/// What <see cref="GeneratedToolWriter.WriteAsync"/> did: the entry it created or updated and the
/// registry version that holds it, or why nothing was written.
/// </summary>
public sealed record GeneratedToolOutcome
{
    private GeneratedToolOutcome(string? error, EntryId? id, bool updated, long version, int testsPassed)
    {
        Error = error;
        Id = id;
        Updated = updated;
        Version = version;
        TestsPassed = testsPassed;
    }

    public bool IsSuccess => Error is null;

    /// <summary>Why nothing was written (null on success).</summary>
    public string? Error { get; }

    /// <summary>The written entry (on success).</summary>
    public EntryId? Id { get; }

    /// <summary>True when an existing tool was replaced by a new version, false when it was created.</summary>
    public bool Updated { get; }

    /// <summary>The registry version the write became.</summary>
    public long Version { get; }

    public int TestsPassed { get; }

    public static GeneratedToolOutcome Refused(string error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new(error, null, false, 0, 0);
    }

    public static GeneratedToolOutcome Written(EntryId id, bool updated, long version, int testsPassed) =>
        new(null, id, updated, version, testsPassed);

    /// <summary>The success result <c>create_tool</c> returns to the model.</summary>
    public JsonObject ToJson()
    {
        if (!IsSuccess) throw new InvalidOperationException("a refused write has no result; report its Error");
        var id = Id!.Value;
        return new JsonObject
        {
            ["id"] = id.ToString(),
            ["action"] = Updated ? "updated" : "created",
            ["version"] = Version,
            ["alias"] = id.Name,
            ["tests_passed"] = TestsPassed,
            ["next"] = $"call load_tool with {{\"id\": \"{id}\"}}, then call {id.Name}",
        };
    }
}
