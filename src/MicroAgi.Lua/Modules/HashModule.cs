using System.Security.Cryptography;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>hash</c>: message digests as lowercase hex or raw bytes (docs/lua/modules/hash.md).</summary>
internal static class HashModule
{
    public static HostModule Module { get; } = new("hash",
    [
        ("md5", call => Digest(call, MD5.HashData)),
        ("sha1", call => Digest(call, SHA1.HashData)),
        ("sha256", call => Digest(call, SHA256.HashData)),
        ("sha384", call => Digest(call, SHA384.HashData)),
        ("sha512", call => Digest(call, SHA512.HashData)),
        ("crc32", call => call.PushInteger(Crc32.HashToUInt32(call.Bytes(1)))),
    ]);

    /// <summary>CRC-32 (IEEE 802.3, as zlib and PNG), table-driven.</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            var c = (uint)n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint HashToUInt32(ReadOnlySpan<byte> data)
        {
            var crc = 0xFFFFFFFFu;
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc ^ 0xFFFFFFFFu;
        }
    }

    private delegate byte[] HashFunction(ReadOnlySpan<byte> data);

    private static int Digest(HostCall call, HashFunction hash)
    {
        var digest = hash(call.Bytes(1));
        return call.OptionalBoolean(2, false) ? call.PushBytes(digest) : call.PushString(Convert.ToHexStringLower(digest));
    }
}
