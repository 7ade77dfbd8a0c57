using System.Text.Json;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Sessions;

namespace MicroAgi.Agents.Tests.Sessions;

public sealed class JsonlTranscriptTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "microagi-transcripts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_resumed_transcript_replays_messages_tool_traffic_and_compression()
    {
        string id;
        using (var transcript = JsonlTranscript.Create(_directory))
        {
            id = transcript.Id;
            var conversation = new Conversation(transcript);
            conversation.Add(new ChatMessage(ChatRole.User, "first"));
            conversation.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "echo", new Dictionary<string, object?> { ["text"] = "x" })]));
            conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "{\"echo\":\"x\"}")]));
            conversation.Replace([new ChatMessage(ChatRole.System, "Conversation summary: first"), new ChatMessage(ChatRole.User, "first")]);
            conversation.Add(new ChatMessage(ChatRole.Assistant, "answer"));
        }

        var (resumed, history) = JsonlTranscript.Resume(_directory, id);
        resumed.Dispose();

        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant], history.Select(m => m.Role));
        Assert.Equal("answer", history[2].Text);
    }

    [Fact]
    public void A_line_torn_by_a_crash_is_skipped()
    {
        string path;
        using (var transcript = JsonlTranscript.Create(_directory))
        {
            new Conversation(transcript).Add(new ChatMessage(ChatRole.User, "kept"));
            path = transcript.Path;
        }
        File.AppendAllText(path, "{\"type\":\"message\",\"mess");

        Assert.Equal(["kept"], JsonlTranscript.Load(path).Select(m => m.Text));
    }

    [Fact]
    public void Each_record_is_one_line_on_disk_when_its_append_returns()
    {
        using var transcript = JsonlTranscript.Create(_directory);
        var conversation = new Conversation(transcript);
        // What a model may send: line breaks, quotes, control characters, text outside ASCII.
        const string text = "line one\nline \"two\"\u001b[31m — ünïcode";
        conversation.Add(new ChatMessage(ChatRole.Assistant, text));
        transcript.AppendRecord(new System.Text.Json.Nodes.JsonObject { ["type"] = "audit", ["what"] = "a\nb" });
        conversation.AddRange([
            new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "echo", new Dictionary<string, object?> { ["text"] = "x" })]),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "{\"ok\":true}")])]);

        // Read while the transcript is still open: nothing may wait in a buffer (a killed process would lose it).
        using var stream = new FileStream(transcript.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Equal("", lines[4]);
        var records = lines[..4].Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(["message", "audit", "message", "message"], records.Select(r => (string?)r["type"]));
        Assert.Equal(text, records[0]["message"].Deserialize<ChatMessage>(AIJsonUtilities.DefaultOptions)!.Text);
        Assert.Equal("a\nb", (string?)records[1]["what"]);
        Assert.Equal([ChatRole.Assistant, ChatRole.Assistant, ChatRole.Tool], JsonlTranscript.Load(transcript.Path).Select(m => m.Role));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Resume_refuses_ids_that_are_not_session_ids(string id)
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonlTranscript.Resume(_directory, id));
        Assert.Contains("is not a session id", ex.Message);
    }

    [Fact]
    public void Resume_without_sessions_says_how_to_start_one()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => JsonlTranscript.Resume(_directory, null));
        Assert.Contains("start one without --resume", ex.Message);
    }
}
