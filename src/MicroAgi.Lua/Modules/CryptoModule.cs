using System.Security.Cryptography;
using System.Text;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>crypto</c>: secure random values, HMAC, AES-GCM and constant-time comparison (docs/lua/modules/crypto.md).</summary>
internal static class CryptoModule
{
    private const int MaxAlphabetLength = 64 * 1024;
    private const int MaxRandomBytes = 1024 * 1024;
    private const int RandomBatch = 4096;
    private const string DefaultAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static HostModule Module { get; } = new("crypto",
    [
        ("random_bytes", RandomBytes),
        ("random_string", RandomString),
        ("random_int", RandomInt),
        ("hmac", Hmac),
        ("encrypt", Encrypt),
        ("decrypt", Decrypt),
        ("equals", call => call.PushBoolean(CryptographicOperations.FixedTimeEquals(call.Bytes(1), call.Bytes(2)))),
    ]);

    private static int RandomBytes(HostCall call)
    {
        var count = call.Integer(1);
        if (count is < 0 or > MaxRandomBytes) return call.Fail($"crypto.random_bytes: count must be between 0 and {MaxRandomBytes}");
        return call.PushBytes(RandomNumberGenerator.GetBytes((int)count));
    }

    private static int RandomString(HostCall call)
    {
        var length = call.Integer(1);
        if (length is < 0 or > MaxRandomBytes) return call.Fail($"crypto.random_string: length must be between 0 and {MaxRandomBytes}");
        var alphabet = call.OptionalString(2) ?? DefaultAlphabet;
        // One .NET string per character of the alphabet: a 60 MB alphabet was a gigabyte of them.
        if (alphabet.Length > MaxAlphabetLength) return call.Fail($"crypto.random_string: the alphabet must be at most {MaxAlphabetLength} characters");
        var symbols = alphabet.EnumerateRunes().Select(r => r.ToString()).Distinct().ToArray();
        if (symbols.Length < 2) return call.Fail("crypto.random_string: the alphabet needs at least 2 different characters");
        // One GetInt32 per character took about 2.4 µs: a million characters ran 2.5 s against a 1 s
        // deadline, with nothing checking it. Characters are drawn in batches, each paid for and
        // followed by a look at the deadline.
        var budget = call.Budget();
        var result = new StringBuilder();
        var remaining = (int)length;
        while (remaining > 0)
        {
            var batch = RandomNumberGenerator.GetItems<string>(symbols, Math.Min(remaining, RandomBatch));
            foreach (var symbol in batch) result.Append(symbol);
            budget.Allocate(batch.Length * 4L);
            budget.CheckDeadline();
            remaining -= batch.Length;
        }
        return call.PushString(result.ToString());
    }

    private static int RandomInt(HostCall call)
    {
        var min = call.Integer(1);
        var max = call.Integer(2);
        if (min > max) return call.Fail("crypto.random_int: min must not be greater than max");
        var range = (UInt128)(max - (Int128)min) + 1;
        Span<byte> bytes = stackalloc byte[16];
        // Rejection sampling keeps the distribution uniform for any range.
        var limit = UInt128.MaxValue - UInt128.MaxValue % range;
        UInt128 value;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes);
        }
        while (value >= limit);
        return call.PushInteger((long)(min + (Int128)(value % range)));
    }

    private static int Hmac(HostCall call)
    {
        var algorithm = call.String(1).ToLowerInvariant();
        var key = call.Bytes(2);
        var message = call.Bytes(3);
        byte[] mac;
        switch (algorithm)
        {
            case "md5": mac = HMACMD5.HashData(key, message); break;
            case "sha1": mac = HMACSHA1.HashData(key, message); break;
            case "sha256": mac = HMACSHA256.HashData(key, message); break;
            case "sha384": mac = HMACSHA384.HashData(key, message); break;
            case "sha512": mac = HMACSHA512.HashData(key, message); break;
            default: return call.Fail($"crypto.hmac: unknown algorithm '{algorithm}' (use md5, sha1, sha256, sha384 or sha512)");
        }
        return call.OptionalBoolean(4, false) ? call.PushBytes(mac) : call.PushString(Convert.ToHexStringLower(mac));
    }

    private static int Encrypt(HostCall call)
    {
        var key = call.Bytes(1);
        if (key.Length is not (16 or 24 or 32)) return call.Fail($"crypto.encrypt: the key must be 16, 24 or 32 bytes (got {key.Length}); derive one with hash.sha256(secret, true)");
        var plaintext = call.Bytes(2);
        var associated = call.IsNoneOrNil(3) ? default : call.Bytes(3);
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), associated);
        return call.PushBytes(output);
    }

    private static int Decrypt(HostCall call)
    {
        var key = call.Bytes(1);
        if (key.Length is not (16 or 24 or 32)) return call.Fail($"crypto.decrypt: the key must be 16, 24 or 32 bytes (got {key.Length})");
        var data = call.Bytes(2);
        if (data.Length < NonceSize + TagSize) return call.Fail("crypto.decrypt: the data is too short to be the output of crypto.encrypt");
        var associated = call.IsNoneOrNil(3) ? default : call.Bytes(3);
        var plaintext = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(data[..NonceSize], data.Slice(NonceSize, plaintext.Length), data[^TagSize..], plaintext, associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            return call.Fail("crypto.decrypt: authentication failed (wrong key, wrong associated data, or the data was modified)");
        }
        return call.PushBytes(plaintext);
    }
}
