namespace MicroAgi.Agents.Tools;

/// <summary>What every built-in tool that reads out text or listings holds to, so no answer floods the model's context.</summary>
internal static class ToolOutput
{
    /// <summary>The most characters one answer of doc_search or registry_list carries.</summary>
    public const int MaxChars = 8000;

    /// <summary>The text, cut to <paramref name="maxLength"/> characters (an ellipsis included) when longer.</summary>
    public static string Shortened(string text, int maxLength) =>
        text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…");
}
