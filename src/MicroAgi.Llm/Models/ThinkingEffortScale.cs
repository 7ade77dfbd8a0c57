using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Models;

/// <summary>
/// Model and agent entries give <c>thinking_effort</c> on a 0–100 scale; providers take a level.
/// 0 turns reasoning off, 1–33 is low, 34–66 medium, 67–100 high.
/// </summary>
public static class ThinkingEffortScale
{
    public static ReasoningEffort ToReasoningEffort(int thinkingEffort) => thinkingEffort switch
    {
        < 0 or > 100 => throw new ArgumentOutOfRangeException(nameof(thinkingEffort), thinkingEffort, "thinking_effort goes from 0 (off) to 100 (most)"),
        0 => ReasoningEffort.None,
        <= 33 => ReasoningEffort.Low,
        <= 66 => ReasoningEffort.Medium,
        _ => ReasoningEffort.High,
    };
}
