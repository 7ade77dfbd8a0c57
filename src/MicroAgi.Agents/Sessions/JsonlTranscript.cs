using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;

namespace MicroAgi.Agents.Sessions;

/// <summary>
/// A session's conversation as a JSONL file: one line per appended message
/// (<c>{"type":"message","message":{…}}</c>) and a line <c>{"type":"replace","messages":[…]}</c>
/// when compression replaced the conversation. Lines are flushed as they are written, so a killed
/// process loses at most the line being written; a torn last line is skipped on load.
/// </summary>
public sealed class JsonlTranscript : ITranscriptSink, IDisposable
{
    // M.E.AI's own serialisation keeps every content type whole, including what a provider needs back verbatim
    // to continue a tool loop: reasoning's ProtectedData (Anthropic's thinking signatures, redacted thinking's
    // data) and AdditionalProperties (the marker that tells redacted thinking from readable).
    private static readonly JsonSerializerOptions Options = AIJsonUtilities.DefaultOptions;
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly FileStream _file;
    // The records of one append are written here first, then to the file in one write: a killed process tears at most the last line.
    private readonly ArrayBufferWriter<byte> _line = new();
    private readonly Lock _gate = new();

    private JsonlTranscript(string path, string id)
    {
        Path = path;
        Id = id;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    public string Id { get; }
    public string Path { get; }

    /// <summary>Starts a new transcript in <paramref name="sessionsDirectory"/> with a time-ordered id.</summary>
    public static JsonlTranscript Create(string sessionsDirectory, TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var id = now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        return new JsonlTranscript(System.IO.Path.Combine(sessionsDirectory, id + ".jsonl"), id);
    }

    /// <summary>Reopens a transcript to continue it; <paramref name="id"/> null picks the newest.</summary>
    public static (JsonlTranscript Transcript, IReadOnlyList<ChatMessage> History) Resume(string sessionsDirectory, string? id)
    {
        var path = Locate(sessionsDirectory, id, $"no saved session to resume in {sessionsDirectory}; start one without --resume");
        var history = Load(path);
        return (new JsonlTranscript(path, System.IO.Path.GetFileNameWithoutExtension(path)), history);
    }

    public static IReadOnlyList<ChatMessage> Load(string path)
    {
        var messages = new List<ChatMessage>();
        foreach (var record in File.ReadLines(path).Select(ParseLine))
        {
            switch ((string?)record?["type"])
            {
                case "message":
                    if (record!["message"].Deserialize<ChatMessage>(Options) is { } message) messages.Add(message);
                    break;
                case "replace":
                    messages.Clear();
                    messages.AddRange(record!["messages"].Deserialize<List<ChatMessage>>(Options) ?? []);
                    break;
            }
        }
        foreach (var result in messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>())
        {
            // The loop records a tool result as its JSON text, which the file keeps as a JSON string and reads
            // back as a string-kind JsonElement; providers send such an element as quoted JSON, so the model
            // would read a resumed result double-encoded. The text itself is what it read live.
            if (result.Result is JsonElement { ValueKind: JsonValueKind.String } text) result.Result = text.GetString();
        }
        return messages;
    }

    // Written straight from the messages, without a JSON tree of them, in one write: the loop appends two a step.
    public void Append(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_gate)
        {
            _line.ResetWrittenCount();
            foreach (var message in messages) AddLine(json => WriteRecord(json, "message", "message", value => JsonSerializer.Serialize(value, message, Options)));
            _file.Write(_line.WrittenSpan);
        }
    }

    /// <summary>Adds a record that is not part of the conversation (a self action's audit); loading skips it.</summary>
    public void AppendRecord(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Write(json => record.WriteTo(json));
    }

    /// <summary>The records of <paramref name="type"/> in a transcript file, in order (torn lines skipped).</summary>
    public static IReadOnlyList<JsonObject> ReadRecords(string path, string type) =>
        [.. File.ReadLines(path).Select(ParseLine).OfType<JsonObject>().Where(r => (string?)r["type"] == type)];

    /// <summary>The transcript file of session <paramref name="id"/>, or the newest when null.</summary>
    /// <exception cref="FileNotFoundException">There is no such session.</exception>
    public static string PathOf(string sessionsDirectory, string? id) => Locate(sessionsDirectory, id, $"no saved session in {sessionsDirectory}");

    private static string Locate(string sessionsDirectory, string? id, string noneMessage)
    {
        if (id is not null && (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"'{id}' is not a session id (letters, digits, '-' and '_'; the file names in {sessionsDirectory} without .jsonl)");
        }
        var path = id is null ? Newest(sessionsDirectory) : System.IO.Path.Combine(sessionsDirectory, id + ".jsonl");
        if (path is null || !File.Exists(path))
        {
            throw new FileNotFoundException(id is null
                ? noneMessage
                : $"no saved session '{id}' in {sessionsDirectory}; see the .jsonl files there for the ids");
        }
        return path;
    }

    /// <summary>The ids of the saved sessions, newest first.</summary>
    public static IReadOnlyList<string> SessionIds(string sessionsDirectory) =>
        Directory.Exists(sessionsDirectory)
            ? [.. Directory.EnumerateFiles(sessionsDirectory, "*.jsonl").Select(System.IO.Path.GetFileNameWithoutExtension).OfType<string>().OrderDescending(StringComparer.Ordinal)]
            : [];

    private static JsonObject? ParseLine(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null; // a line torn by a crash mid-write
        }
    }

    public void Replace(IReadOnlyList<ChatMessage> messages) => Write("replace", "messages", json => JsonSerializer.Serialize(json, messages, Options));

    public void Dispose() => _file.Dispose();

    /// <summary>Writes the record <c>{"type": type, property: …}</c>, the value written by <paramref name="value"/>.</summary>
    private void Write(string type, string property, Action<Utf8JsonWriter> value) => Write(json => WriteRecord(json, type, property, value));

    private static void WriteRecord(Utf8JsonWriter json, string type, string property, Action<Utf8JsonWriter> value)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WritePropertyName(property);
        value(json);
        json.WriteEndObject();
    }

    private void Write(Action<Utf8JsonWriter> record)
    {
        lock (_gate)
        {
            _line.ResetWrittenCount();
            AddLine(record);
            _file.Write(_line.WrittenSpan);
        }
    }

    /// <summary>Adds a line to the pending write (each record on a line of its own, a killed process tears at most the last).</summary>
    private void AddLine(Action<Utf8JsonWriter> record)
    {
        using (var json = new Utf8JsonWriter(_line))
        {
            record(json);
        }
        _line.Write(NewLine);
    }

    private static string? Newest(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.jsonl").OrderByDescending(f => f, StringComparer.Ordinal).FirstOrDefault()
            : null;
}
