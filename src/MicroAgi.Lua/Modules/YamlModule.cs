using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroAgi.Lua.Sandbox;
using MicroAgi.Registry.Loading;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// <c>yaml</c>: YAML to Lua values and back (docs/lua/modules/yaml.md). Plain scalars follow the YAML
/// 1.2 core schema (null, booleans, integers, floats); quoted scalars are strings. Parsing refuses
/// deep nesting before the tree is built (<see cref="BoundedYamlParser"/>); aliases are expanded, but
/// only after measuring what they expand to: more than a million values is refused and their text
/// counts against the call's memory, so an alias bomb fails at once instead of exhausting memory or time.
/// </summary>
internal static partial class YamlModule
{
    private const int MaxNodes = 1_000_000;

    /// <summary>What YamlDotNet holds per node while a document is loaded (measured: about 300 bytes in the process).</summary>
    private const long NodeBytes = 256;

    /// <summary>
    /// Building a serializer costs milliseconds of reflection, so each thread keeps one; one per thread
    /// because YamlDotNet promises thread safety only in some versions.
    /// </summary>
    private static readonly ThreadLocal<ISerializer> Serializer = new(() => new SerializerBuilder().WithQuotingNecessaryStrings().Build());
    private const int MaxDepth = 100;

    public static HostModule Module { get; } = new("yaml",
    [
        ("decode", Decode),
        ("decode_all", DecodeAll),
        ("encode", Encode),
    ]);

    private static int Decode(HostCall call)
    {
        var documents = Load(call);
        if (documents is null) return 2;
        return call.PushJson(documents.Count == 0 ? null : documents[0]);
    }

    private static int DecodeAll(HostCall call)
    {
        var documents = Load(call);
        if (documents is null) return 2;
        return call.PushJson(new JsonArray([.. documents]));
    }

    /// <summary>The documents of the input, or null after pushing <c>nil, err</c>.</summary>
    private static List<JsonNode?>? Load(HostCall call)
    {
        var text = call.String(1);
        call.EnsureRoom(text.Length);
        var stream = new YamlStream();
        // YamlDotNet's tree and the events it is built from take about 256 bytes a node: a 2 MB list of a
        // million values built 300 MB (665 MB allocated) under a 16 MB cap before the conversion met the cap.
        // The nodes are paid for as they are parsed (the budget also checks the deadline).
        var parsing = call.Budget();
        try
        {
            stream.Load(new BoundedYamlParser(new Parser(new StringReader(text)), MaxDepth, MaxNodes, () => parsing.Allocate(1000 * NodeBytes)));
        }
        catch (YamlException e)
        {
            call.Fail($"yaml.decode: line {e.Start.Line}, column {e.Start.Column}: {Describe(e)}");
            return null;
        }
        try
        {
            // Aliases share nodes, so the expanded size is known before anything is expanded.
            var size = new ExpandedSize();
            var (values, bytes) = stream.Documents.Aggregate((Values: 0L, Bytes: 0L), (total, d) => ExpandedSize.Add(total, size.Of(d.RootNode, 0)));
            if (values > MaxNodes) throw new InvalidDataException($"the document expands to more than {MaxNodes} values (an alias bomb?)");
            call.EnsureRoom(bytes);
            var budget = call.Budget();
            return stream.Documents.Select(d => Convert(d.RootNode, budget, 0)).ToList();
        }
        catch (InvalidDataException e)
        {
            call.Fail("yaml.decode: " + e.Message);
            return null;
        }
    }

    private static string Describe(YamlException e) => (e.InnerException?.Message ?? e.Message).Split(" (Line:", 2)[0];

    private static InvalidDataException TooDeep() => new($"the document nests deeper than {MaxDepth} levels");

    /// <summary>
    /// The values a node expands to and the text they hold (what the Lua strings will cost), aliases
    /// included. Each distinct node is measured once, so an alias bomb is measured in the time it takes
    /// to read, and refused before it is built. Sums saturate instead of overflowing.
    /// </summary>
    private sealed class ExpandedSize
    {
        private const long Saturated = long.MaxValue / 4;
        private readonly Dictionary<YamlNode, (long Values, long Bytes)> _known = new(ReferenceEqualityComparer.Instance);

        public static (long Values, long Bytes) Add((long Values, long Bytes) a, (long Values, long Bytes) b) =>
            (Math.Min(a.Values + b.Values, Saturated), Math.Min(a.Bytes + b.Bytes, Saturated));

        public (long Values, long Bytes) Of(YamlNode node, int depth)
        {
            // Expanding an alias can nest deeper than the text does; so would converting it.
            if (depth > MaxDepth) throw TooDeep();
            if (_known.TryGetValue(node, out var size)) return size;
            size = (1, 0);
            switch (node)
            {
                case YamlScalarNode scalar:
                    size.Bytes = scalar.Value?.Length ?? 0;
                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children) size = Add(size, Of(item, depth + 1));
                    break;
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                        size = Add(Add(size, (0, key is YamlScalarNode k ? k.Value?.Length ?? 0 : 0)), Of(value, depth + 1));
                    break;
            }
            _known[node] = size;
            return size;
        }
    }

    private static JsonNode? Convert(YamlNode node, HostBudget budget, int depth)
    {
        budget.Step();
        if (depth > MaxDepth) throw TooDeep();
        switch (node)
        {
            case YamlScalarNode scalar:
                return Scalar(scalar);
            case YamlSequenceNode sequence:
                var list = new JsonArray();
                foreach (var item in sequence.Children) list.Add(Convert(item, budget, depth + 1));
                return list;
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode k ? k.Value ?? "" : throw new InvalidDataException("only scalar mapping keys are supported");
                    obj[name] = Convert(value, budget, depth + 1);
                }
                return obj;
            default:
                return null;
        }
    }

    /// <summary>YAML 1.2 core schema resolution for plain scalars; anything quoted or tagged !!str is a string.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded) return value;
        var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        if (tag == "tag:yaml.org,2002:str") return value;
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return true;
        if (value is "false" or "False" or "FALSE") return false;
        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return integer;
        if (value.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex)) return hex;
        if (value.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                return System.Convert.ToInt64(value[2..], 8);
            }
            catch (FormatException)
            {
                return value;
            }
        }
        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)) return number;
        return value;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private static int Encode(HostCall call)
    {
        if (call.ArgumentCount < 1) throw call.Expected(1, "value");
        JsonNode? value;
        try
        {
            value = call.Json(1);
        }
        catch (LuaConversionException e)
        {
            return call.Fail("yaml.encode: " + e.Message);
        }
        var output = new BudgetedTextWriter(call.Budget());
        Serializer.Value!.Serialize(output, ToPlain(value));
        return call.PushString(output.ToString());
    }

    /// <summary>JsonNode → dictionaries, lists and scalars the YAML serializer understands (keys stay in sorted order).</summary>
    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray list => list.Select(ToPlain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => l,
            JsonValueKind.Number => ExpressionEvaluator.NumberOf(v),
            _ => null,
        },
        _ => null,
    };
}
