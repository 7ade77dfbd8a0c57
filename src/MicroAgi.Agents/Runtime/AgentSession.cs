using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MicroAgi.Llm.Errors;
using MicroAgi.Llm.Usage;
using MicroAgi.Telemetry;

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
    private readonly ILogger _log;
    private int _runnerTuning;

    public AgentSession(AgentServices services, AgentContext context, Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        Context = context;
        Conversation = conversation;
        _executor = new ToolCallExecutor(() => context.Tuning.ToolTimeout ?? services.Settings.ToolTimeout, services.Approval, services.Changes);
        _compressor = new ContextCompressor(services);
        _log = services.Logging.CreateLogger<AgentSession>();
        Runner = context.LoadAgent();
        _runnerTuning = context.Tuning.Version;
    }

    public AgentContext Context { get; }
    public Conversation Conversation { get; }

    /// <summary>The runner the next step uses (replaced when a tool is loaded or the session's tuning changed).</summary>
    public AgentRunner Runner { get; private set; }

    /// <summary>The context window compression is measured against: the session's choice, else the model's.</summary>
    public int ContextWindow => Context.Tuning.ContextWindowTokens ?? Runner.Model.ContextWindow;

    /// <summary>Rebuilds the runner from the registry now (after a rollback took away a tool it was built with).</summary>
    public void Reload()
    {
        Runner = Context.LoadAgent();
        _runnerTuning = Context.Tuning.Version;
    }

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
        // Model calls and tool calls of the turn become this span's children.
        using var span = MicroAgiTelemetry.StartAgentTurn(Context.AgentId.Name, Runner.Model.Name);
        AgentLog.TurnStarted(_log, Context.AgentId.ToString(), Runner.Model.Name, Conversation.Messages.Count);
        var clock = Stopwatch.StartNew();
        var steps = 0;
        try
        {
            // A resumed session, or a long prompt, may already fill the window before anything is sent.
            await CompressIfFullAsync(usage: null, sent: 0, answered: false, observer, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                // The limit is read each time round: a change made by a tool call applies from the next step.
                BeforeStep(observer);
                if (steps >= Context.Tuning.MaxIterations) break;
                steps++;
                var sent = Conversation.Messages.Count;
                var stepStarted = clock.ElapsedMilliseconds;
                var result = await StepAsync(observer, cancellationToken).ConfigureAwait(false);
                _services.Costs.Record(Runner.Model, result.Usage);
                AgentLog.StepFinished(_log, steps, result.ToolCalls.Count, result.FinishReason?.Value ?? "none",
                    result.Usage?.InputTokenCount ?? 0, result.Usage?.OutputTokenCount ?? 0, clock.ElapsedMilliseconds - stepStarted);

                if (result.ToolCalls.Count == 0)
                {
                    Conversation.Add(result.Message);
                    var truncated = result.FinishReason == ChatFinishReason.Length;
                    if (truncated) observer.Notice($"the answer was cut off at the output limit ({Runner.Definition.MaxTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "model default"} tokens)");
                    await CompressIfFullAsync(result.Usage, sent, answered: true, observer, cancellationToken).ConfigureAwait(false);
                    return Finish(result.Text, truncated ? TurnOutcome.Truncated : TurnOutcome.Answered, steps, clock);
                }

                await ExecuteToolCallsAsync(result, observer, cancellationToken).ConfigureAwait(false);
                await CompressIfFullAsync(result.Usage, sent, answered: false, observer, cancellationToken).ConfigureAwait(false);
            }
            observer.Notice($"stopped after {steps} steps without a final answer; ask again to continue");
            return Finish("", TurnOutcome.IterationLimit, steps, clock);
        }
        catch (Exception e)
        {
            AgentLog.TurnFailed(_log, steps, clock.ElapsedMilliseconds, e is OperationCanceledException ? "cancelled" : e.Message);
            MicroAgiTelemetry.Fail(span, e);
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

    /// <summary>
    /// One model step. When the provider refuses the conversation as longer than the model's window, the
    /// conversation is compressed — shrunk whatever happens — and the step is tried once more.
    /// </summary>
    private async Task<StepResult> StepAsync(IAgentObserver observer, CancellationToken cancellationToken)
    {
        try
        {
            return await Runner.StepAsync(Conversation, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (LlmException ex) when (ex.Kind == LlmErrorKind.ContextTooLong)
        {
            observer.Notice("the conversation is too long for the model; compressing it and trying again");
            await _compressor.CompressAsync(Conversation, Runner, answered: false, mustShrink: true, observer, cancellationToken).ConfigureAwait(false);
            return await Runner.StepAsync(Conversation, observer, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ExecuteToolCallsAsync(StepResult result, IAgentObserver observer, CancellationToken cancellationToken)
    {
        var outcomes = new List<ToolCallOutcome>(result.ToolCalls.Count);
        try
        {
            foreach (var call in result.ToolCalls)
            {
                if (Runner.FindTool(call.Name) is null && Runner.FindDeferred(call.Name) is { } deferred) Undefer(deferred.Tool.Id, observer);
                observer.ToolStarted(call.Name, ArgumentsText(call));
                var started = Stopwatch.GetTimestamp();
                var outcome = await _executor.ExecuteAsync(Runner, call, cancellationToken).ConfigureAwait(false);
                var milliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (outcome.Error is { } error) AgentLog.ToolFailed(_log, outcome.ToolName, call.CallId, milliseconds, error);
                else AgentLog.ToolSucceeded(_log, outcome.ToolName, call.CallId, milliseconds);
                if (outcome.LoadedTool is { } loaded) outcome = JoinLoadedTool(call, outcome, loaded);
                // A server the agent added brings tools its definition may grant (the default agent's mcp.*): offered from now on.
                if (outcome.ToolsChanged) Runner = Context.LoadAgent();
                outcomes.Add(outcome);
                observer.ToolOutput(outcome.ToolName, outcome.Result.Result as string ?? System.Text.Json.JsonSerializer.Serialize(outcome.Result.Result, AIJsonUtilities.DefaultOptions));
                observer.ToolFinished(outcome.ToolName, outcome.Error);
                if (outcome.LoadedTool is { } joined)
                {
                    AgentLog.ToolJoined(_log, joined.ToString());
                    observer.ToolLoaded(joined);
                }
            }
        }
        finally
        {
            // The assistant message and a result for each of its calls go in together, so the
            // conversation stays valid for the provider even when the user cancels midway.
            foreach (var call in result.ToolCalls.Skip(outcomes.Count)) outcomes.Add(ToolCallExecutor.Cancelled(call));
            var cap = ContextBudget.ToolResultCharacters(Runner.Model, outcomes.Count);
            Conversation.AddRange([result.Message, new ChatMessage(ChatRole.Tool, outcomes.Select(AIContent (o) => Fitted(o, cap, observer)).ToList())]);
        }
    }

    /// <summary>
    /// The model called a deferred tool by the name the prompt lists: it joins with its schema before the call
    /// runs (its arguments are checked against that schema as for any tool), and later requests offer it whole.
    /// </summary>
    private void Undefer(Registry.EntryId id, IAgentObserver observer)
    {
        Context.Undefer(id);
        Runner = Context.LoadAgent();
        AgentLog.ToolJoined(_log, id.ToString());
        observer.ToolLoaded(id);
    }

    /// <summary>A call's arguments as JSON text for the observer (<c>{}</c> when the model's did not parse).</summary>
    private static string ArgumentsText(FunctionCallContent call) =>
        call.Arguments is null ? "{}" : System.Text.Json.JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions);

    /// <summary>
    /// Adds a tool that load_tool found, or that create_tool wrote, if the agent's grant covers it, and
    /// reloads the runner, so the rest of this step and the next one can call it (a model that creates
    /// and calls a tool in one reply saves a request). A tool the runner cannot bind (its name clashes,
    /// its schema is unusable, the grant refuses it) is taken back out, and the model reads why instead
    /// of a success it cannot act on. A tool that was already in the agent is not announced again.
    /// </summary>
    private ToolCallOutcome JoinLoadedTool(FunctionCallContent call, ToolCallOutcome outcome, Registry.EntryId id)
    {
        // A tool the agent already has (from its definition or an earlier load) needs no grant and no announcement.
        if (!outcome.Created && Runner.Tools.Any(t => t.Tool.Id == id)) return outcome with { LoadedTool = null };
        // A deferred tool is the agent's own: loading it only sends its schema from now on.
        if (!outcome.Created && Runner.Deferred.Any(t => t.Tool.Id == id))
        {
            Context.Undefer(id);
            Runner = Context.LoadAgent();
            return outcome;
        }
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
    /// A tool result cut to its share of the model's window, with a mark that says how to get the rest: one
    /// huge result must not fill the context for good.
    /// </summary>
    private static FunctionResultContent Fitted(ToolCallOutcome outcome, int cap, IAgentObserver observer)
    {
        if (outcome.Result.Result is not string text || text.Length <= cap) return outcome.Result;
        observer.Notice(string.Create(CultureInfo.InvariantCulture,
            $"the result of {outcome.ToolName} was cut from {text.Length:N0} to {cap:N0} characters to fit the model's context"));
        return new FunctionResultContent(outcome.Result.CallId,
            ContextBudget.Cut(text, cap, "to see the rest, call the tool again for a smaller part (a range, a page, a filter) or make it return less"));
    }

    /// <summary>
    /// Compresses a conversation that fills the window. A compression that fails is reported and the
    /// conversation kept whole: the answer or tool results of this step are already in, and a request the
    /// provider then refuses as too long is compressed again, shrinking it whatever happens.
    /// </summary>
    private async Task CompressIfFullAsync(UsageDetails? usage, int sent, bool answered, IAgentObserver observer, CancellationToken cancellationToken)
    {
        if (!_compressor.ShouldCompress(ContextWindow, usage, Conversation, sent)) return;
        try
        {
            var before = Conversation.Messages.Count;
            await _compressor.CompressAsync(Conversation, Runner, answered, mustShrink: false, observer, cancellationToken).ConfigureAwait(false);
            AgentLog.Compressed(_log, before, Conversation.Messages.Count);
        }
        catch (LlmException ex) when (!cancellationToken.IsCancellationRequested)
        {
            observer.Notice($"could not compress the conversation, it stays as it is: {ex.Message}");
        }
    }

    private TurnResult Finish(string text, TurnOutcome outcome, int steps, Stopwatch clock)
    {
        AgentLog.TurnEnded(_log, outcome, steps, clock.ElapsedMilliseconds);
        return new(text, outcome, steps, _services.Costs.EndTurn());
    }
}
