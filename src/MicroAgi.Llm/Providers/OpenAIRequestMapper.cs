using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;
using OpenAIChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

// Reasoning effort and seed are marked "evaluation" in OpenAI 2.15 although the wire fields are stable;
// issue 4 needs reasoning effort, so this file (and only this one) uses them.
#pragma warning disable OPENAI001

namespace MicroAgi.Llm.Providers;

/// <summary>Translates Microsoft.Extensions.AI messages and options into OpenAI chat-completions ones.</summary>
internal static class OpenAIRequestMapper
{
    /// <summary>M.E.AI's defaults, but compact: arguments and results go over the wire and into the context.</summary>
    private static readonly JsonSerializerOptions CompactJson = CreateCompactJson();

    public static List<OpenAIChatMessage> Messages(IEnumerable<AIChatMessage> messages, ChatOptions? options)
    {
        var result = new List<OpenAIChatMessage>();
        if (!string.IsNullOrEmpty(options?.Instructions)) result.Add(new SystemChatMessage(options.Instructions));
        foreach (var message in messages)
        {
            // Tool results may sit in any message (M.E.AI puts them under the Tool role); OpenAI wants one
            // tool message per result.
            foreach (var result1 in message.Contents.OfType<FunctionResultContent>())
                result.Add(new ToolChatMessage(result1.CallId, ResultText(result1)));
            if (message.Role == ChatRole.Tool) continue;
            if (message.Role == ChatRole.System)
                AddIfAny(result, message.Text, text => new SystemChatMessage(text));
            else if (message.Role == ChatRole.Assistant)
                AddAssistant(result, message);
            else if (message.Role == ChatRole.User)
                AddUser(result, message);
            else
                throw new ArgumentException($"messages with role '{message.Role}' cannot be sent to an OpenAI-compatible server; use system, user, assistant or tool", nameof(messages));
        }
        return result;
    }

    public static ChatCompletionOptions Options(ChatOptions? options)
    {
        var result = new ChatCompletionOptions();
        if (options is null) return result;
        result.MaxOutputTokenCount = options.MaxOutputTokens;
        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
        if (options.Reasoning?.Effort is { } effort) result.ReasoningEffortLevel = EffortLevel(effort);
        result.Seed = options.Seed;
        foreach (var stop in options.StopSequences ?? []) result.StopSequences.Add(stop);
        foreach (var tool in options.Tools ?? [])
        {
            if (tool is not AIFunctionDeclaration function)
                throw new ArgumentException($"tool '{tool.Name}' ({tool.GetType().Name}) is not a function; OpenAI-compatible servers take function tools only", nameof(options));
            result.Tools.Add(ChatTool.CreateFunctionTool(
                function.Name,
                function.Description,
                BinaryData.FromString(function.JsonSchema.GetRawText())));
        }
        if (result.Tools.Count > 0)
        {
            result.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                _ => null, // auto is the server's default; not sending it keeps simple servers happy
            };
            result.AllowParallelToolCalls = options.AllowMultipleToolCalls;
        }
        result.ResponseFormat = options.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => OpenAIChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
            ChatResponseFormatJson => OpenAIChatResponseFormat.CreateJsonObjectFormat(),
            AIChatResponseFormat => null,
            null => null,
        };
        return result;
    }

    private static ChatReasoningEffortLevel EffortLevel(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => ChatReasoningEffortLevel.None,
        ReasoningEffort.Low => ChatReasoningEffortLevel.Low,
        ReasoningEffort.Medium => ChatReasoningEffortLevel.Medium,
        ReasoningEffort.High => ChatReasoningEffortLevel.High,
        _ => ChatReasoningEffortLevel.ExtraHigh,
    };

    private static void AddIfAny(List<OpenAIChatMessage> result, string text, Func<string, OpenAIChatMessage> create)
    {
        if (text.Length > 0) result.Add(create(text));
    }

    private static void AddUser(List<OpenAIChatMessage> result, AIChatMessage message)
    {
        var parts = new List<ChatMessageContentPart>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    parts.Add(ChatMessageContentPart.CreateTextPart(text.Text));
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    parts.Add(ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType));
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    parts.Add(ChatMessageContentPart.CreateImagePart(uri.Uri));
                    break;
                default:
                    break; // function results were handled by the caller; other kinds have no chat-completions form
            }
        }
        if (parts.Count == 0) return;
        // Plain text goes as a string: simple OpenAI-compatible servers do not all take content arrays.
        result.Add(parts.All(p => p.Kind == ChatMessageContentPartKind.Text)
            ? new UserChatMessage(string.Concat(parts.Select(p => p.Text)))
            : new UserChatMessage(parts));
    }

    /// <summary>
    /// Sent for a call the model made without a usable function name (none, over 64 characters, or with
    /// spaces or control characters). The call stays in the conversation (with the error result the agent
    /// loop gave it, so the model sees its mistake), but the SDK and strict servers refuse such a name, which
    /// would make every later request of the session — and its resume — fail; a huge one would also be
    /// re-sent with every request.
    /// </summary>
    internal const string NamelessCallName = "unnamed";

    private const int MaxFunctionNameLength = 64;

    private static string SendableName(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > MaxFunctionNameLength || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? NamelessCallName
            : name;

    private static void AddAssistant(List<OpenAIChatMessage> result, AIChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(call => ChatToolCall.CreateFunctionToolCall(
                call.CallId,
                SendableName(call.Name),
                BinaryData.FromString(ArgumentsJson(call))))
            .ToList();
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (calls.Count == 0)
        {
            AddIfAny(result, text, t => new AssistantChatMessage(t));
            return;
        }
        var assistant = new AssistantChatMessage(calls);
        if (text.Length > 0) assistant.Content.Add(ChatMessageContentPart.CreateTextPart(text));
        result.Add(assistant);
    }

    private static string ArgumentsJson(FunctionCallContent call) =>
        call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, CompactJson.GetTypeInfo(typeof(IDictionary<string, object?>)));

    /// <summary>The text of a tool result: strings as they are, anything else as JSON.</summary>
    internal static string ResultText(FunctionResultContent result) => result.Result switch
    {
        string text => text,
        JsonElement element => element.GetRawText(),
        null when result.Exception is { } error => $"Error: {error.Message}",
        null => "",
        var other => JsonSerializer.Serialize(other, CompactJson.GetTypeInfo(other.GetType())),
    };

    private static JsonSerializerOptions CreateCompactJson()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }
}
