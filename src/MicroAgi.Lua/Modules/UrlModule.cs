using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>url</c>: parse and build URLs, percent-encoding, query strings (docs/lua/modules/url.md).</summary>
internal static class UrlModule
{
    /// <summary>What a decoded parameter costs at least besides its text (a list slot in Lua).</summary>
    private const int ParameterBytes = 16;
    private const string HexDigits = "0123456789ABCDEF";

    public static HostModule Module { get; } = new("url",
    [
        ("parse", Parse),
        ("build", Build),
        ("encode", call => call.PushString(Encode(call.String(1), spaceAsPlus: false, call.Budget()))),
        ("decode", call => call.PushString(Decode(call.String(1), plusAsSpace: false))),
        ("query_encode", QueryEncode),
        ("query_decode", call => PushQuery(call, call.String(1))),
        ("join", Join),
    ]);

    private static int Parse(HostCall call)
    {
        var text = call.String(1);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Scheme) || uri.IsFile || uri.IsUnc)
            return call.Fail($"url.parse: '{text}' is not an absolute URL (it needs a scheme, e.g. https://example.com/path)");
        var L = call.L;
        LuaNative.lua_createtable(L, 0, 10);
        Set(L, "scheme", uri.Scheme);
        Set(L, "host", uri.Host);
        if (!uri.IsDefaultPort) SetInteger(L, "port", uri.Port);
        Set(L, "path", uri.AbsolutePath);
        var query = uri.Query.StartsWith('?') ? uri.Query[1..] : uri.Query;
        Set(L, "query", query);
        Set(L, "fragment", uri.Fragment.StartsWith('#') ? Decode(uri.Fragment[1..], plusAsSpace: false) : "");
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            Set(L, "user", Decode(parts[0], plusAsSpace: false));
            if (parts.Length > 1) Set(L, "password", Decode(parts[1], plusAsSpace: false));
        }
        LuaStack.PushString(L, "params");
        PushQuery(call, query);
        LuaNative.lua_rawset(L, -3);
        return 1;
    }

    private static int Build(HostCall call)
    {
        call.RequireTable(1);
        var scheme = call.Field(1, "scheme").AsString() ?? "https";
        var host = call.Field(1, "host").AsString();
        if (string.IsNullOrEmpty(host)) return call.Fail("url.build: 'host' is required");
        var budget = call.Budget();
        var builder = new StringBuilder();
        builder.Append(scheme).Append("://");
        var user = call.Field(1, "user").AsString();
        if (user is not null)
        {
            builder.Append(Encode(user, false, budget));
            var password = call.Field(1, "password").AsString();
            if (password is not null) builder.Append(':').Append(Encode(password, false, budget));
            builder.Append('@');
        }
        builder.Append(host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host);
        var port = call.Field(1, "port").AsNumber();
        if (port is { } p)
        {
            if (p is < 1 or > 65535 || p != Math.Floor(p)) return call.Fail("url.build: 'port' must be an integer between 1 and 65535");
            builder.Append(':').Append(((int)p).ToString(CultureInfo.InvariantCulture));
        }
        var path = call.Field(1, "path").AsString() ?? "";
        if (path.Length > 0 && !path.StartsWith('/')) builder.Append('/');
        builder.Append(EncodePath(path, budget));
        var query = call.Field(1, "query");
        var queryText = query.Exists ? QueryText(query.AsJson(call.Sandbox), budget) : null;
        if (!string.IsNullOrEmpty(queryText)) builder.Append('?').Append(queryText);
        var fragment = call.Field(1, "fragment").AsString();
        if (!string.IsNullOrEmpty(fragment)) builder.Append('#').Append(Encode(fragment, false, budget));
        return call.PushString(builder.ToString());
    }

    private static string? QueryText(JsonNode? query, HostBudget budget) => query switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text.TrimStart('?'),
        JsonObject obj => EncodeQuery(obj, budget),
        _ => throw new LuaArgumentException(1, "'query' must be a string or a table of parameters"),
    };

    private static int QueryEncode(HostCall call)
    {
        call.RequireTable(1);
        return call.Json(1) is JsonObject obj
            ? call.PushString(EncodeQuery(obj, call.Budget()))
            : call.PushString("");
    }

    /// <summary>name=value pairs sorted by name; a list value repeats the name; booleans and numbers are written as text.</summary>
    internal static string EncodeQuery(JsonObject parameters, HostBudget budget)
    {
        var pairs = new List<string>();
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is JsonArray list)
            {
                foreach (var item in list) pairs.Add($"{Encode(name, true, budget)}={Encode(Scalar(item), true, budget)}");
            }
            else
            {
                pairs.Add($"{Encode(name, true, budget)}={Encode(Scalar(value), true, budget)}");
            }
        }
        return string.Join('&', pairs);
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v => v.ToJsonString(LuaJson.Readable),
        _ => throw new ArgumentException("query values must be strings, numbers, booleans or lists of them"),
    };

    /// <summary>
    /// Pushes the decoded query: name → value, or name → list of values when the name repeats. Each
    /// parameter is paid for as it is read: two characters of query can make a list entry.
    /// </summary>
    private static int PushQuery(HostCall call, string query)
    {
        var budget = call.Budget();
        var parameters = new JsonObject();
        foreach (var pair in Pairs(query.TrimStart('?')))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals], plusAsSpace: true);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..], plusAsSpace: true);
            budget.Allocate(ParameterBytes + name.Length + value.Length);
            switch (parameters[name])
            {
                case null when !parameters.ContainsKey(name):
                    parameters[name] = value;
                    break;
                case JsonArray list:
                    list.Add(value);
                    break;
                case var single:
                    parameters[name] = new JsonArray(single!.DeepClone(), value);
                    break;
            }
        }
        return call.PushJson(parameters);
    }

    /// <summary>The non-empty <c>&amp;</c>-separated pieces of a query, one at a time.</summary>
    private static IEnumerable<string> Pairs(string query)
    {
        var start = 0;
        while (start < query.Length)
        {
            var end = query.IndexOf('&', start);
            if (end < 0) end = query.Length;
            if (end > start) yield return query[start..end];
            start = end + 1;
        }
    }

    private static int Join(HostCall call)
    {
        var baseText = call.String(1);
        var reference = call.String(2);
        if (!Uri.TryCreate(baseText, UriKind.Absolute, out var baseUri)) return call.Fail($"url.join: '{baseText}' is not an absolute URL");
        return Uri.TryCreate(baseUri, reference, out var joined) ? call.PushString(joined.AbsoluteUri) : call.Fail($"url.join: cannot resolve '{reference}' against '{baseText}'");
    }

    /// <summary>
    /// RFC 3986 percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - . _ ~). The
    /// output is up to three times the input: each character is paid for as it is written.
    /// </summary>
    private static string Encode(string text, bool spaceAsPlus, HostBudget budget)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var kept = char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';
            var plus = b == ' ' && spaceAsPlus;
            budget.Allocate(kept || plus ? 1 : 3);
            if (kept) builder.Append((char)b);
            else if (plus) builder.Append('+');
            else builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
        }
        return builder.ToString();
    }

    private static string EncodePath(string path, HostBudget budget) =>
        string.Join('/', path.Split('/').Select(segment => Encode(Decode(segment, false), false, budget)));

    internal static string Decode(string text, bool plusAsSpace)
    {
        if (plusAsSpace) text = text.Replace('+', ' ');
        if (!text.Contains('%', StringComparison.Ordinal)) return text;
        var bytes = Encoding.UTF8.GetBytes(text);
        var output = new byte[bytes.Length];
        var length = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '%' && i + 2 < bytes.Length && IsHex((char)bytes[i + 1]) && IsHex((char)bytes[i + 2]))
            {
                output[length++] = (byte)((HexValue(bytes[i + 1]) << 4) | HexValue(bytes[i + 2]));
                i += 2;
            }
            else
            {
                output[length++] = bytes[i];
            }
        }
        return Encoding.UTF8.GetString(output, 0, length);
    }

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static void Set(nint L, string key, string value)
    {
        LuaStack.PushString(L, key);
        LuaStack.PushString(L, value);
        LuaNative.lua_rawset(L, -3);
    }

    private static void SetInteger(nint L, string key, long value)
    {
        LuaStack.PushString(L, key);
        LuaNative.lua_pushinteger(L, value);
        LuaNative.lua_rawset(L, -3);
    }
}
