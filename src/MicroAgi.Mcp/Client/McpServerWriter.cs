using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Registry;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// Writes an MCP server the agent adds as the entry <c>app.generated:&lt;name&gt;</c> (kind <c>mcp.server</c>):
/// the path behind <c>add_mcp_server</c>. The namespace is fixed, not the agent's choice: it is where the
/// allowlist applies wherever the entry is used (<see cref="McpCommandAllowlist.AgentNamespace"/>), so a
/// server written anywhere else would escape the check. In order, nothing run: the command line against
/// <c>mcp.allowed_commands</c> (the same check as at use), a name clash with another entry or server, the
/// security scope <c>app:agent_security</c> (<see cref="AgentWritePolicy"/>); then one changeset creates or
/// updates the entry. Any refusal leaves the registry untouched.
/// </summary>
public sealed class McpServerWriter(IRegistry registry, AgentWritePolicy policy, McpCommandAllowlist allowlist)
{
    public async Task<McpServerWriteOutcome> WriteAsync(McpServerRequest request, string origin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(origin);
        var id = new EntryId(McpCommandAllowlist.AgentNamespace, request.Name);
        var server = new McpServerDefinition { Id = id, Command = request.Command, Arguments = request.Arguments };
        if (allowlist.Refusal(server) is { } refusal) return McpServerWriteOutcome.Refused(refusal);

        var snapshot = registry.Snapshot();
        var existing = snapshot.Get(id);
        if (existing is not null && existing.Kind != McpServerDefinition.Kind)
            return McpServerWriteOutcome.Refused($"{id} exists and is a {existing.Kind} entry, not an MCP server; choose another name");
        var namespaceOfTools = McpToolEntries.Namespace(server);
        if (snapshot.Find(EntryQuery.ByKind(McpServerDefinition.Kind)).FirstOrDefault(e => e.Id != id && McpToolEntries.Namespace(e.Id) == namespaceOfTools) is { } other)
            return McpServerWriteOutcome.Refused($"the MCP server {other.Id} already gives its tools the names {server.ToolPrefix}*; choose another name");

        var action = existing is null ? "create" : "update";
        if (policy.Refusal(action, id) is { } denied) return McpServerWriteOutcome.Refused(denied);

        var entry = Entry.Create(id, McpServerDefinition.Kind, new JsonObject { ["comment"] = request.Description ?? $"added by {origin}" }, new JsonObject
        {
            ["command"] = request.Command,
            ["args"] = new JsonArray([.. request.Arguments.Select(a => (JsonNode)JsonValue.Create(a))]),
        });
        var changes = snapshot.Changes($"{origin}: {action} MCP server {id}");
        if (existing is null) changes.Create(entry);
        else changes.Update(entry);
        try
        {
            var version = await registry.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            return McpServerWriteOutcome.Written(server, existing is not null, version.Number);
        }
        catch (ChangeSetConflictException e)
        {
            return McpServerWriteOutcome.Refused($"{e.Message}; try again");
        }
    }
}

/// <summary>What <see cref="McpServerWriter.WriteAsync"/> did: the server written and the registry version, or why nothing was.</summary>
public sealed record McpServerWriteOutcome
{
    private McpServerWriteOutcome(string? error, McpServerDefinition? server, bool updated, long version)
    {
        Error = error;
        Server = server;
        Updated = updated;
        Version = version;
    }

    public bool IsSuccess => Error is null;

    /// <summary>Why nothing was written (null on success).</summary>
    public string? Error { get; }

    /// <summary>The server as written (on success).</summary>
    public McpServerDefinition? Server { get; }

    public bool Updated { get; }

    public long Version { get; }

    public static McpServerWriteOutcome Refused(string error) => new(error, null, false, 0);

    public static McpServerWriteOutcome Written(McpServerDefinition server, bool updated, long version) => new(null, server, updated, version);
}
