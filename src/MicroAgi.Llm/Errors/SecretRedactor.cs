namespace MicroAgi.Llm.Errors;

/// <summary>
/// Removes secrets — the API key, credentials in the base URL — from any text that is about to leave the
/// provider layer (error messages built from server replies, which some servers fill with what they were given).
/// </summary>
internal sealed class SecretRedactor
{
    public const string Mask = "[redacted]";

    // A key this short would garble ordinary words if masked everywhere, and protects nothing anyway.
    private const int ShortestMaskedSecret = 4;

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        // Longest first, so that a secret containing another is masked whole.
        _secrets = [.. secrets.OfType<string>().Where(s => s.Length >= ShortestMaskedSecret).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var secret in _secrets) text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }
}
