namespace MicroAgi.Llm.Errors;

/// <summary>
/// Removes the API key from any text that is about to leave the provider layer (error messages built from
/// server replies, which some servers fill with the key they were given).
/// </summary>
internal sealed class SecretRedactor(string? secret)
{
    public const string Mask = "[redacted]";

    // A key this short would garble ordinary words if masked everywhere, and protects nothing anyway.
    private const int ShortestMaskedSecret = 4;

    private readonly string? _secret = secret is { Length: >= ShortestMaskedSecret } ? secret : null;

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        return _secret is null ? text : text.Replace(_secret, Mask, StringComparison.Ordinal);
    }
}
