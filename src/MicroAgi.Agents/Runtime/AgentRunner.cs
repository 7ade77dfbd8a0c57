using Microsoft.Extensions.AI;
using MicroAgi.Functions.Tools;
using MicroAgi.Agents.Definitions;
using MicroAgi.Llm.Models;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>The outcome of one model step: the assistant message, its tool calls, usage and finish reason.</summary>
public sealed record StepResult(
    ChatMessage Message,
    IReadOnlyList<FunctionCallContent> ToolCalls,
    UsageDetails? Usage,
    ChatFinishReason? FinishReason)
{
    public string Text => Message.Text;
}

/// <summary>
/// A compiled agent: prompt, model client and tool declarations fixed at load time. It holds no
/// conversation; <see cref="StepAsync"/> sends the prompt plus the given conversation and returns
/// what the model said, streaming text to the observer as it arrives.
/// </summary>
public sealed class AgentRunner
{
    private readonly IChatClient _client;
    private readonly ChatOptions _options;
    private readonly ChatMessage _systemPrompt;
    private readonly Dictionary<string, RegistryToolFunction> _toolsByName;
    private readonly Dictionary<string, AIFunction> _offeredByName;
    private readonly bool _stream;

    public AgentRunner(
        AgentDefinition definition,
        ModelDefinition model,
        IChatClient client,
        IReadOnlyList<RegistryToolFunction> tools,
        IReadOnlyList<ToolResolver.Problem> problems,
        bool stream,
        IRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(tools);
        Definition = definition;
        Model = model;
        Tools = tools;
        Problems = problems;
        _client = client;
        _stream = stream;
        _systemPrompt = new ChatMessage(ChatRole.System, definition.Prompt);
        _toolsByName = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        // Generated tools are offered as approval-required functions: the seam an M.E.AI host reads as well.
        _offeredByName = tools.ToDictionary(t => t.Name, t => Approval.ToolCallApproval.Present(t, registry), StringComparer.Ordinal);
        _options = new ChatOptions
        {
            ModelId = model.Name,
            MaxOutputTokens = definition.MaxTokens,
            Temperature = (float?)definition.Temperature,
            Tools = [.. _offeredByName.Values],
        };
        if (definition.ThinkingEffort is { } effort)
        {
            _options.Reasoning = new ReasoningOptions { Effort = MicroAgi.Llm.Models.ThinkingEffortScale.ToReasoningEffort(effort) };
        }
    }

    public AgentDefinition Definition { get; }
    public ModelDefinition Model { get; }
    public IReadOnlyList<RegistryToolFunction> Tools { get; }

    /// <summary>Tools the definition names that could not be bound, with the reason.</summary>
    public IReadOnlyList<ToolResolver.Problem> Problems { get; }

    /// <summary>What the tool policy kept and removed when this runner was built (a call to a removed tool is refused with the reason).</summary>
    public Policy.ToolFilterResult Policy { get; init; } = new([], []);

    /// <summary>Granted tools offered by name only until first used (<see cref="AgentDefinition.Deferred"/>).</summary>
    public IReadOnlyList<RegistryToolFunction> Deferred { get; init; } = [];

    /// <summary>Every tool the agent has: those offered with their schemas and the deferred ones.</summary>
    public IEnumerable<RegistryToolFunction> AllTools => Tools.Concat(Deferred);

    public RegistryToolFunction? FindTool(string llmName) => _toolsByName.GetValueOrDefault(llmName);

    public RegistryToolFunction? FindDeferred(string llmName) => Deferred.FirstOrDefault(t => t.Name == llmName);

    /// <summary>The tool as the model is offered it (an <see cref="ApprovalRequiredAIFunction"/> when a call needs the user's yes).</summary>
    public AIFunction? FindOffered(string llmName) => _offeredByName.GetValueOrDefault(llmName);

    public async Task<StepResult> StepAsync(Conversation conversation, IAgentObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(observer);
        var messages = new List<ChatMessage>(conversation.Messages.Count + 1) { _systemPrompt };
        messages.AddRange(conversation.Messages);

        var limit = new AnswerLimit(Definition.MaxTokens ?? Model.OutputTokens);
        ChatResponse response;
        if (_stream)
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in _client.GetStreamingResponseAsync(messages, _options.Clone(), cancellationToken).ConfigureAwait(false))
            {
                updates.Add(update);
                Show(update.Contents, observer, limit);
                // Leaving the loop ends the request: a server ignoring the limit is read no further.
                if (limit.Exceeded) break;
            }
            response = updates.ToChatResponse();
        }
        else
        {
            response = await _client.GetResponseAsync(messages, _options.Clone(), cancellationToken).ConfigureAwait(false);
            Show(response.Messages.SelectMany(m => m.Contents), observer, limit);
        }

        // A response may arrive as several messages; the conversation keeps them as one assistant turn.
        var contents = response.Messages.SelectMany(m => m.Contents).Where(c => c is not UsageContent).ToList();
        var finish = response.FinishReason;
        if (limit.Exceeded)
        {
            contents = limit.Trim(contents);
            finish = ChatFinishReason.Length;
        }
        var message = new ChatMessage(ChatRole.Assistant, contents);
        var toolCalls = contents.OfType<FunctionCallContent>().ToList();
        return new StepResult(message, toolCalls, response.Usage, finish);
    }

    /// <summary>Shows the reasoning and the text of <paramref name="contents"/>, as far as the answer's limit allows.</summary>
    private static void Show(IEnumerable<AIContent> contents, IAgentObserver observer, AnswerLimit limit)
    {
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextReasoningContent reasoning when reasoning.Text.Length > 0:
                    if (limit.Admit(reasoning.Text) is { Length: > 0 } shownReasoning) observer.ReasoningDelta(shownReasoning);
                    break;
                case TextContent text when text.Text.Length > 0:
                    if (limit.Admit(text.Text) is { Length: > 0 } shownText) observer.TextDelta(shownText);
                    break;
            }
        }
    }
}
