using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using MicroAgi.Lua.Native;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// Converts between JSON and Lua values with the sandbox's rules (docs/lua/modules/json.md):
/// objects ↔ tables with string keys, arrays ↔ sequences, null → nil, integers stay integers.
/// Lua → JSON reads tables raw (no metamethods), sorts object keys, and refuses cycles, functions
/// and NaN with a message naming where the bad value sits.
/// </summary>
internal static unsafe class LuaJson
{
    /// <summary>Deepest nesting accepted in either direction.</summary>
    public const int MaxDepth = 100;

    /// <summary>Writes text as it is: non-ASCII and HTML characters are not escaped (the output is read by people and LLMs, never embedded in HTML).</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>For JsonNode.ToJsonString: compact, characters unescaped.</summary>
    public static readonly JsonSerializerOptions Readable = new() { Encoder = Encoder };

    private static readonly JsonNodeOptions NodeOptions = new();
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth + 2 };

    // ------------------------------------------------------------------ JSON → Lua

    /// <summary>Pushes the JSON text as one Lua value. Throws <see cref="JsonException"/> for malformed JSON.</summary>
    public static void PushJson(nint L, ReadOnlySpan<byte> utf8, LuaSandbox sandbox)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        if (!reader.Read()) throw new JsonException("no JSON value in the input");
        PushValue(L, ref reader, sandbox, new HostBudget(sandbox, L));
        if (reader.Read())
        {
            LuaNative.lua_pop(L, 1);
            throw new JsonException($"unexpected data after the JSON value at byte {reader.TokenStartIndex}");
        }
    }

    public static void PushNode(nint L, JsonNode? node, LuaSandbox sandbox)
    {
        if (node is null)
        {
            LuaNative.lua_pushnil(L);
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Encoder, MaxDepth = MaxDepth + 2 }))
            node.WriteTo(writer);
        PushJson(L, buffer.WrittenSpan, sandbox);
    }

    /// <summary>
    /// Pushes the value at the reader, reporting every value and key to <paramref name="budget"/>
    /// (the cap is off while the host pushes).
    /// </summary>
    private static void PushValue(nint L, ref Utf8JsonReader reader, LuaSandbox sandbox, HostBudget budget)
    {
        Count(ref reader, budget);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                PushObject(L, ref reader, sandbox, budget);
                break;
            case JsonTokenType.StartArray:
                PushArray(L, ref reader, sandbox, budget);
                break;
            case JsonTokenType.String:
                PushString(L, ref reader);
                break;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var integer)) LuaNative.lua_pushinteger(L, integer);
                else LuaNative.lua_pushnumber(L, reader.GetDouble());
                break;
            case JsonTokenType.True:
                LuaNative.lua_pushboolean(L, 1);
                break;
            case JsonTokenType.False:
                LuaNative.lua_pushboolean(L, 0);
                break;
            default:
                LuaNative.lua_pushnil(L);
                break;
        }
    }

    private static void Count(ref Utf8JsonReader reader, HostBudget budget) =>
        budget.PushedValue(reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? reader.ValueSpan.Length : 0);

    private static void PushObject(nint L, ref Utf8JsonReader reader, LuaSandbox sandbox, HostBudget budget)
    {
        Reserve(L, 4);
        LuaNative.lua_createtable(L, 0, 4);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Count(ref reader, budget);
            PushString(L, ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                LuaNative.lua_pop(L, 1); // a null member is an absent key
                continue;
            }
            PushValue(L, ref reader, sandbox, budget);
            LuaNative.lua_rawset(L, -3);
        }
    }

    private static void PushArray(nint L, ref Utf8JsonReader reader, LuaSandbox sandbox, HostBudget budget)
    {
        Reserve(L, 4);
        LuaNative.lua_createtable(L, 4, 0);
        long index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            index++;
            if (reader.TokenType == JsonTokenType.Null) continue; // leaves a hole, like any nil in a sequence
            PushValue(L, ref reader, sandbox, budget);
            LuaNative.lua_rawseti(L, -2, index);
        }
        if (index == 0) sandbox.MarkShape(L, -1, TableShape.Array);
    }

    private static void PushString(nint L, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            LuaStack.PushBytes(L, reader.ValueSpan);
            return;
        }
        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(rented);
            LuaStack.PushBytes(L, rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Reserve(nint L, int slots)
    {
        if (LuaNative.lua_checkstack(L, slots) == 0) throw new InvalidOperationException("Lua stack exhausted");
    }

    // ------------------------------------------------------------------ Lua → JSON

    /// <summary>The value at <paramref name="index"/> as a JsonNode; <paramref name="where"/> names it in errors.</summary>
    public static JsonNode? ToNode(nint L, int index, LuaSandbox sandbox, string where, long maxBytes = long.MaxValue)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(L, index, buffer, sandbox, where, maxBytes, indented: false);
        return JsonNode.Parse(buffer.WrittenSpan, NodeOptions, DocumentOptions);
    }

    /// <summary>Writes the value at <paramref name="index"/> as JSON text into <paramref name="output"/>.</summary>
    public static void Write(nint L, int index, IBufferWriter<byte> output, LuaSandbox sandbox, string where, long maxBytes, bool indented)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Encoder, Indented = indented, MaxDepth = MaxDepth + 2 });
        new LuaToJson(L, sandbox, writer, where, maxBytes).Value(LuaNative.lua_absindex(L, index), 0);
    }

    /// <summary>
    /// A table may hold the same subtable many times, so its JSON text can be exponentially larger than
    /// the table: every value written is reported to the call's <see cref="HostBudget"/>, and the
    /// elements of the tables being written are promised in advance against <c>maxBytes</c>.
    /// </summary>
    private sealed class LuaToJson(nint L, LuaSandbox sandbox, Utf8JsonWriter writer, string where, long maxBytes)
    {
        /// <summary>Every element costs at least two bytes of JSON (a value and a separator).</summary>
        private const long MinElementBytes = 2;
        /// <summary>What a collected object key costs in managed memory besides its text.</summary>
        private const long ObjectKeyOverhead = 64;
        /// <summary>Longer strings are written (and paid for) in pieces of this size.</summary>
        private const int StringSegmentBytes = 16 * 1024;
        /// <summary>What one character may become in JSON text (a \u00XX escape, UTF-8 encoded).</summary>
        private const long MaxEscapedBytesPerChar = 6;

        /// <summary>Where the value being written sits; formatted only for an error message.</summary>
        private readonly List<PathStep> _path = [];
        private readonly HostBudget _budget = new(sandbox, L);
        private long _reported;
        /// <summary>Bytes the open tables' elements not yet written will take at least.</summary>
        private long _promised;

        private long Written => writer.BytesCommitted + writer.BytesPending;

        public void Value(int index, int depth)
        {
            switch (LuaNative.lua_type(L, index))
            {
                case LuaNative.LUA_TNIL:
                    writer.WriteNullValue();
                    break;
                case LuaNative.LUA_TBOOLEAN:
                    writer.WriteBooleanValue(LuaNative.lua_toboolean(L, index) != 0);
                    break;
                case LuaNative.LUA_TNUMBER:
                    Number(index);
                    break;
                case LuaNative.LUA_TSTRING:
                    String(index);
                    break;
                case LuaNative.LUA_TTABLE:
                    Table(index, depth);
                    break;
                case LuaNative.LUA_TLIGHTUSERDATA when LuaNative.lua_touserdata(L, index) == null:
                    writer.WriteNullValue(); // json.null
                    break;
                default:
                    throw Problem($"cannot convert a {LuaStack.TypeName(L, index)} to JSON");
            }
            Paid();
        }

        private LuaOutputException TooLarge() => new($"{where} is larger than the {maxBytes}-byte limit");

        private void Number(int index)
        {
            if (LuaNative.lua_isinteger(L, index) != 0)
            {
                writer.WriteNumberValue(LuaNative.lua_tointegerx(L, index, null));
                return;
            }
            var value = LuaNative.lua_tonumberx(L, index, null);
            if (!double.IsFinite(value)) throw Problem($"cannot convert {LuaStack.FormatFloat(value)} to JSON (JSON numbers are finite)");
            writer.WriteNumberValue(value);
        }

        private void String(int index)
        {
            var bytes = LuaStack.StringBytes(L, index);
            var valid = System.Text.Unicode.Utf8.IsValid(bytes);
            if (bytes.Length <= StringSegmentBytes)
            {
                if (valid) writer.WriteStringValue(bytes);
                else writer.WriteStringValue(LuaStack.Decode(bytes)); // invalid bytes become U+FFFD
                return;
            }
            // Escaping can make a string six times longer (every control character is \u00XX), and the
            // writer reserves room for that before it writes anything: a 60 MB string reserved 360 MB.
            // Written in segments, the text is paid for (and held to maxBytes) as it grows.
            while (!bytes.IsEmpty)
            {
                var cut = Utf8Boundary(bytes, StringSegmentBytes);
                var last = cut == bytes.Length;
                if (valid) writer.WriteStringValueSegment(bytes[..cut], last);
                else writer.WriteStringValueSegment(LuaStack.Decode(bytes[..cut]), last);
                bytes = bytes[cut..];
                Paid();
            }
        }

        /// <summary>Where to cut <paramref name="bytes"/> at most <paramref name="max"/> bytes in, never inside a UTF-8 sequence.</summary>
        private static int Utf8Boundary(ReadOnlySpan<byte> bytes, int max)
        {
            if (bytes.Length <= max) return bytes.Length;
            var cut = max;
            // Continuation bytes are 10xxxxxx; at most three of them end a sequence.
            while (cut > max - 4 && (bytes[cut] & 0xC0) == 0x80) cut--;
            return cut;
        }

        /// <summary>Holds what is written so far to the byte limit and reports it to the budget.</summary>
        private void Paid()
        {
            var written = Written;
            if (written > maxBytes) throw TooLarge();
            _budget.Allocate(written - _reported);
            _reported = written;
        }

        private void Table(int index, int depth)
        {
            if (depth >= MaxDepth) throw Problem($"nested more than {MaxDepth} levels deep (does a table contain itself?)");
            Reserve(L, 4);
            var length = (long)LuaNative.lua_rawlen(L, index);
            long count = 0;
            var sequence = true;
            LuaNative.lua_pushnil(L);
            while (LuaNative.lua_next(L, index) != 0)
            {
                _budget.Step();
                count++;
                if (sequence && !(LuaNative.lua_isinteger(L, -2) != 0 && LuaNative.lua_tointegerx(L, -2, null) is var key && key >= 1 && key <= length))
                    sequence = false;
                LuaNative.lua_pop(L, 1);
            }
            // A table that cannot fit, beside what the tables around it still have to write, is refused
            // before its keys are collected and sorted.
            if (count * MinElementBytes > maxBytes - Written - _promised) throw TooLarge();
            if (count == 0)
            {
                if (sandbox.ShapeOf(L, index) == TableShape.Array) writer.WriteStartArray();
                else writer.WriteStartObject();
                if (sandbox.ShapeOf(L, index) == TableShape.Array) writer.WriteEndArray();
                else writer.WriteEndObject();
                return;
            }
            _promised += count * MinElementBytes;
            if (sequence && count == length && sandbox.ShapeOf(L, index) != TableShape.Object) Array(index, length, depth);
            else Object(index, depth);
        }

        private void Array(int index, long length, int depth)
        {
            writer.WriteStartArray();
            for (long i = 1; i <= length; i++)
            {
                LuaNative.lua_rawgeti(L, index, i);
                _path.Add(new PathStep(i, null));
                _promised -= MinElementBytes;
                Value(LuaNative.lua_gettop(L), depth + 1);
                _path.RemoveAt(_path.Count - 1);
                LuaNative.lua_pop(L, 1);
            }
            writer.WriteEndArray();
        }

        private void Object(int index, int depth)
        {
            var keys = new List<ObjectKey>();
            LuaNative.lua_pushnil(L);
            while (LuaNative.lua_next(L, index) != 0)
            {
                var key = KeyAt(-2);
                _budget.Allocate(ObjectKeyOverhead + key.Name.Length * sizeof(char) + (key.Bytes?.Length ?? 0));
                keys.Add(key);
                LuaNative.lua_pop(L, 1);
            }
            keys.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            // 1 and "1" are two keys in Lua but one in JSON: writing both would make a duplicate key.
            for (var i = 1; i < keys.Count; i++)
            {
                if (keys[i].Name == keys[i - 1].Name)
                    throw Problem($"the keys {keys[i - 1]} and {keys[i]} both become the JSON key \"{keys[i].Name}\"");
            }
            writer.WriteStartObject();
            foreach (var key in keys)
            {
                // A name cannot be written in segments: a long one is held to the limit and paid for at
                // the size its escaping may reserve before it is written.
                if (key.Name.Length > StringSegmentBytes)
                {
                    if (Written + key.Name.Length > maxBytes) throw TooLarge();
                    _budget.Allocate(key.Name.Length * MaxEscapedBytesPerChar);
                }
                writer.WritePropertyName(key.Name);
                key.Push(L);
                LuaNative.lua_rawget(L, index);
                _path.Add(new PathStep(0, key.Name));
                _promised -= MinElementBytes;
                Value(LuaNative.lua_gettop(L), depth + 1);
                _path.RemoveAt(_path.Count - 1);
                LuaNative.lua_pop(L, 1);
            }
            writer.WriteEndObject();
        }

        private ObjectKey KeyAt(int index)
        {
            switch (LuaNative.lua_type(L, index))
            {
                case LuaNative.LUA_TSTRING:
                    var bytes = LuaStack.StringBytes(L, index);
                    return new ObjectKey(LuaStack.Decode(bytes), bytes.ToArray(), 0, 0, LuaNative.LUA_TSTRING);
                case LuaNative.LUA_TNUMBER when LuaNative.lua_isinteger(L, index) != 0:
                    var integer = LuaNative.lua_tointegerx(L, index, null);
                    return new ObjectKey(integer.ToString(System.Globalization.CultureInfo.InvariantCulture), null, integer, 0, LuaNative.LUA_TNUMBER);
                case LuaNative.LUA_TNUMBER:
                    var number = LuaNative.lua_tonumberx(L, index, null);
                    return new ObjectKey(LuaStack.FormatFloat(number), null, 0, number, LuaNative.LUA_TNIL);
                default:
                    throw Problem($"a table key of type {LuaStack.TypeName(L, index)} cannot be a JSON object key");
            }
        }

        private LuaConversionException Problem(string message) =>
            new($"{where}{ShortPath()}: {message}");

        // A self-containing table would otherwise print a hundred path segments before the reason.
        private string ShortPath() => _path.Count <= 8
            ? string.Concat(_path)
            : string.Concat(_path.Take(4)) + "…" + string.Concat(_path.Skip(_path.Count - 3));
    }

    /// <summary>One step of a path into a value: a list index, or an object key when <see cref="Key"/> is set.</summary>
    private readonly record struct PathStep(long Index, string? Key)
    {
        public override string ToString() => Key switch
        {
            null => $"[{Index}]",
            { Length: > 0 } when Key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') => "." + Key,
            _ => $"[\"{Key}\"]",
        };
    }

    /// <summary>An object key as read from Lua, kept in its original form so it can be looked up again.</summary>
    private sealed record ObjectKey(string Name, byte[]? Bytes, long Integer, double Float, int Kind)
    {
        /// <summary>The key as Lua code would write it: strings quoted, numbers bare.</summary>
        public override string ToString() => Kind == LuaNative.LUA_TSTRING ? $"\"{Name}\"" : Name;

        public void Push(nint L)
        {
            if (Kind == LuaNative.LUA_TSTRING) LuaStack.PushBytes(L, Bytes);
            else if (Kind == LuaNative.LUA_TNUMBER) LuaNative.lua_pushinteger(L, Integer);
            else LuaNative.lua_pushnumber(L, Float);
        }
    }
}

/// <summary>The shape a table was marked with (<c>json.array</c>/<c>json.object</c>, or decoded from an empty JSON array).</summary>
internal enum TableShape
{
    Unmarked,
    Array,
    Object,
}

/// <summary>A Lua value that has no JSON form; the message names where it sits.</summary>
internal sealed class LuaConversionException(string message) : Exception(message);

/// <summary>A converted value exceeded its byte limit.</summary>
internal sealed class LuaOutputException(string message) : Exception(message);
