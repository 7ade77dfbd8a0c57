using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Lua.Native;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// <c>http_client</c>: HTTP requests from a tool (docs/lua/modules/http_client.md). A response of any
/// status is a result; only failures to get one (refused address, DNS, timeout, too large) are
/// <c>nil, err</c>. The call blocks, bounded by the request timeout and the call's own deadline.
/// </summary>
internal static class HttpClientModule
{
    public static HostModule Module { get; } = new("http_client",
    [
        ("get", call => Request(call, HttpMethod.Get, 1)),
        ("post", call => Request(call, HttpMethod.Post, 1)),
        ("put", call => Request(call, HttpMethod.Put, 1)),
        ("patch", call => Request(call, HttpMethod.Patch, 1)),
        ("delete", call => Request(call, HttpMethod.Delete, 1)),
        ("head", call => Request(call, HttpMethod.Head, 1)),
        ("request", call => Request(call, new HttpMethod(call.String(1).ToUpperInvariant()), 2)),
    ]);

    private static int Request(HostCall call, HttpMethod method, int urlArgument)
    {
        var client = call.Sandbox.Services.HttpClient;
        var options = client.Options;
        var optionsArgument = urlArgument + 1;
        var text = call.String(urlArgument);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return call.Fail($"http_client: '{text}' is not an http or https URL");

        var headers = new List<(string, string)>();
        byte[]? body = null;
        string? contentType = null;
        var timeout = options.DefaultTimeout;
        var maxBytes = options.MaxResponseBytes;
        var follow = true;
        if (call.HasOptions(optionsArgument))
        {
            if (call.Field(optionsArgument, "headers").AsJson(call.Sandbox) is JsonObject given)
                foreach (var (name, value) in given) headers.Add((name, Scalar(value, $"header '{name}'")));
            if (call.Field(optionsArgument, "query").AsJson(call.Sandbox) is JsonObject query && query.Count > 0)
            {
                var separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
                url = new Uri(url.AbsoluteUri.Split('#')[0] + separator + UrlModule.EncodeQuery(query, call.Budget()));
            }
            (body, contentType) = Body(call, optionsArgument);
            if (headers.FirstOrDefault(h => h.Item1.Equals("content-type", StringComparison.OrdinalIgnoreCase)) is { Item2: { } explicitType }) contentType = explicitType;
            if (call.Field(optionsArgument, "timeout").AsNumber() is { } seconds)
            {
                if (!(seconds > 0)) return call.Fail("http_client: timeout must be a positive number of seconds");
                timeout = TimeSpan.FromSeconds(Math.Min(seconds, 3600));
            }
            if (call.Field(optionsArgument, "max_size").AsNumber() is { } size) maxBytes = Math.Min(maxBytes, (long)size);
            follow = call.Field(optionsArgument, "follow_redirects").AsBoolean() ?? true;
        }

        var remaining = call.Sandbox.Remaining;
        var bounded = timeout < remaining ? timeout : remaining;
        if (bounded <= TimeSpan.Zero) throw new LuaLimitException(LimitKind.Timeout, "timeout");
        var callToken = call.Sandbox.Call?.CancellationToken ?? CancellationToken.None;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        deadline.CancelAfter(bounded);
        HttpResult result;
        try
        {
            call.EnsureRoom(maxBytes > int.MaxValue ? 0 : Math.Min(maxBytes, 64 * 1024));
            result = client.SendAsync(new HttpRequestSpec(method, url, headers, body, contentType, follow), maxBytes, deadline.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            if (callToken.IsCancellationRequested) throw new LuaLimitException(LimitKind.Cancelled, "cancelled");
            if (bounded < timeout) throw new LuaLimitException(LimitKind.Timeout, "timeout");
            return call.Fail($"http_client: no response from {url.Host} within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpClientProblem e)
        {
            return call.Fail("http_client: " + e.Message);
        }
        catch (HttpRequestException e)
        {
            return call.Fail("http_client: " + Describe(e, url));
        }
        return PushResponse(call, result);
    }

    private static (byte[]? Body, string? ContentType) Body(HostCall call, int optionsArgument)
    {
        var form = call.Field(optionsArgument, "form").AsJson(call.Sandbox);
        if (form is JsonObject fields) return (Encoding.UTF8.GetBytes(UrlModule.EncodeQuery(fields, call.Budget())), "application/x-www-form-urlencoded");
        var L = call.L;
        LuaStack.PushString(L, "body");
        var type = LuaNative.lua_rawget(L, optionsArgument);
        try
        {
            switch (type)
            {
                case LuaNative.LUA_TNIL:
                    return (null, null);
                case LuaNative.LUA_TSTRING:
                case LuaNative.LUA_TNUMBER:
                    return (LuaStack.StringBytes(L, -1).ToArray(), null);
                case LuaNative.LUA_TTABLE:
                    // Written straight from the table, paid for as it is written (a JsonNode in between
                    // escaped every string again, unpaid).
                    var json = new ArrayBufferWriter<byte>(256);
                    LuaJson.Write(L, -1, json, call.Sandbox, "body", long.MaxValue, indented: false);
                    return (json.WrittenSpan.ToArray(), "application/json");
                default:
                    throw new LuaArgumentException(optionsArgument, $"'body' must be a string or a table, not {LuaStack.TypeName(L, -1)}");
            }
        }
        finally
        {
            LuaNative.lua_pop(L, 1);
        }
    }

    private static string Scalar(JsonNode? value, string what) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v => v.ToJsonString(LuaJson.Readable),
        _ => throw new ArgumentException($"{what} must be a string"),
    };

    private static int PushResponse(HostCall call, HttpResult result)
    {
        call.EnsureRoom(result.Body.Length);
        var L = call.L;
        LuaNative.lua_createtable(L, 0, 5);
        LuaStack.PushString(L, "status_code");
        LuaNative.lua_pushinteger(L, result.Status);
        LuaNative.lua_rawset(L, -3);
        LuaStack.PushString(L, "status");
        LuaStack.PushString(L, result.Reason);
        LuaNative.lua_rawset(L, -3);
        LuaStack.PushString(L, "body");
        LuaStack.PushBytes(L, result.Body);
        LuaNative.lua_rawset(L, -3);
        LuaStack.PushString(L, "url");
        LuaStack.PushString(L, result.Url);
        LuaNative.lua_rawset(L, -3);
        LuaStack.PushString(L, "headers");
        LuaNative.lua_createtable(L, 0, result.Headers.Count);
        foreach (var (name, value) in result.Headers)
        {
            LuaStack.PushString(L, name);
            LuaStack.PushString(L, value);
            LuaNative.lua_rawset(L, -3);
        }
        LuaNative.lua_rawset(L, -3);
        return 1;
    }

    private static string Describe(HttpRequestException exception, Uri url)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case BlockedAddressException blocked:
                    return blocked.Message;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData }:
                    return $"cannot resolve host '{url.Host}'";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"connection refused by {url.Host}:{url.Port}";
                case System.Security.Authentication.AuthenticationException:
                    return $"TLS handshake with {url.Host} failed: {inner.Message}";
            }
        }
        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"cannot resolve host '{url.Host}'",
            HttpRequestError.ConnectionError => $"cannot connect to {url.Host}:{url.Port}",
            _ => exception.Message,
        };
    }
}
