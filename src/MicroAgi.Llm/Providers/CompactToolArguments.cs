using System.Buffers;
using System.Text.Json;
using MicroAgi.Registry;
using OpenAI.Chat;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// The arguments of the tool calls a conversation sends back to an OpenAI-compatible server, as compact JSON.
/// M.E.AI's OpenAI adapter writes each past call's arguments with its default serializer options, which indent
/// (dotnet/extensions#6483): every past call then costs the model a line break and indentation per argument at every
/// request of the turn, and reads back otherwise than the model wrote it. The values are unchanged.
/// </summary>
internal static class CompactToolArguments
{
    /// <summary>Rewrites the function calls of <paramref name="message"/> whose arguments are JSON with spaces to spare.</summary>
    public static void Apply(AssistantChatMessage message)
    {
        for (var i = 0; i < message.ToolCalls.Count; i++)
        {
            var call = message.ToolCalls[i];
            if (call.Kind == ChatToolCallKind.Function && Compacted(call.FunctionArguments) is { } arguments)
                message.ToolCalls[i] = ChatToolCall.CreateFunctionToolCall(call.Id, call.FunctionName, arguments);
        }
    }

    /// <summary>The arguments without insignificant whitespace, or null when that saves nothing or they are not JSON (sent as they are).</summary>
    private static BinaryData? Compacted(BinaryData arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            var compact = new ArrayBufferWriter<byte>(arguments.Length);
            // The arguments are a string inside the request body, escaped again when the body is written: readable JSON
            // keeps non-ASCII text as it is instead of growing it into \u escapes here.
            using (var writer = new Utf8JsonWriter(compact, ReadableJson.Writer)) document.RootElement.WriteTo(writer);
            return compact.WrittenCount < arguments.Length ? new BinaryData(compact.WrittenMemory) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
