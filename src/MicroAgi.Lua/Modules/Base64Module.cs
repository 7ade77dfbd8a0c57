using System.Buffers.Text;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>base64</c>: standard and URL-safe Base64 (docs/lua/modules/base64.md).</summary>
internal static class Base64Module
{
    public static HostModule Module { get; } = new("base64",
    [
        ("encode", Encode),
        ("decode", Decode),
        ("url_encode", UrlEncode),
        ("url_decode", UrlDecode),
    ]);

    // Encoded straight to UTF-8 once its size is known to fit: a .NET string of it was twice the text,
    // built before anything was checked (60 MB of input made 160 MB).
    private static int Encode(HostCall call)
    {
        var data = call.Bytes(1);
        call.EnsureRoom(Base64.GetMaxEncodedToUtf8Length(data.Length));
        var encoded = new byte[Base64.GetMaxEncodedToUtf8Length(data.Length)];
        Base64.EncodeToUtf8(data, encoded, out _, out var written);
        return call.PushBytes(encoded.AsSpan(0, written));
    }

    private static int UrlEncode(HostCall call)
    {
        var data = call.Bytes(1);
        call.EnsureRoom(Base64Url.GetEncodedLength(data.Length));
        return call.PushBytes(Base64Url.EncodeToUtf8(data));
    }

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
