using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Functions;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Approval;

/// <summary>
/// Approval of a tool call before it runs, in Microsoft.Extensions.AI's terms: a tool that needs the user's
/// yes is offered as an <see cref="ApprovalRequiredAIFunction"/> around its <see cref="RegistryToolFunction"/>
/// (so any M.E.AI host sees the requirement), and the loop turns a call of it into a
/// <see cref="ToolApprovalRequestContent"/> that the <see cref="ApprovalGate"/> answers with a
/// <see cref="ToolApprovalResponseContent"/>. Generated (Lua) tools are the ones marked: their code is new to
/// the user. Built-in tools that change the machine (write, edit, exec, process start) ask from inside, where
/// the diff or the command line is known.
/// </summary>
public static class ToolCallApproval
{
    /// <summary>How much of a tool's Lua source the question shows: enough to read what it does, not a wall.</summary>
    public const int SourceLinesShown = 40;

    private const int SourceCharactersShown = 4000;
    private const int ArgumentCharactersShown = 2000;

    /// <summary>The function as the model is offered it: approval-required when it is a generated tool.</summary>
    public static AIFunction Present(RegistryToolFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return IsGenerated(function.Tool) ? new ApprovalRequiredAIFunction(function) : function;
    }

    /// <summary>Whether the invoker must obtain approval before calling <paramref name="offered"/>.</summary>
    public static bool IsRequired(AIFunction offered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        return offered.GetService<ApprovalRequiredAIFunction>() is not null;
    }

    /// <summary>Asks the gate about one call of <paramref name="tool"/>; a refusal carries the reason the model reads.</summary>
    public static async Task<ToolApprovalResponseContent> DecideAsync(
        this ApprovalGate gate, ToolApprovalRequestContent request, ToolEntry tool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tool);
        var arguments = request.ToolCall is FunctionCallContent { Arguments: { } given } ? given : new Dictionary<string, object?>();
        var refusal = await gate.CheckAsync(RequestFor(tool, arguments), cancellationToken).ConfigureAwait(false);
        return request.CreateResponse(refusal is null, refusal);
    }

    /// <summary>What the user is shown before a generated tool's first run: its id, its arguments and the head of its source.</summary>
    public static ApprovalRequest RequestFor(ToolEntry tool, IDictionary<string, object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        var detail = new StringBuilder();
        var modules = tool.Entry.Data.TryGetProperty("modules", out var list) && list.ValueKind == JsonValueKind.Array
            ? string.Join(", ", list.EnumerateArray().Select(m => m.ToString()))
            : "";
        detail.Append("tool: ").Append(tool.Id).Append(" (").Append(tool.Entry.Kind);
        if (modules.Length > 0) detail.Append("; modules: ").Append(modules);
        detail.Append(")\n");
        detail.Append("arguments: ").Append(Capped(JsonSerializer.SerializeToNode(arguments, AIJsonUtilities.DefaultOptions)?.ToJsonString(ReadableJson.Compact) ?? "{}", ArgumentCharactersShown)).Append('\n');
        var source = (tool.Entry.DataString("source") ?? "").ReplaceLineEndings("\n").TrimEnd('\n');
        var lines = source.Split('\n');
        var shown = Capped(string.Join('\n', lines.Take(SourceLinesShown)), SourceCharactersShown);
        detail.Append(lines.Length > SourceLinesShown ? $"source (the first {SourceLinesShown} of {lines.Length} lines; microagi registry show {tool.Id} prints all):\n" : "source:\n");
        detail.Append(shown);
        return ApprovalRequest.GeneratedTool(tool.Id.ToString(), CodeHash(tool), detail.ToString());
    }

    /// <summary>
    /// Identifies the tool's code (kind and data: source, method, modules), so an "always" stops covering the
    /// tool once its code changes. Meta (description, schema) is left out: it does not change what runs.
    /// </summary>
    public static string CodeHash(ToolEntry tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var code = tool.Entry.Kind + "\n" + JsonNode.Parse(tool.Entry.Data.GetRawText())!.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)))[..16];
    }

    private static bool IsGenerated(ToolEntry tool) => tool.Entry.Kind == FunctionKinds.Lua;

    private static string Capped(string text, int most) => text.Length <= most ? text : string.Concat(text.AsSpan(0, most), "…");
}
