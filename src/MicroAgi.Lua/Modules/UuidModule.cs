using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>uuid</c>: random (v4) and time-ordered (v7) UUIDs, validation (docs/lua/modules/uuid.md).</summary>
internal static class UuidModule
{
    public static HostModule Module { get; } = new("uuid",
    [
        ("v4", call => call.PushString(Guid.NewGuid().ToString("D"))),
        ("v7", call => call.PushString(Guid.CreateVersion7().ToString("D"))),
        ("validate", call => call.PushBoolean(Parse(call.String(1)) is not null)),
        ("version", Version),
    ],
    [
        ("NIL", "00000000-0000-0000-0000-000000000000"),
    ]);

    private static int Version(HostCall call)
    {
        var text = call.String(1);
        return Parse(text) is { } guid ? call.PushInteger(guid.Version) : call.Fail($"uuid.version: '{text}' is not a UUID");
    }

    /// <summary>Only the canonical 8-4-4-4-12 hex form is a UUID here (braces and other .NET forms are not).</summary>
    private static Guid? Parse(string text) =>
        text.Length == 36 && Guid.TryParseExact(text, "D", out var guid) ? guid : null;
}
