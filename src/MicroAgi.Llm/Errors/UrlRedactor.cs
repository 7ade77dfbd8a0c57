namespace MicroAgi.Llm.Errors;

/// <summary>
/// Keeps credentials a URL may carry out of messages. A base URL can hold them in its user-info
/// (<c>http://user:secret@host/v1</c>) or its query (<c>?api-key=…</c>, as some gateways take the key).
/// </summary>
public static class UrlRedactor
{
    public const string Mask = "***";

    /// <summary>The URL as it may be shown: without user-info and fragment, every query value masked
    /// (<c>https://host/v1?api-key=***</c>).</summary>
    public static string ForDisplay(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) return url.OriginalString.Split('?', '#')[0];
        var shown = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        var query = url.GetComponents(UriComponents.Query, UriFormat.UriEscaped);
        if (query.Length == 0) return shown;
        var masked = query.Split('&').Select(parameter => parameter.IndexOf('=', StringComparison.Ordinal) is var equals and >= 0
            ? parameter[..(equals + 1)] + Mask
            : Mask);
        return $"{shown}?{string.Join('&', masked)}";
    }

    /// <summary>
    /// URL text as it may be shown, for text that may not even parse: a URL is shown as
    /// <see cref="ForDisplay(Uri)"/> does; anything else without what could be user-info or a query.
    /// </summary>
    public static string ForDisplay(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Uri.TryCreate(text, UriKind.Absolute, out var url)) return ForDisplay(url);
        var shown = text;
        var userInfoEnd = shown.LastIndexOf('@');
        if (userInfoEnd >= 0) shown = "…@" + shown[(userInfoEnd + 1)..];
        var queryStart = shown.IndexOfAny(['?', '#']);
        return queryStart < 0 ? shown : shown[..queryStart] + "…";
    }

    /// <summary>The user-info parts and query values of <paramref name="url"/>, as written and unescaped, so that
    /// a server repeating the URL in its error text can be redacted too.</summary>
    public static IEnumerable<string> SecretsIn(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) return [];
        var userInfo = url.UserInfo.Split(':');
        var queryValues = url.GetComponents(UriComponents.Query, UriFormat.UriEscaped).Split('&')
            .Select(parameter => parameter[(parameter.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        return userInfo.Concat(queryValues)
            .SelectMany(value => (string[])[value, Uri.UnescapeDataString(value)]);
    }
}
