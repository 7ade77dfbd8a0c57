using Microsoft.Extensions.AI;
using MicroAgi.Llm.Errors;
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
    private readonly List<IStepGuard> _guards = [];
    private int _runnerTuning;

    public AgentSession(AgentServices services, AgentContext context, Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        Context = context;
        Conversation = conversation;
        _executor = new ToolCallExecutor(services.Settings.ToolTimeout);
        _compressor = new ContextCompressor(services);
        Runner = context.LoadAgent();
        _runnerTuning = context.Tuning.Version;
    }

    public AgentContext Context { get; }
    public Conversation Conversation { get; }

    /// <summary>The runner the next step uses (replaced when a tool is loaded or the session's tuning changed).</summary>
    public AgentRunner Runner { get; private set; }

    /// <summary>The context window compression is measured against: the session's choice, else the model's.</summary>
    public int ContextWindow => Context.Tuning.ContextWindowTokens ?? Runner.Model.ContextWindow;

    /// <summary>Adds a check that runs before every step (the self tool's watchdog).</summary>
    public void AddGuard(IStepGuard guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        _guards.Add(guard);
    }

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
            var steps = 0;
            while (true)
            {
                // The limit is read each time round: a change made by a tool call applies from the next step.
                BeforeStep(observer);
                if (steps >= Context.Tuning.MaxIterations) break;
                steps++;
                var result = await Runner.StepAsync(Conversation, observer, cancellationToken).ConfigureAwait(false);
                _services.Costs.Record(Runner.Model, result.Usage);

                if (result.ToolCalls.Count == 0)
                {
                    Conversation.Add(result.Message);
                    var truncated = result.FinishReason == ChatFinishReason.Length;
                    if (truncated) observer.Notice($"the answer was cut off at the output limit ({Runner.Definition.MaxTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "model default"} tokens)");
                    await CompressIfFullAsync(result, answered: true, observer, cancellationToken).ConfigureAwait(false);
                    return Finish(result.Text, truncated ? TurnOutcome.Truncated : TurnOutcome.Answered, steps);
                }

                await ExecuteToolCallsAsync(result, observer, cancellationToken).ConfigureAwait(false);
                await CompressIfFullAsync(result, answered: false, observer, cancellationToken).ConfigureAwait(false);
            }
            observer.Notice($"stopped after {steps} steps without a final answer; ask again to continue");
            return Finish("", TurnOutcome.IterationLimit, steps);
        }
        catch
        {
            _services.Costs.EndTurn();
            throw;
        }
    }

    /// <summary>Runs the guards, then rebuilds the runner when the session's tuning changed since it was built.</summary>
    private void BeforeStep(IAgentObserver observer)
    {
        foreach (var guard in _guards) guard.BeforeStep(this, observer);
        if (Context.Tuning.Version == _runnerTuning) return;
        Runner = Context.LoadAgent();
        _runnerTuning = Context.Tuning.Version;
    }

    private async Task ExecuteToolCallsAsync(StepResult result, IAgentObserver observer, CancellationToken cancellationToken)
    {
        var outcomes = new List<ToolCallOutcome>(result.ToolCalls.Count);
        try
        {
            foreach (var call in result.ToolCalls)
            {
                var outcome = await _executor.ExecuteAsync(Runner, call, cancellationToken).ConfigureAwait(false);
                if (outcome.LoadedTool is { } loaded) outcome = JoinLoadedTool(call, outcome, loaded);
                outcomes.Add(outcome);
                observer.ToolFinished(outcome.ToolName, outcome.Error);
                if (outcome.LoadedTool is { } joined) observer.ToolLoaded(joined);
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
    }

    /// <summary>
    /// Adds a tool that load_tool found, or that create_tool wrote, if the agent's grant covers it, and
    /// reloads the runner, so the rest of this step and the next one can call it (a model that creates
    /// and calls a tool in one reply saves a request). A tool the runner cannot bind (its name clashes,
    /// its schema is unusable, the grant refuses it) is taken back out, and the model reads why instead
    /// of a success it cannot act on. A tool that was already in the agent is not announced again.
    /// </summary>
    private ToolCallOutcome JoinLoadedTool(FunctionCallContent call, ToolCallOutcome outcome, Registry.EntryId id)
    {
        // A tool the definition already gives the agent needs no grant to load.
        if (!outcome.Created && Runner.Tools.Any(t => t.Tool.Id == id)) return outcome;
        var alreadyAdded = Context.AddedTools.Contains(id);
        try
        {
            Context.AddTools(id);
        }
        catch (Definitions.ToolNotLoadableException refused)
        {
            return outcome.Created ? ToolCallExecutor.WithLoadNote(outcome, refused.Message) : ToolCallExecutor.Failed(call, refused.Message);
        }
        var runner = Context.LoadAgent();
        var problem = runner.Problems.FirstOrDefault(p => p.Tool == id.ToString());
        if (problem is null)
        {
            Runner = runner;
            if (outcome.Created) outcome = ToolCallExecutor.WithLoadNote(outcome, null);
            return alreadyAdded ? outcome with { LoadedTool = null } : outcome;
        }
        if (!alreadyAdded) Context.RemoveTool(id);
        var reason = $"{id} cannot be used: {problem.Reason}";
        return outcome.Created ? ToolCallExecutor.WithLoadNote(outcome, reason) : ToolCallExecutor.Failed(call, reason);
    }

    /// <summary>
    /// Compresses a conversation that fills the window. A compression that fails is reported and the
    /// conversation kept whole: the answer or tool results of this step are already in, and the next
    /// request to the model says plainly if the context really is too long.
    /// </summary>
    private async Task CompressIfFullAsync(StepResult result, bool answered, IAgentObserver observer, CancellationToken cancellationToken)
    {
        if (!_compressor.ShouldCompress(ContextWindow, result.Usage)) return;
        try
        {
            await _compressor.CompressAsync(Conversation, answered, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (LlmException ex) when (!cancellationToken.IsCancellationRequested)
        {
            observer.Notice($"could not compress the conversation, it stays as it is: {ex.Message}");
        }
    }

    private TurnResult Finish(string text, TurnOutcome outcome, int steps) => new(text, outcome, steps, _services.Costs.EndTurn());
}
