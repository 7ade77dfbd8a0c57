using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// <c>edit {path, old, new, replace_all?}</c>: replaces the one place <c>old</c> occurs (or every place
/// with <c>replace_all</c>). <c>old</c> that occurs nowhere, several times, or an edit that changes
/// nothing is an error that says what to do. The file keeps its byte-order mark and line ends; the
/// result shows a small diff. Needs approval: the loop asks with <see cref="Describe"/> before the call runs.
/// </summary>
internal sealed class EditTool(WorkspaceRoot workspace, FileReadLedger ledger)
{
    /// <summary>One edit as the arguments ask for it, matched against the file: what is shown before it runs is what runs.</summary>
    private sealed record Plan(string FullPath, string Shown, byte[] Bytes, int Places, string Diff, bool Tolerant);

    /// <summary>The approval question for a call: the path and the diff the edit makes; null when the call will be refused anyway.</summary>
    public ApprovalRequest? Describe(JsonNode? arguments) =>
        TryPlan(arguments, out var plan, out _)
            ? ApprovalRequest.FileChange("edit", $"edit {plan.Shown} ({plan.Places} {(plan.Places == 1 ? "place" : "places")})", plan.Diff)
            : null;

    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        if (!TryPlan(call.Arguments, out var plan, out var error)) return ToolResults.Error(error);
        try
        {
            await File.WriteAllBytesAsync(plan.FullPath, plan.Bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ToolResults.Error($"{plan.Shown} cannot be written: {ex.Message}");
        }
        ledger.Saw(plan.FullPath);
        var result = new JsonObject { ["path"] = plan.Shown, ["replacements"] = plan.Places, ["diff"] = plan.Diff };
        if (plan.Tolerant) result["note"] = "matched ignoring differences of whitespace or quote style; only the matched text was replaced";
        return ToolResults.Ok(result);
    }

    private bool TryPlan(JsonNode? input, out Plan plan, out string error)
    {
        plan = null!;
        var arguments = input as JsonObject;
        if (!ToolResults.TryOptionalString(arguments, "path", out var path, out var problem)
            || !ToolResults.TryOptionalString(arguments, "old", out var old, out problem)
            || !ToolResults.TryOptionalString(arguments, "new", out var replacement, out problem))
            return ToolResults.Refuse(problem!, out error);
        if (string.IsNullOrEmpty(old)) return ToolResults.Refuse("'old' is required: the exact text to replace, copied from the file (use write to create a file)", out error);
        if (replacement is null) return ToolResults.Refuse("'new' is required: the text that replaces 'old' (an empty string deletes it)", out error);
        var replaceAll = arguments?["replace_all"] is JsonValue flag && flag.TryGetValue<bool>(out var all) && all;
        if (!workspace.TryResolve(path, out var full, out problem)) return ToolResults.Refuse(problem, out error);
        var shown = workspace.Relative(full);
        if (!File.Exists(full)) return ToolResults.Refuse($"{shown} does not exist; create it with write", out error);

        var bytes = File.ReadAllBytes(full);
        if (FileKinds.Describe(bytes) is { } kind) return ToolResults.Refuse($"{shown} is not a text file ({kind}); it cannot be edited", out error);
        var file = FileText.Decode(bytes);
        var text = file.Text;
        var newText = file.InFileLineEnds(replacement);
        var (spans, tolerant) = TextMatcher.Find(text, file.InFileLineEnds(old));
        if (spans.Count == 0)
            return ToolResults.Refuse($"'old' was not found in {shown} (not even ignoring whitespace and quote style); read the file and copy the text exactly", out error);
        if (spans.Count > 1 && !replaceAll)
            return ToolResults.Refuse($"'old' occurs {spans.Count} times in {shown}; include more surrounding lines so it is unique, or set replace_all to change every one", out error);

        var edited = text;
        foreach (var (start, length) in spans.OrderByDescending(s => s.Start))
            edited = string.Concat(edited.AsSpan(0, start), newText, edited.AsSpan(start + length));
        if (edited == text) return ToolResults.Refuse("the edit changes nothing: 'new' is the same as the text it replaces", out error);

        var first = spans.MinBy(s => s.Start);
        plan = new Plan(full, shown, file.Encode(edited), spans.Count, LineDiff.Of(text, first.Start, first.Length, newText), tolerant);
        error = "";
        return true;
    }
}
