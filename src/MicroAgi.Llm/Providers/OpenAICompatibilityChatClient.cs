using System.Runtime.CompilerServices;
using MicroAgi.Llm.Errors;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// What M.E.AI's OpenAI adapter (<c>ChatClient.AsIChatClient()</c>) leaves out for OpenAI-compatible servers:
/// the reasoning that Ollama and OpenRouter send beside the answer (read from each SDK object's raw JSON, see
/// <see cref="ReasoningText"/>) becomes <see cref="TextReasoningContent"/>; a reply with tool calls that a server
/// finished with "stop" is reported as <see cref="AIChatFinishReason.ToolCalls"/>; the partial tool calls of a
/// stream that stopped before its finish reason are an <see cref="LlmErrorKind.Truncated"/> error, never handed
/// over (the adapter hands over whatever it gathered); a call that came without a name is handed over with an
/// empty one (the adapter would drop it; see <see cref="NamelessCallMarker"/>), and a call the model made with a
/// name no server takes back goes out under <see cref="NamelessCallName"/>. The conversation itself goes out as JSON
/// written once per message (<see cref="MessageArrayCache"/>), not converted and written again at every step, with
/// past calls' arguments compact (<see cref="CompactToolArguments"/>).
/// </summary>
internal sealed class OpenAICompatibilityChatClient(IChatClient inner, ProviderErrors errors) : DelegatingChatClient(inner)
{
    private readonly MessageArrayCache _sentMessages = new();

    /// <summary>
    /// Sent for a call the model made without a usable function name (over 64 characters, or with spaces or
    /// control characters). The call stays in the conversation (with the error result the agent loop gave it,
    /// so the model sees its mistake), but strict servers refuse such a name, which would make every later
    /// request of the session — and its resume — fail.
    /// </summary>
    internal const string NamelessCallName = "unnamed";

    private const int MaxFunctionNameLength = 64;

    /// <summary>
    /// The name the HTTP layer gives a call that came without one (<see cref="ToolCallDeltaRepair"/>), so that
    /// the adapter keeps it; turned back into an empty name here. No model can call a tool by this name: it
    /// starts with a control character.
    /// </summary>
    internal const string NamelessCallMarker = "\u0001nameless";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var sent = WriteMessages(messages, options, out var sendOptions);
        var response = await base.GetResponseAsync(PatchedOut, sendOptions, cancellationToken).ConfigureAwait(false);
        foreach (var message in response.Messages) Unmark(message.Contents);
        if (response.RawRepresentation is ChatCompletion completion && ReasoningText.Of(completion) is { } reasoning && response.Messages.Count > 0)
            response.Messages[0].Contents.Insert(0, new TextReasoningContent(reasoning));
        if (response.Messages.Any(m => m.Contents.OfType<FunctionCallContent>().Any()))
            response.FinishReason = ToolCallsIfStop(response.FinishReason);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var sent = WriteMessages(messages, options, out var sendOptions);
        await foreach (var update in base.GetStreamingResponseAsync(PatchedOut, sendOptions, cancellationToken).ConfigureAwait(false))
        {
            Unmark(update.Contents);
            if (update.RawRepresentation is StreamingChatCompletionUpdate raw && ReasoningText.Of(raw) is { } reasoning)
                update.Contents.Insert(0, new TextReasoningContent(reasoning));
            // The adapter hands over the calls in one update after the stream ended, with the finish reason if one came.
            if (update.Contents.OfType<FunctionCallContent>().FirstOrDefault() is { } call)
            {
                if (update.FinishReason is null) throw errors.Truncated($"the stream stopped in the middle of tool call '{call.Name}'");
                update.FinishReason = ToolCallsIfStop(update.FinishReason);
            }
            yield return update;
        }
    }

    /// <summary>Gives the calls named <see cref="NamelessCallMarker"/> their empty name back.</summary>
    private static void Unmark(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
            if (contents[i] is FunctionCallContent { Name: NamelessCallMarker } call)
                contents[i] = new FunctionCallContent(call.CallId, "", call.Arguments) { Exception = call.Exception, RawRepresentation = call.RawRepresentation };
    }

    private static AIChatFinishReason? ToolCallsIfStop(AIChatFinishReason? reason) =>
        reason == AIChatFinishReason.Stop ? AIChatFinishReason.ToolCalls : reason;

    /// <summary>
    /// Writes the conversation as the request's <c>messages</c> JSON through <see cref="MessageArrayCache"/> (each
    /// message once per conversation, not once per step) and hands it to the SDK as a patch of its request body,
    /// which it writes as it is; the adapter is given one placeholder message to convert (the SDK refuses none),
    /// which the patch replaces. The patch API is marked
    /// experimental (SCME0001) but is the SDK's own way to send JSON it does not model.
    /// </summary>
    private static readonly AIChatMessage[] PatchedOut =
        [new(ChatRole.User, "") { RawRepresentation = new UserChatMessage("(replaced by the patched messages)") }];

    private RentedJson WriteMessages(IEnumerable<AIChatMessage> messages, ChatOptions? options, out ChatOptions sendOptions)
    {
        IReadOnlyList<AIChatMessage> conversation = messages as IReadOnlyList<AIChatMessage> ?? [.. messages];
        sendOptions = options?.Clone() ?? new ChatOptions();
        if (!string.IsNullOrWhiteSpace(sendOptions.Instructions))
        {
            // Where the adapter would put them: a system message first.
            conversation = [new AIChatMessage(ChatRole.System, sendOptions.Instructions), .. conversation];
            sendOptions.Instructions = null;
        }
        var sent = _sentMessages.Write(conversation, ToSdkMessages);
        var json = BinaryData.FromBytes(sent.Json);
        var requestOptions = sendOptions.RawRepresentationFactory;
        sendOptions.RawRepresentationFactory = client =>
        {
            var request = requestOptions?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
#pragma warning disable SCME0001
            request.Patch.Set("$.messages"u8, json);
#pragma warning restore SCME0001
            return request;
        };
        return sent;
    }

    internal static IEnumerable<OpenAI.Chat.ChatMessage> ToSdkMessages(AIChatMessage message)
    {
        var converted = new[] { WithSendableNames(message) }.AsOpenAIChatMessages().ToList();
        foreach (var assistant in converted.OfType<AssistantChatMessage>()) CompactToolArguments.Apply(assistant);
        return converted;
    }

    private static AIChatMessage WithSendableNames(AIChatMessage message)
    {
        if (message.Role != ChatRole.Assistant || !message.Contents.Any(c => c is FunctionCallContent call && !IsSendableName(call.Name)))
            return message;
        var copy = message.Clone();
        copy.Contents = [.. message.Contents.Select(c => c is FunctionCallContent call && !IsSendableName(call.Name)
            ? new FunctionCallContent(call.CallId, NamelessCallName, call.Arguments)
            : c)];
        return copy;
    }

    private static bool IsSendableName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxFunctionNameLength && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}
