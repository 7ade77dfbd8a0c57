using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// <c>read {path, offset?, limit?}</c>: a text file's lines from line <c>offset</c> (1-based), at most
/// 2,000 lines or 50 KB per call, with <c>next_offset</c> when more follows. A binary file or an image
/// is described (type, size), never dumped into the conversation.
/// </summary>
internal sealed class ReadTool(WorkspaceRoot workspace, FileReadLedger ledger)
{
    public const int MaxLines = 2000;
    public const int MaxBytes = 50 * 1024;

    public Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken) =>
        Task.FromResult(Read(call.Arguments));

    private FunctionResult Read(JsonNode? arguments)
    {
        if (!ToolResults.TryOptionalString(arguments, "path", out var path, out var error)
            || !ToolResults.TryOptionalInteger(arguments, "offset", 1, int.MaxValue, out var offset, out error)
            || !ToolResults.TryOptionalInteger(arguments, "limit", 1, MaxLines, out var limit, out error))
            return ToolResults.Error(error!);
        if (!workspace.TryResolve(path, out var full, out error)) return ToolResults.Error(error);
        var shown = workspace.Relative(full);
        if (Directory.Exists(full)) return ToolResults.Error($"{shown} is a directory; use glob to list its files, e.g. {{\"pattern\": \"{(shown == "." ? "" : shown + "/")}*\"}}");
        if (!File.Exists(full)) return ToolResults.Error($"{shown} does not exist; use glob to find the file");

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ToolResults.Error($"{shown} cannot be read: {ex.Message}");
        }
        ledger.Saw(full);
        if (FileKinds.Describe(bytes) is { } kind)
        {
            return ToolResults.Ok(new JsonObject
            {
                ["path"] = shown,
                ["binary"] = true,
                ["type"] = kind,
                ["size"] = bytes.Length,
                ["note"] = "not a text file; its content is not shown",
            });
        }
        return ToolResults.Ok(Slice(shown, FileText.Decode(bytes).Text, offset ?? 1, limit ?? MaxLines));
    }

    private static JsonObject Slice(string shown, string text, int first, int limit)
    {
        var lines = text.Split('\n');
        // A final newline ends the last line; it does not start an empty one.
        var total = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        if (text.Length == 0) total = 0;
        if (first > Math.Max(total, 1))
            return new JsonObject { ["path"] = shown, ["error"] = $"offset {first} is past the end: the file has {total} lines" };

        var content = new StringBuilder();
        var bytes = 0;
        var line = first;
        for (; line <= total && line < first + limit; line++)
        {
            var piece = lines[line - 1].TrimEnd('\r');
            var size = Encoding.UTF8.GetByteCount(piece) + 1;
            if (bytes + size > MaxBytes && line > first) break;
            if (size > MaxBytes) piece = FileText.CutToBytes(piece, MaxBytes - 1) + " [line cut at 50 KB]";
            content.Append(piece).Append('\n');
            bytes += size;
        }
        var result = new JsonObject
        {
            ["path"] = shown,
            ["first_line"] = first,
            ["last_line"] = line - 1,
            ["total_lines"] = total,
            ["content"] = content.ToString(),
        };
        if (line <= total)
        {
            result["next_offset"] = line;
            result["note"] = string.Create(CultureInfo.InvariantCulture, $"more follows: call read with offset {line} to continue");
        }
        return result;
    }
}
