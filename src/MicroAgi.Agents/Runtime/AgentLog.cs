using Microsoft.Extensions.Logging;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// What the agent loop writes to the log (<c>--verbose</c>, <c>MICROAGI_LOG</c>): a line per turn, model step,
/// tool call, tool joining the agent and compression — sizes, names, timings and outcomes, never what the user
/// or the model wrote. Errors come from generated code and servers, so they are shortened and made printable first.
/// </summary>
internal static partial class AgentLog
{
    private const int MaxErrorLength = 200;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "turn started: agent {Agent}, model {Model}, {Messages} messages in the conversation")]
    public static partial void TurnStarted(ILogger logger, string agent, string model, int messages);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "step {Step}: {ToolCalls} tool call(s), finish {FinishReason}, {InputTokens} tokens in, {OutputTokens} out, {Milliseconds} ms")]
    public static partial void StepFinished(ILogger logger, int step, int toolCalls, string finishReason, long inputTokens, long outputTokens, long milliseconds);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "tool {Tool} ({CallId}) ok in {Milliseconds} ms")]
    public static partial void ToolSucceeded(ILogger logger, string tool, string callId, long milliseconds);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "tool {Tool} ({CallId}) failed in {Milliseconds} ms: {Error}")]
    private static partial void ToolFailedCore(ILogger logger, string tool, string callId, long milliseconds, string error);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "tool {Tool} joined the agent")]
    public static partial void ToolJoined(ILogger logger, string tool);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "conversation compressed from {Before} to {After} messages")]
    public static partial void Compressed(ILogger logger, int before, int after);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "turn ended: {Outcome} after {Steps} step(s), {Milliseconds} ms")]
    public static partial void TurnEnded(ILogger logger, TurnOutcome outcome, int steps, long milliseconds);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "turn stopped after {Steps} step(s), {Milliseconds} ms: {Error}")]
    private static partial void TurnFailedCore(ILogger logger, int steps, long milliseconds, string error);

    public static void ToolFailed(ILogger logger, string tool, string callId, long milliseconds, string error)
    {
        if (logger.IsEnabled(LogLevel.Information)) ToolFailedCore(logger, tool, callId, milliseconds, Printable(error));
    }

    public static void TurnFailed(ILogger logger, int steps, long milliseconds, string error)
    {
        if (logger.IsEnabled(LogLevel.Warning)) TurnFailedCore(logger, steps, milliseconds, Printable(error));
    }

    private static string Printable(string error)
    {
        var printable = string.Concat(error.Take(MaxErrorLength).Select(c => char.IsControl(c) ? ' ' : c));
        return error.Length > MaxErrorLength ? printable + "…" : printable;
    }
}
