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
/// <see cref="ToolApprovalResponseContent"/>. Two kinds of tool are marked: generated (Lua) tools, whose code is
/// new to the user, and the built-in tools that change the machine (write, edit, exec, process), whose calls the
/// machine's <see cref="IChangePreview"/> describes — the path and diff, the command — before they run. A call that
/// changes nothing (process list) is approved without a question.
/// </summary>
public static class ToolCallApproval
{
    /// <summary>How much of a tool's Lua source the question shows: enough to read what it does, not a wall.</summary>
    public const int SourceLinesShown = 40;

    private const int SourceCharactersShown = 4000;
    private const int ArgumentCharactersShown = 2000;

    /// <summary>The native handlers whose calls may change the machine (by handler, so any entry naming one is covered).</summary>
    public static IReadOnlySet<string> ChangingHandlers { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Tools.BuiltInTools.Write, Tools.BuiltInTools.Edit, Tools.BuiltInTools.Exec, Tools.BuiltInTools.Process,
    };

    /// <summary>The function as the model is offered it: approval-required when it is a generated tool or one that changes the machine.</summary>
    public static AIFunction Present(RegistryToolFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return IsGenerated(function.Tool) || ChangesMachine(function.Tool) ? new ApprovalRequiredAIFunction(function) : function;
    }

    /// <summary>Whether <paramref name="tool"/> is a built-in tool that may change the machine (write, edit, exec, process).</summary>
    public static bool ChangesMachine(ToolEntry tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return tool.Entry.Kind == FunctionKinds.Native && ChangingHandlers.Contains(NativeFunctionCatalog.HandlerNameOf(tool.Entry));
    }

    /// <summary>Whether the invoker must obtain approval before calling <paramref name="offered"/>.</summary>
    public static bool IsRequired(AIFunction offered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        return offered.GetService<ApprovalRequiredAIFunction>() is not null;
    }

    /// <summary>
    /// Asks the gate about one call of <paramref name="tool"/>, described by <paramref name="changes"/> when it is a
    /// built-in tool that changes the machine; a refusal carries the reason the model reads.
    /// </summary>
    /// <param name="changes">What the machine's tools would do; null (a host with no machine) shows the call's arguments as they are.</param>
    public static async Task<ToolApprovalResponseContent> DecideAsync(
        this ApprovalGate gate, ToolApprovalRequestContent request, ToolEntry tool, IChangePreview? changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tool);
        // Nothing is asked in full-auto: the diff or the command need not be worked out.
        if (gate.Mode == ApprovalMode.FullAuto) return request.CreateResponse(approved: true);
        var arguments = request.ToolCall is FunctionCallContent { Arguments: { } given } ? given : new Dictionary<string, object?>();
        var question = IsGenerated(tool) ? RequestFor(tool, arguments) : ChangeRequestFor(tool, arguments, changes);
        if (question is null) return request.CreateResponse(approved: true);
        var refusal = await gate.CheckAsync(question, cancellationToken).ConfigureAwait(false);
        return request.CreateResponse(refusal is null, refusal);
    }

    /// <summary>What the user is shown before a built-in tool changes the machine; null when this call changes nothing.</summary>
    private static ApprovalRequest? ChangeRequestFor(ToolEntry tool, IDictionary<string, object?> arguments, IChangePreview? changes)
    {
        var node = JsonSerializer.SerializeToNode(arguments, AIJsonUtilities.DefaultOptions);
        try
        {
            if (changes is not null) return changes.Describe(NativeFunctionCatalog.HandlerNameOf(tool.Entry), node);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file that cannot be read now may be readable when the call runs: ask, showing the arguments.
        }
        // Without the machine's description the call is still asked about, as a command (the kind no mode but full-auto lets through).
        var json = node?.ToJsonString(ReadableJson.Compact) ?? "{}";
        var shown = Capped(json, ArgumentCharactersShown);
        // An "always" covers these exact arguments, named by their hash: a shown (capped) text could match other calls.
        var key = $"call: {tool.Id} #{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16]}";
        return new ApprovalRequest(tool.Id.ToString(), ApprovalKind.Command, $"{tool.LlmName} {shown}", shown, key);
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
