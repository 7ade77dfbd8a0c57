using Microsoft.Extensions.AI;
using MicroAgi.Llm.Usage;

namespace MicroAgi.Agents.Runtime;

/// <summary>How a turn ended.</summary>
public enum TurnOutcome
{
    /// <summary>The model answered with text.</summary>
    Answered,

    /// <summary>The model hit its output limit; the answer is cut off.</summary>
    Truncated,

    /// <summary>The turn used every step it was allowed without an answer.</summary>
    IterationLimit,
}

public sealed record TurnResult(string Text, TurnOutcome Outcome, int Steps, UsageReport Usage);

/// <summary>
/// The agent loop of one session: the user's prompt → model step → tool calls executed → results
/// appended → step again, until the model answers in text or the step limit is reached. A tool
/// loaded with load_tool joins the agent before the next step; a full context is compressed.
/// </summary>
public sealed class AgentSession
{
    private readonly AgentServices _services;
    private readonly ToolCallExecutor _executor;
    private readonly ContextCompressor _compressor;

    public AgentSession(AgentServices services, AgentContext context, Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        Context = context;
        Conversation = conversation;
        _executor = new ToolCallExecutor(services.Tools, services.Settings.ToolTimeout);
        _compressor = new ContextCompressor(services);
        Runner = context.LoadAgent();
    }

    public AgentContext Context { get; }
    public Conversation Conversation { get; }

    /// <summary>The runner the next step uses (replaced when a tool is loaded).</summary>
    public AgentRunner Runner { get; private set; }

    /// <summary>
    /// Runs one user turn. Cancelling stops the current step; the conversation keeps the request and
    /// every completed step, and never an unanswered tool call.
    /// </summary>
    public async Task<TurnResult> RunTurnAsync(string prompt, IAgentObserver observer, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        ArgumentNullException.ThrowIfNull(observer);
        Conversation.Add(new ChatMessage(ChatRole.User, prompt));
        try
        {
            for (var step = 1; step <= _services.Settings.MaxIterations; step++)
            {
                var result = await Runner.StepAsync(Conversation, observer, cancellationToken).ConfigureAwait(false);
                _services.Costs.Record(Runner.Model, result.Usage);

                if (result.ToolCalls.Count == 0)
                {
                    Conversation.Add(result.Message);
                    var truncated = result.FinishReason == ChatFinishReason.Length;
                    if (truncated) observer.Notice($"the answer was cut off at the output limit ({Runner.Definition.MaxTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "model default"} tokens)");
                    await CompressIfFullAsync(result, observer, cancellationToken).ConfigureAwait(false);
                    return Finish(result.Text, truncated ? TurnOutcome.Truncated : TurnOutcome.Answered, step);
                }

                var outcomes = await ExecuteToolCallsAsync(result, observer, cancellationToken).ConfigureAwait(false);
                var loaded = outcomes.Select(o => o.LoadedTool).OfType<Registry.EntryId>().ToList();
                if (loaded.Count > 0)
                {
                    Context.AddTools(loaded);
                    Runner = Context.LoadAgent();
                    foreach (var id in loaded) observer.ToolLoaded(id);
                }
                await CompressIfFullAsync(result, observer, cancellationToken).ConfigureAwait(false);
            }
            observer.Notice($"stopped after {_services.Settings.MaxIterations} steps without a final answer; ask again to continue");
            return Finish("", TurnOutcome.IterationLimit, _services.Settings.MaxIterations);
        }
        catch
        {
            _services.Costs.EndTurn();
            throw;
        }
    }

    private async Task<List<ToolCallOutcome>> ExecuteToolCallsAsync(StepResult result, IAgentObserver observer, CancellationToken cancellationToken)
    {
        var outcomes = new List<ToolCallOutcome>(result.ToolCalls.Count);
        try
        {
            foreach (var call in result.ToolCalls)
            {
                var outcome = await _executor.ExecuteAsync(Runner, call, cancellationToken).ConfigureAwait(false);
                outcomes.Add(outcome);
                observer.ToolFinished(outcome.ToolName, outcome.Error);
            }
        }
        finally
        {
            // The assistant message and a result for each of its calls go in together, so the
            // conversation stays valid for the provider even when the user cancels midway.
            foreach (var call in result.ToolCalls.Skip(outcomes.Count)) outcomes.Add(ToolCallExecutor.Cancelled(call));
            Conversation.Add(result.Message);
            Conversation.Add(new ChatMessage(ChatRole.Tool, outcomes.Select(AIContent (o) => o.Result).ToList()));
        }
        return outcomes;
    }

    private async Task CompressIfFullAsync(StepResult result, IAgentObserver observer, CancellationToken cancellationToken)
    {
        if (_compressor.ShouldCompress(Runner, result.Usage))
        {
            await _compressor.CompressAsync(Conversation, observer, cancellationToken).ConfigureAwait(false);
        }
    }

    private TurnResult Finish(string text, TurnOutcome outcome, int steps) => new(text, outcome, steps, _services.Costs.EndTurn());
}
