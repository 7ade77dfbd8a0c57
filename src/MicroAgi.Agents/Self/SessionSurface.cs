using System.Text.Json.Nodes;
using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions.Tools;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Usage;

namespace MicroAgi.Agents.Self;

/// <summary>
/// Publishes what a session exposes of itself: the restricted parameters (<c>max_iterations</c>,
/// <c>context_window_tokens</c>, <c>model</c>), the generation settings the model takes, the tool set,
/// the context (system prompt, messages), token usage and cost, and the compression settings.
/// </summary>
public static class SessionSurface
{
    public const int MinIterations = 1;
    public const int MaxIterations = 100;
    public const int MinContextWindow = 4_096;
    public const int MaxContextWindow = 1_000_000;

    public static RuntimeSurface Create(AgentSession session, AgentServices services)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(services);
        var surface = new RuntimeSurface();
        var root = surface.Root;
        var tuning = session.Context.Tuning;
        var settings = services.Settings;
        // Read from the registry, not the runner: the runner's definition carries the tuning it was built with.
        AgentDefinition Configured() => session.Context.ReadDefinition();
        ModelDefinition NextModel() => services.Models().Resolve(session.Context.ModelName(Configured()));

        root.Add(new SurfaceProperty("max_iterations", "Model steps one user turn may take", () => tuning.MaxIterations, new SurfaceSetter
        {
            Rule = new IntegerRule(MinIterations, MaxIterations),
            Apply = value => tuning.MaxIterations = (int)(long)value,
            Reset = () => tuning.MaxIterations = settings.MaxIterations,
            IsChanged = () => tuning.MaxIterations != settings.MaxIterations,
            Restricted = true,
        }));
        root.Add(new SurfaceProperty("context_window_tokens", "The window, in tokens, the conversation is compressed to stay within",
            () => tuning.ContextWindowTokens ?? NextModel().ContextWindow, new SurfaceSetter
            {
                Rule = new IntegerRule(MinContextWindow, MaxContextWindow),
                Apply = value => tuning.ContextWindowTokens = (int)(long)value,
                Reset = () => tuning.ContextWindowTokens = null,
                IsChanged = () => tuning.ContextWindowTokens is not null,
                Restricted = true,
            }));
        root.Add(new SurfaceProperty("model", "The model the agent runs on", () => NextModel().Name, new SurfaceSetter
        {
            Rule = new TextRule("a model name or class known to the registry", name => ModelProblem(services, session, name)),
            Apply = value => tuning.Model = (string)value!,
            Reset = () => tuning.Model = null,
            IsChanged = () => tuning.Model is not null,
            Restricted = true,
        }));
        root.Add(new SurfaceProperty("temperature", "Sampling temperature (null: the model's default); reasoning models take none",
            () => tuning.Temperature ?? Configured().Temperature, new SurfaceSetter
            {
                Rule = new NumberRule(0, 2, () => NextModel() is { IsReasoningModel: true } m ? $"{m.Name} is a reasoning model and takes no temperature" : null),
                Apply = value => tuning.Temperature = (double)value,
                Reset = () => tuning.Temperature = null,
                IsChanged = () => tuning.Temperature is not null,
            }));
        root.Add(new SurfaceProperty("thinking_effort", "How hard a reasoning model thinks, 0–100 (null: the model's default)",
            () => tuning.ThinkingEffort ?? Configured().ThinkingEffort ?? NextModel().ThinkingEffort, new SurfaceSetter
            {
                Rule = new IntegerRule(0, () => 100, () => NextModel() is { IsReasoningModel: false } m ? $"{m.Name} does not think (it is not a reasoning model)" : null),
                Apply = value => tuning.ThinkingEffort = (int)(long)value,
                Reset = () => tuning.ThinkingEffort = null,
                IsChanged = () => tuning.ThinkingEffort is not null,
            }));

