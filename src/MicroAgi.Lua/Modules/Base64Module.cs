using System.Buffers.Text;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>base64</c>: standard and URL-safe Base64 (docs/lua/modules/base64.md).</summary>
internal static class Base64Module
{
    public static HostModule Module { get; } = new("base64",
    [
        ("encode", call => call.PushString(Convert.ToBase64String(call.Bytes(1)))),
        ("decode", Decode),
        ("url_encode", call => call.PushString(Base64Url.EncodeToString(call.Bytes(1)))),
        ("url_decode", UrlDecode),
    ]);

    private static int Decode(HostCall call)
    {
        var text = call.String(1).Trim();
        var padded = text.Length % 4 == 0 ? text : text + new string('=', 4 - text.Length % 4);
        try
        {
            return call.PushBytes(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return call.Fail("base64.decode: the input is not valid Base64 (use base64.url_decode for the URL-safe alphabet with - and _)");
        }
    }

    private static int UrlDecode(HostCall call)
    {
        var text = call.String(1).Trim().TrimEnd('=');
        try
        {
            return call.PushBytes(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            return call.Fail("base64.url_decode: the input is not valid URL-safe Base64");
        }
    }
}
