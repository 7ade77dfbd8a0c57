using System.Text.Json;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Sessions;

namespace MicroAgi.Agents.Tests.Sessions;

/// <summary>
/// Reasoning content survives a saved and resumed session with what a provider needs back verbatim: Anthropic's
/// thinking signature (or a redacted block's data) in <see cref="TextReasoningContent.ProtectedData"/>, and the
/// additional properties that tell a redacted block from a readable one.
/// </summary>
public sealed class JsonlTranscriptReasoningTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "microagi-transcripts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Reasoning_keeps_its_text_protected_data_properties_and_place_before_the_tool_call()
    {
        string id;
        using (var transcript = JsonlTranscript.Create(_directory))
        {
            id = transcript.Id;
            new Conversation(transcript).Add(new ChatMessage(ChatRole.Assistant,
            [
                new TextReasoningContent("") { ProtectedData = "opaque", AdditionalProperties = new() { ["anthropic:redacted_thinking"] = true } },
                new TextReasoningContent("I should call echo.") { ProtectedData = "sig-1" },
                new FunctionCallContent("toolu_1", "echo", new Dictionary<string, object?> { ["text"] = "hi" }),
            ]));
        }

        var (resumed, history) = JsonlTranscript.Resume(_directory, id);
        resumed.Dispose();

        var contents = Assert.Single(history).Contents;
        var redacted = Assert.IsType<TextReasoningContent>(contents[0]);
        Assert.Equal("opaque", redacted.ProtectedData);
        // Read back as a JSON true, which the Anthropic package recognises as its redacted-thinking marker.
        Assert.Equal(JsonValueKind.True, Assert.IsType<JsonElement>(redacted.AdditionalProperties?["anthropic:redacted_thinking"]).ValueKind);
        var thinking = Assert.IsType<TextReasoningContent>(contents[1]);
        Assert.Equal(("I should call echo.", "sig-1"), (thinking.Text, thinking.ProtectedData));
        Assert.IsType<FunctionCallContent>(contents[2]);
    }
}
