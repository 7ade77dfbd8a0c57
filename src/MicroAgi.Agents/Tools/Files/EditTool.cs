using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// <c>edit {path, old, new, replace_all?}</c>: replaces the one place <c>old</c> occurs (or every place
/// with <c>replace_all</c>). <c>old</c> that occurs nowhere, several times, or an edit that changes
/// nothing is an error that says what to do. The file keeps its byte-order mark and line ends; the
/// result shows a small diff. Needs approval.
/// </summary>
internal sealed class EditTool(WorkspaceRoot workspace, FileReadLedger ledger, ApprovalGate approval)
{
    public async Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken)
    {
        var arguments = call.Arguments as JsonObject;
        if (!ToolResults.TryOptionalString(arguments, "path", out var path, out var error)
            || !ToolResults.TryOptionalString(arguments, "old", out var old, out error)
            || !ToolResults.TryOptionalString(arguments, "new", out var replacement, out error))
            return ToolResults.Error(error!);
        if (string.IsNullOrEmpty(old)) return ToolResults.Error("'old' is required: the exact text to replace, copied from the file (use write to create a file)");
        if (replacement is null) return ToolResults.Error("'new' is required: the text that replaces 'old' (an empty string deletes it)");
        var replaceAll = arguments?["replace_all"] is JsonValue flag && flag.TryGetValue<bool>(out var all) && all;
        if (!workspace.TryResolve(path, out var full, out error)) return ToolResults.Error(error);
        var shown = workspace.Relative(full);
        if (!File.Exists(full)) return ToolResults.Error($"{shown} does not exist; create it with write");

        var bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
        if (FileKinds.Describe(bytes) is { } kind) return ToolResults.Error($"{shown} is not a text file ({kind}); it cannot be edited");
        var file = FileText.Decode(bytes);
        var text = file.Text;
        var oldText = file.InFileLineEnds(old);
        var newText = file.InFileLineEnds(replacement);
        var (spans, tolerant) = TextMatcher.Find(text, oldText);
        if (spans.Count == 0)
            return ToolResults.Error($"'old' was not found in {shown} (not even ignoring whitespace and quote style); read the file and copy the text exactly");
        if (spans.Count > 1 && !replaceAll)
            return ToolResults.Error($"'old' occurs {spans.Count} times in {shown}; include more surrounding lines so it is unique, or set replace_all to change every one");

        var edited = text;
        foreach (var (start, length) in spans.OrderByDescending(s => s.Start))
            edited = string.Concat(edited.AsSpan(0, start), newText, edited.AsSpan(start + length));
        if (edited == text) return ToolResults.Error("the edit changes nothing: 'new' is the same as the text it replaces");

        var first = spans.MinBy(s => s.Start);
        var diff = LineDiff.Of(text, first.Start, first.Length, newText);
        var request = ApprovalRequest.FileChange("edit", $"edit {shown} ({spans.Count} {(spans.Count == 1 ? "place" : "places")})", diff);
        if (await approval.CheckAsync(request, cancellationToken).ConfigureAwait(false) is { } refused) return ToolResults.Error(refused);

        try
        {
            await File.WriteAllBytesAsync(full, file.Encode(edited), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ToolResults.Error($"{shown} cannot be written: {ex.Message}");
        }
        ledger.Saw(full);
        var result = new JsonObject { ["path"] = shown, ["replacements"] = spans.Count, ["diff"] = diff };
        if (tolerant) result["note"] = "matched ignoring differences of whitespace or quote style; only the matched text was replaced";
        return ToolResults.Ok(result);
    }
}
