using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>
/// What a turn tells its user interface as it happens. Every method has an empty default, so an
/// observer implements only what it shows. Called on the turn's thread; keep them quick.
/// </summary>
public interface IAgentObserver
{
    /// <summary>A piece of the answer, as the model streams it.</summary>
    void TextDelta(string text) { }

    /// <summary>A piece of the model's visible reasoning (thinking), when the provider sends it; not part of the answer.</summary>
    void ReasoningDelta(string text) { }

    /// <summary>A tool call is about to run, with its arguments as the model sent them (JSON text).</summary>
    void ToolStarted(string toolName, string arguments) { }

    /// <summary>What a tool call returned, as the model reads it (JSON text, an error object for a failure); just before <see cref="ToolFinished"/>.</summary>
    void ToolOutput(string toolName, string result) { }

    /// <summary>A tool call finished: <paramref name="error"/> is null when it succeeded.</summary>
    void ToolFinished(string toolName, string? error) { }

    /// <summary>A tool was added to the agent (load_tool) and the runner reloaded.</summary>
    void ToolLoaded(EntryId id) { }

    /// <summary>Something the user should know that is not part of the answer (compression, limits).</summary>
    void Notice(string message) { }
}

/// <summary>An observer that shows nothing.</summary>
public sealed class SilentObserver : IAgentObserver
{
    public static SilentObserver Instance { get; } = new();
}
