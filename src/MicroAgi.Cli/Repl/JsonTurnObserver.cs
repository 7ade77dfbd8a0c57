using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Repl;

/// <summary>
/// A one-shot turn (<c>-p</c>) for programs: <c>--output-format json</c> prints one object when the turn is
/// over (answer, tool calls, usage, cost, session id); <c>stream-json</c> prints one JSON event per line as the
/// turn goes (<c>text</c>, <c>tool</c>, <c>tool_loaded</c>, <c>notice</c>) and the same object last, typed
/// <c>result</c>. Text is as the model wrote it: JSON escapes every control character.
/// </summary>
/// <param name="progress">Shows the tool lines and notices to a person watching stderr; the answer stays in the JSON.</param>
internal sealed class JsonTurnObserver(TextWriter output, bool stream, ITurnView progress) : ITurnView
{
    private static readonly JsonSerializerOptions OneLine = new() { WriteIndented = false };
    private readonly System.Text.StringBuilder _answer = new();
    private readonly JsonArray _toolCalls = [];

    public void Begin() => progress.Begin();

    public void TextDelta(string text)
    {
        _answer.Append(text);
        Emit(new JsonObject { ["type"] = "text", ["text"] = text });
    }

    public void ToolFinished(string toolName, string? error)
    {
        var call = new JsonObject { ["name"] = toolName, ["ok"] = error is null };
        if (error is not null) call["error"] = error;
        progress.ToolFinished(toolName, error);
        _toolCalls.Add(call.DeepClone());
        call["type"] = "tool";
        Emit(call);
    }

    public void ToolLoaded(EntryId id)
    {
        progress.ToolLoaded(id);
        Emit(new JsonObject { ["type"] = "tool_loaded", ["id"] = id.ToString() });
    }

    public void Notice(string message)
    {
        progress.Notice(message);
        Emit(new JsonObject { ["type"] = "notice", ["message"] = message });
    }

    /// <summary>Every event is a whole line; only the progress display has a line to end.</summary>
    public void EndLine() => progress.EndLine();

    /// <summary>Prints the turn's result: the answer so far, the calls, what it cost, and the error when it failed.</summary>
    public void Finish(string sessionId, TurnEnd end)
    {
        var usage = end.Usage;
        var result = new JsonObject
        {
            ["type"] = "result",
            ["outcome"] = end.Outcome,
            ["answer"] = _answer.ToString(),
            ["tool_calls"] = _toolCalls.DeepClone(),
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = usage.Tokens.Input,
                ["output_tokens"] = usage.Tokens.Output,
                ["cached_input_tokens"] = usage.Tokens.CachedInput,
                ["reasoning_tokens"] = usage.Tokens.Reasoning,
                ["requests"] = usage.Requests,
            },
            ["cost_usd"] = usage.Cost,
            ["cost_is_complete"] = usage.CostIsComplete,
            ["session_id"] = sessionId,
        };
        if (end.Error is not null) result["error"] = end.Error;
        Write(result);
    }

    private void Emit(JsonObject message)
    {
        if (stream) Write(message);
    }

    private void Write(JsonObject message)
    {
        output.WriteLine(message.ToJsonString(OneLine));
        output.Flush();
    }
}