        PublishTools(root.Node("tools", "The agent's tools: list_tools shows them, manage_tool changes the set"), session, settings);
        PublishContext(root.Node("context", "What the model is sent: the system prompt and the conversation"), session);
        PublishUsage(root.Node("usage", "Tokens and cost of the last turn, the current one and the session"), services.Costs);
        var compression = root.Node("compression", "When and how a full conversation is summarised");
        compression.Add(new SurfaceProperty("threshold", "Compress when the prompt exceeds this share of the context window", () => settings.CompressionThreshold));
        compression.Add(new SurfaceProperty("target_characters", "The size the summary is compressed to", () => settings.CompressionTargetCharacters));
        compression.Add(new SurfaceProperty("model", "The model (name or class) that compresses", () => settings.CompressionModel));
        return surface;
    }

    /// <summary>Why <paramref name="name"/> cannot be the session's model, or null when it can.</summary>
    private static string? ModelProblem(AgentServices services, AgentSession session, string name)
    {
        var catalog = services.Models();
        var configured = session.Context.ConfiguredModelName(session.Context.ReadDefinition());
        var model = catalog.FindByName(name) ?? catalog.FindByClass(name);
        // An unregistered model is allowed only as configured (--model llama3.1 on a local server): a made-up name is not.
        if (model is null && string.Equals(name, configured, StringComparison.OrdinalIgnoreCase)) model = catalog.Resolve(name);
        if (model is null)
        {
            var classes = catalog.Models.SelectMany(m => m.Classes).Distinct(StringComparer.OrdinalIgnoreCase);
            return $"model '{name}' is not a known model; use one of: {string.Join(", ", catalog.Models.Select(m => m.Name))} (or a class: {string.Join(", ", classes)})";
        }
        try
        {
            services.ChatClientFor(model);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return $"model '{name}' cannot run here: {ex.Message}";
        }
    }

    private static void PublishTools(SurfaceNode tools, AgentSession session, AgentSettings settings)
    {
        tools.Add(new SurfaceProperty("active", "The tools the next step offers the model", () =>
            new JsonArray([.. Offered(session).Select(t => (JsonNode)new JsonObject { ["name"] = t.LlmName, ["id"] = t.Id.ToString(), ["description"] = t.Description })])));
        tools.Add(new SurfaceProperty("unregistered", "Tools taken out in this session (manage_tool register brings them back)", () =>
            new JsonArray([.. session.Context.Tuning.UnregisteredTools.Select(id => (JsonNode)id.ToString())])));
        var configured = settings.ToolTimeout.TotalSeconds;
        var tuning = session.Context.Tuning;
        // Writable only downwards: the agent may make its calls stricter, never looser than the user configured.
        tools.Add(new SurfaceProperty("timeout_seconds", "The longest one tool call may take (at most as configured)",
            () => (tuning.ToolTimeout ?? settings.ToolTimeout).TotalSeconds, new SurfaceSetter
            {
                Rule = new NumberRule(0.1, configured),
                Apply = value => tuning.ToolTimeout = TimeSpan.FromSeconds((double)value),
                Reset = () => tuning.ToolTimeout = null,
                IsChanged = () => tuning.ToolTimeout is not null,
                TakesEffect = "from the next tool call",
            }));
    }

    /// <summary>The tools the next step will offer: granted, not disabled, not unregistered.</summary>
    internal static IReadOnlyList<ToolEntry> Offered(AgentSession session) =>
        [.. session.Context.Resolve().Tools.Select(f => f.Tool).Where(t => !session.Context.Tuning.IsUnregistered(t.Id))];

    private static void PublishContext(SurfaceNode context, AgentSession session)
    {
        context.Add(new SurfaceProperty("agent", "The agent entry this session runs", () => session.Context.AgentId.ToString()));
        context.Add(new SurfaceProperty("message_count", "Messages in the conversation (the system prompt not counted)", () => session.Conversation.Messages.Count));
        context.Add(new SurfaceMethod("build_system_prompt", "The system prompt as the next step sends it",
            () => session.Context.ReadDefinition().Prompt));
        context.Add(new SurfaceMethod("recent_messages", "The last messages of the conversation, each shortened to 500 characters",
            new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["count"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 50 } },
            },
            (args, _) =>
            {
                var count = (int?)args["count"] ?? 10;
                var messages = session.Conversation.Messages.TakeLast(count).Select(m => (JsonNode)new JsonObject
                {
                    ["role"] = m.Role.Value,
                    ["text"] = m.Text.Length <= 500 ? m.Text : m.Text[..500] + "…",
                    ["tool_calls"] = m.Contents.OfType<Microsoft.Extensions.AI.FunctionCallContent>().Count(),
                });
                return Task.FromResult<JsonNode?>(new JsonArray([.. messages]));
            }));
    }

    private static void PublishUsage(SurfaceNode usage, CostTracker costs)
    {
        usage.Add(new SurfaceProperty("last_turn", "What the last finished turn spent", () => Report(costs.LastTurn)));
        usage.Add(new SurfaceProperty("current_turn", "What this turn has spent so far", () => Report(costs.CurrentTurn)));
        usage.Add(new SurfaceProperty("session", "What the whole session has spent", () => Report(costs.Session)));
        usage.Add(new SurfaceProperty("by_model", "The session's spending per model", () =>
            new JsonObject(costs.SessionByModel.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Report(p.Value))))));
    }

    private static JsonObject Report(UsageReport report) => new()
    {
        ["input_tokens"] = report.Tokens.Input,
        ["cached_input_tokens"] = report.Tokens.CachedInput,
        ["output_tokens"] = report.Tokens.Output,
        ["reasoning_tokens"] = report.Tokens.Reasoning,
        ["requests"] = report.Requests,
        ["cost_usd"] = report.Cost,
        ["cost_complete"] = report.CostIsComplete,
        ["summary"] = report.Describe(),
    };
}
