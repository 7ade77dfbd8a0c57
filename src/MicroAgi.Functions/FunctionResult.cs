using System.Text.Json.Nodes;

namespace MicroAgi.Functions;

/// <summary>Why a call failed. Every failure is a result, never an exception.</summary>
public enum FunctionErrorKind
{
    None = 0,
    /// <summary>No entry with that id.</summary>
    NotFound,
    /// <summary>The entry exists but is not a callable function (unknown kind, no native handler, bad data).</summary>
    NotCallable,
    /// <summary>The arguments do not match <c>meta.input_schema</c>.</summary>
    InvalidArguments,
    /// <summary>The Lua source does not compile, or the chunk does not return a table exporting the method.</summary>
    LoadError,
    /// <summary>The handler returned <c>nil, err</c> (or <c>value, err</c>).</summary>
    HandlerError,
    /// <summary>A Lua runtime error (the message carries the line).</summary>
    RuntimeError,
    /// <summary>The call ran past its deadline.</summary>
    Timeout,
    /// <summary>The call used more memory than its cap.</summary>
    MemoryLimit,
    /// <summary>The call nested calls deeper than allowed.</summary>
    CallDepthLimit,
    /// <summary>The result is too large or has no JSON form.</summary>
    InvalidResult,
    /// <summary>The caller's CancellationToken fired.</summary>
    Cancelled,
    /// <summary>A native (C#) function threw.</summary>
    NativeFailure,
}

/// <summary>
/// The outcome of calling a function: a JSON value, or an error message with its kind.
/// <see cref="Logs"/> holds what the function printed (Lua's <c>print</c>), capped.
/// </summary>
public sealed record FunctionResult
{
    private FunctionResult(JsonNode? value, FunctionErrorKind errorKind, string? error, string logs)
    {
        Value = value;
        ErrorKind = errorKind;
        Error = error;
        Logs = logs;
    }

    public bool IsSuccess => ErrorKind == FunctionErrorKind.None;

    /// <summary>The returned value (JSON null is <c>null</c>). Only meaningful when <see cref="IsSuccess"/>.</summary>
    public JsonNode? Value { get; }

    public FunctionErrorKind ErrorKind { get; }

    /// <summary>The error message when the call failed, else null; at most <see cref="MaxErrorLength"/> characters.</summary>
    public string? Error { get; }

    public string Logs { get; }

    public static FunctionResult Success(JsonNode? value, string? logs = null) => new(value, FunctionErrorKind.None, null, logs ?? "");

    public static FunctionResult Failure(FunctionErrorKind kind, string message, string? logs = null)
    {
        if (kind == FunctionErrorKind.None) throw new ArgumentException("a failure needs an error kind", nameof(kind));
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        return new(null, kind, Capped(message), logs ?? "");
    }

    /// <summary>
    /// The longest error message, in characters. An error is read by a terminal, a model and a
    /// transcript: a tool failing with a 50 MB message must not put 50 MB into all three.
    /// </summary>
    public const int MaxErrorLength = 4096;

    /// <summary>Room for "… (N more characters)".</summary>
    private const int CutMarkLength = 40;

    /// <summary><paramref name="message"/> cut to <see cref="MaxErrorLength"/> characters, ending with how much was cut.</summary>
    public static string Capped(string message)
    {
        if (message.Length <= MaxErrorLength) return message;
        var keep = MaxErrorLength - CutMarkLength;
        if (char.IsHighSurrogate(message[keep - 1])) keep--; // never split a surrogate pair
        return string.Concat(message.AsSpan(0, keep), $"… ({message.Length - keep} more characters)");
    }

    /// <summary>The value as compact JSON text with characters written as they are (not \u-escaped).</summary>
    public string ValueJson => Value?.ToJsonString(MicroAgi.Registry.ReadableJson.Compact) ?? "null";

    public override string ToString() => IsSuccess ? ValueJson : $"error ({ErrorKind}): {Error}";
}
