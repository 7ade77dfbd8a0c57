using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Which thinking request a Claude model takes. Claude models before 4.6 (Claude 3.x, Sonnet/Opus 4, Opus 4.1,
/// Sonnet/Haiku/Opus 4.5) know only extended thinking (<c>thinking.type=enabled</c> with <c>budget_tokens</c>)
/// and reject adaptive thinking with a 400; 4.6 and later take adaptive thinking, and the newest reject the
/// token budget. The older generations are a closed set, so a model name that does not read as one of them —
/// a newer Claude, or a name we cannot read — gets adaptive thinking, the official package's default.
/// </summary>
internal static partial class AnthropicThinkingModes
{
    private static readonly Version FirstAdaptive = new(4, 6);

    public static AnthropicThinkingMode For(string providerModel)
    {
        ArgumentNullException.ThrowIfNull(providerModel);
        // Gateways spell versions with dots ("claude-sonnet-4.5", "anthropic.claude-3-7-sonnet…").
        var match = ClaudeVersion().Match(providerModel.Replace('.', '-'));
        if (!match.Success) return AnthropicThinkingMode.Adaptive;
        var version = new Version(
            int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture),
            match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0);
        return version < FirstAdaptive ? AnthropicThinkingMode.Extended : AnthropicThinkingMode.Adaptive;
    }

    // "claude-sonnet-4-5-20250929", "claude-opus-4-20250514" (4.0: a date is not a minor version), "claude-3-7-sonnet-latest".
    [GeneratedRegex(@"claude-(?:(?:sonnet|opus|haiku)-(?<major>\d+)(?:-(?<minor>\d)(?!\d))?|(?<major>\d+)(?:-(?<minor>\d)(?!\d))?-(?:sonnet|opus|haiku))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClaudeVersion();
}
