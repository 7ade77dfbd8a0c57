using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MicroAgi.Agents.Self;

/// <summary>
/// Keeps secrets out of what the self tool shows: a value whose name looks like a credential
/// (<c>api_key</c>, <c>password</c>, <c>token</c> — not <c>max_tokens</c>), a value that looks like one
/// (<c>sk-…</c>, <c>Bearer …</c>, a URL with a password), and the secrets the host knows (the configured
/// keys) wherever they appear, all become <c>***</c>.
/// </summary>
public sealed partial class SecretMask
{
    public const string Mask = "***";

    // Shorter known secrets would garble ordinary words and protect nothing.
    private const int ShortestKnownSecret = 6;

    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "apikey", "secret", "secrets", "password", "passwd", "passphrase", "pwd", "token", "credential",
        "credentials", "auth", "authorization", "bearer", "cookie", "cookies", "signature", "private",
    };

    private readonly string[] _known;

    public SecretMask(IEnumerable<string?>? knownSecrets = null) =>
        _known = [.. (knownSecrets ?? []).OfType<string>().Where(s => s.Length >= ShortestKnownSecret).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

    public static SecretMask Patterns { get; } = new();

    /// <summary>Whether a name reads like a credential: one of its words (split at _, -, . and case changes) is key, token, secret….</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return NameWords().Matches(name).Any(word => SecretWords.Contains(word.Value));
    }

    /// <summary>Whether a text holds something that looks like a secret.</summary>
    public bool LooksSecret(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _known.Any(secret => text.Contains(secret, StringComparison.Ordinal)) || SecretPattern().IsMatch(text) || UrlCredentials().IsMatch(text);
    }

    /// <summary>A copy of <paramref name="value"/> (named <paramref name="name"/>) with every secret-looking part masked.</summary>
    public JsonNode? MaskValue(string name, JsonNode? value)
    {
        if (value is null) return null;
        if (IsSecretName(name)) return JsonValue.Create(Mask);
        return value switch
        {
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, MaskValue(p.Key, p.Value)))),
            JsonArray array => new JsonArray([.. array.Select(item => MaskValue("", item))]),
            JsonValue text when text.GetValueKind() == JsonValueKind.String => JsonValue.Create(MaskText(text.GetValue<string>())),
            _ => value.DeepClone(),
        };
    }

    /// <summary>The text with known secrets, secret-looking tokens and URL credentials replaced by <c>***</c>.</summary>
    public string MaskText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _known) text = text.Replace(secret, Mask, StringComparison.Ordinal);
        text = SecretPattern().Replace(text, Mask);
        text = UrlCredentials().Replace(text, m => m.Groups["scheme"].Value + Mask + "@");
        return SecretQuery().Replace(text, m => m.Groups["name"].Value + "=" + Mask);
    }

    [GeneratedRegex("[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")]
    private static partial Regex NameWords();

    // Key formats of the common providers, bearer tokens, JWTs and PEM private keys.
    [GeneratedRegex(@"\bsk-[A-Za-z0-9_\-]{8,}|\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{16,}|\bxox[abpr]-[A-Za-z0-9\-]{10,}|\bAKIA[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_\-]{30,}|(?i:\bbearer\s+)[A-Za-z0-9._~+/=\-]{8,}|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)")]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@]+@")]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?<name>(?i:[?&;](?:[A-Za-z_\-]*(?:key|token|secret|password|auth|signature|sig)[A-Za-z_\-]*)))=[^&\s#""']+")]
    private static partial Regex SecretQuery();
}
