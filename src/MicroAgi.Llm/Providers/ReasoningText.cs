using System.ClientModel.Primitives;
using OpenAI.Chat;

#pragma warning disable SCME0001 // JsonPatch is the SDK's one door to members it does not model.

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The model's reasoning as Ollama and OpenRouter send it outside the standard schema, in <c>reasoning</c>
/// (M.E.AI's OpenAI adapter reads only the <c>reasoning_content</c> of DeepSeek, vLLM and llama.cpp).
/// The official SDK keeps such members in each model's JSON patch, where this reads them.
/// </summary>
internal static class ReasoningText
{
    public static string? Of(StreamingChatCompletionUpdate update) =>
        Read(ref update.Patch, "$.choices[0].delta.reasoning"u8);

    public static string? Of(ChatCompletion completion) =>
        Read(ref completion.Patch, "$.choices[0].message.reasoning"u8);

    private static string? Read(ref JsonPatch patch, ReadOnlySpan<byte> path) =>
        patch.TryGetValue(path, out string? text) && !string.IsNullOrEmpty(text) ? text : null;
}
